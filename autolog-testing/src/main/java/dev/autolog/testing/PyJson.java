package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Renders JSON values the way CPython renders the objects that {@code json.loads} made of them:
 * {@code json.dumps} (with {@code ensure_ascii}), {@code repr}, {@code str} and {@code type(x).__name__}.
 * MLflow builds many error messages with these, so the double needs them to copy the messages exactly.
 *
 * <p>A JSON number with a fraction or exponent is a Python {@code float}; any other number is an {@code int}.
 */
final class PyJson {

    private PyJson() {
    }

    /** {@code json.dumps(value)} with the default separators {@code ", "} and {@code ": "}. */
    static String dumps(JsonNode value) {
        StringBuilder out = new StringBuilder();
        dump(value, out, false, ", ", ": ");
        return out.toString();
    }

    /** {@code json.dumps(value, sort_keys=True, separators=(",", ":"))}, as MLflow's {@code invalid_value} uses it. */
    static String dumpsCompactSorted(JsonNode value) {
        StringBuilder out = new StringBuilder();
        dump(value, out, true, ",", ":");
        return out.toString();
    }

    /** {@code json.dumps(s)} of a string: double quotes, ASCII only. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        quote(s, out);
        return out.toString();
    }

    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void dump(JsonNode n, StringBuilder out, boolean sortKeys, String itemSep, String keySep) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            out.append("null");
        } else if (n.isTextual()) {
            quote(n.textValue(), out);
        } else if (n.isBoolean()) {
            out.append(n.booleanValue() ? "true" : "false");
        } else if (isPyFloat(n)) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                out.append("NaN");
            } else if (Double.isInfinite(d)) {
                out.append(d > 0 ? "Infinity" : "-Infinity");
            } else {
                out.append(floatRepr(d));
            }
        } else if (n.isNumber()) {
            out.append(n.bigIntegerValue().toString());
        } else if (n.isArray()) {
            out.append('[');
            boolean first = true;
            for (JsonNode e : n) {
                if (!first) {
                    out.append(itemSep);
                }
                first = false;
                dump(e, out, sortKeys, itemSep, keySep);
            }
            out.append(']');
        } else if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            if (sortKeys) {
                names.sort(PyJson::comparePy);
            }
            out.append('{');
            boolean first = true;
            for (String name : names) {
                if (!first) {
                    out.append(itemSep);
                }
                first = false;
                quote(name, out);
                out.append(keySep);
                dump(n.get(name), out, sortKeys, itemSep, keySep);
            }
            out.append('}');
        } else {
            out.append(n.toString());
        }
    }

    /**
     * A successful response body as the transcripts show it: compact, fields in the order given, non-ASCII
     * escaped, and doubles printed the shortest way, integral ones without a fraction ({@code 999}, {@code 0.125},
     * {@code 1.7976931348623157e+308}).
     */
    static String wire(JsonNode n) {
        StringBuilder out = new StringBuilder();
        wire(n, out);
        return out.toString();
    }

    private static void wire(JsonNode n, StringBuilder out) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            out.append("null");
        } else if (n.isTextual()) {
            quote(n.textValue(), out);
        } else if (n.isBoolean()) {
            out.append(n.booleanValue());
        } else if (n.isFloatingPointNumber()) {
            out.append(wireDouble(n.doubleValue()));
        } else if (n.isNumber()) {
            out.append(n.bigIntegerValue());
        } else if (n.isArray()) {
            out.append('[');
            boolean first = true;
            for (JsonNode e : n) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                wire(e, out);
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    out.append(',');
                }
                first = false;
                quote(e.getKey(), out);
                out.append(':');
                wire(e.getValue(), out);
            }
            out.append('}');
        }
    }

    static String wireDouble(double d) {
        if (Double.isNaN(d)) {
            return "\"NaN\"";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e17) {
            return (d == 0 && 1 / d < 0) ? "-0" : Long.toString((long) d);
        }
        Digits g = Digits.of(d);
        String sign = d < 0 ? "-" : "";
        if (g.exponent >= -5 && g.exponent < 17) {
            return sign + new BigDecimal(g.digits).scaleByPowerOfTen(g.exponent - (g.digits.length() - 1))
                    .toPlainString();
        }
        return sign + g.scientific();
    }

    /** Python orders strings by code point; Java's {@code compareTo} orders by UTF-16 unit. */
    static int comparePy(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Whether {@code json.loads} made a {@code float} of this node. */
    static boolean isPyFloat(JsonNode n) {
        return n.isFloatingPointNumber();
    }

    /** {@code type(value).__name__} of what {@code json.loads} produced. */
    static String typeName(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "NoneType";
        } else if (n.isTextual()) {
            return "str";
        } else if (n.isBoolean()) {
            return "bool";
        } else if (isPyFloat(n)) {
            return "float";
        } else if (n.isNumber()) {
            return "int";
        } else if (n.isArray()) {
            return "list";
        } else {
            return "dict";
        }
    }

    /** {@code str(value)}: a string stays as it is, anything else is its {@code repr}. */
    static String str(JsonNode n) {
        if (n != null && n.isTextual()) {
            return n.textValue();
        }
        return repr(n);
    }

    /** {@code repr(value)} of what {@code json.loads} produced. */
    static String repr(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "None";
        } else if (n.isTextual()) {
            return reprString(n.textValue());
        } else if (n.isBoolean()) {
            return n.booleanValue() ? "True" : "False";
        } else if (isPyFloat(n)) {
            return floatRepr(n.doubleValue());
        } else if (n.isNumber()) {
            return n.bigIntegerValue().toString();
        } else if (n.isArray()) {
            StringBuilder out = new StringBuilder("[");
            Iterator<JsonNode> it = n.elements();
            while (it.hasNext()) {
                out.append(repr(it.next()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append(']').toString();
        } else {
            StringBuilder out = new StringBuilder("{");
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.append(reprString(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append('}').toString();
        }
    }

    /** {@code repr(s)} of a Python {@code str}: single quotes unless the text holds {@code '} and no {@code "}. */
    static String reprString(String s) {
        char q = (s.indexOf('\'') >= 0 && s.indexOf('"') < 0) ? '"' : '\'';
        StringBuilder out = new StringBuilder(s.length() + 2).append(q);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == q || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                out.append("\\n");
            } else if (cp == '\r') {
                out.append("\\r");
            } else if (cp == '\t') {
                out.append("\\t");
            } else if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\x%02x", cp));
            } else if (cp >= 0x80 && !isPrintable(cp)) {
                if (cp <= 0xff) {
                    out.append(String.format("\\x%02x", cp));
                } else if (cp <= 0xffff) {
                    out.append(String.format("\\u%04x", cp));
                } else {
                    out.append(String.format("\\U%08x", cp));
                }
            } else {
                out.appendCodePoint(cp);
            }
        }
        return out.append(q).toString();
    }

    private static boolean isPrintable(int cp) {
        int type = Character.getType(cp);
        return !(type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (type == Character.SPACE_SEPARATOR && cp != ' '));
    }

    /** {@code repr(float)}: the shortest digits that read back, {@code 1e+16}, {@code 1e-05}, {@code 2.0}, {@code nan}. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        Digits g = Digits.of(d);
        String sign = d < 0 ? "-" : "";
        if (g.exponent >= -4 && g.exponent < 16) {
            String plain = new BigDecimal(g.digits).scaleByPowerOfTen(g.exponent - (g.digits.length() - 1))
                    .toPlainString();
            if (plain.indexOf('.') < 0) {
                plain = plain + ".0";
            }
            return sign + plain;
        }
        return sign + g.scientific();
    }

    /** Shortest decimal digits of a finite non-zero double and the power of ten of the first digit. */
    record Digits(String digits, int exponent) {
        static Digits of(double d) {
            BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
            String digits = bd.unscaledValue().toString();
            int exponent = digits.length() - 1 - bd.scale();
            return new Digits(digits, exponent);
        }

        String scientific() {
            StringBuilder out = new StringBuilder().append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            return out.append(abs).toString();
        }
    }
}
