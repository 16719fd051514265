package dev.autolog.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of MLflow's search syntax the double understands: clauses joined by {@code AND}, each
 * {@code <entity>.<key> <comparator> <value>}, for runs ({@code metrics.}, {@code params.}, {@code tags.},
 * {@code attributes.}) and experiments ({@code name}, {@code tags.}, times). Values of params, tags and string
 * attributes must be quoted, metric values numeric, as the real server requires.
 */
final class Search {

    private Search() {
    }

    record Clause(String type, String key, String comparator, Object value) {
    }

    record OrderBy(String type, String key, boolean ascending) {
    }

    static final String METRIC = "metric";
    static final String PARAM = "parameter";
    static final String TAG = "tag";
    static final String ATTRIBUTE = "attribute";

    private static final Set<String> RUN_STRING_ATTRIBUTES = Set.of("run_id", "run_name", "status", "user_id",
            "artifact_uri");
    private static final Set<String> RUN_NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time", "created");
    private static final Set<String> EXPERIMENT_STRING_ATTRIBUTES = Set.of("name");
    private static final Set<String> EXPERIMENT_NUMERIC_ATTRIBUTES = Set.of("creation_time", "last_update_time");

    private static final Pattern CLAUSE = Pattern.compile(
            "(?s)^\\s*(?:(?<prefix>[A-Za-z_]+)\\.)?(?<key>`[^`]*`|\"[^\"]*\"|[\\w\\-./:]+)\\s*"
                    + "(?<op>[=!<>]+|(?i:not\\s+ilike|not\\s+like|ilike|like|not\\s+in|in)(?=[\\s(]))\\s*(?<val>.*?)\\s*$");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern ORDER = Pattern.compile(
            "(?i)^\\s*(?:(?<prefix>[A-Za-z_]+)\\.)?(?<key>`[^`]*`|\"[^\"]*\"|[\\w\\-./:]+)\\s*(?<dir>asc|desc)?\\s*$");

    static List<Clause> parseRunFilter(String filter) {
        return parse(filter, true);
    }

    static List<Clause> parseExperimentFilter(String filter) {
        return parse(filter, false);
    }

    private static List<Clause> parse(String filter, boolean runs) {
        List<Clause> clauses = new ArrayList<>();
        if (filter == null || filter.isBlank()) {
            return clauses;
        }
        for (String text : splitAnd(filter)) {
            Matcher m = CLAUSE.matcher(text);
            if (!m.matches()) {
                throw MlflowError.invalidParameter("Invalid clause(s) in filter string: '" + text.trim() + "'");
            }
            String type = entityType(m.group("prefix"), runs);
            String key = unquoteKey(m.group("key"));
            String op = m.group("op").replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
            String raw = m.group("val");
            Object value;
            boolean numericAttribute = ATTRIBUTE.equals(type)
                    && (runs ? RUN_NUMERIC_ATTRIBUTES : EXPERIMENT_NUMERIC_ATTRIBUTES).contains(key);
            if (ATTRIBUTE.equals(type) && !numericAttribute
                    && !(runs ? RUN_STRING_ATTRIBUTES : EXPERIMENT_STRING_ATTRIBUTES).contains(key)) {
                throw MlflowError.invalidParameter("Invalid attribute key '" + key + "' specified.");
            }
            if (METRIC.equals(type) || numericAttribute) {
                if (!NUMBER.matcher(raw).matches()) {
                    throw MlflowError.invalidParameter(METRIC.equals(type)
                            ? "Expected numeric value type for metric. Found " + raw
                            : "Expected numeric value type for numeric attribute: " + key + ". Found " + raw);
                }
                value = Double.parseDouble(raw);
                checkComparator(op, List.of("!=", "<", "<=", "=", ">", ">="));
            } else if (op.equals("IN") || op.equals("NOT IN")) {
                value = parseList(raw);
                checkComparator(op, List.of("IN", "NOT IN"));
            } else {
                if (!isQuoted(raw)) {
                    String what = ATTRIBUTE.equals(type) ? "attributes" : type;
                    throw MlflowError.invalidParameter("Expected a quoted string value for " + what
                            + " (e.g. 'my-value'). Got value " + raw);
                }
                value = raw.substring(1, raw.length() - 1);
                checkComparator(op, List.of("!=", "=", "ILIKE", "LIKE"));
            }
            clauses.add(new Clause(type, key, op, value));
        }
        return clauses;
    }

    private static void checkComparator(String op, List<String> valid) {
        if (!valid.contains(op)) {
            throw MlflowError.invalidParameter("Invalid comparator '" + op + "' not one of '" + valid + "'");
        }
    }

    private static String entityType(String prefix, boolean runs) {
        if (prefix == null) {
            return ATTRIBUTE;
        }
        switch (prefix.toLowerCase(Locale.ROOT)) {
            case "metric", "metrics" -> {
                if (runs) {
                    return METRIC;
                }
            }
            case "param", "params", "parameter", "parameters" -> {
                if (runs) {
                    return PARAM;
                }
            }
            case "tag", "tags" -> {
                return TAG;
            }
            case "attribute", "attributes", "attr", "run" -> {
                return ATTRIBUTE;
            }
            default -> {
            }
        }
        throw MlflowError.invalidParameter("Invalid entity type '" + prefix + "'. Valid values are "
                + (runs ? "['metric', 'parameter', 'tag', 'attribute']" : "['tag', 'attribute']"));
    }

    private static String unquoteKey(String key) {
        if (key.length() >= 2 && (key.startsWith("`") || key.startsWith("\""))) {
            return key.substring(1, key.length() - 1);
        }
        return key;
    }

    private static boolean isQuoted(String raw) {
        return raw.length() >= 2 && ((raw.startsWith("'") && raw.endsWith("'"))
                || (raw.startsWith("\"") && raw.endsWith("\"")));
    }

    private static List<String> parseList(String raw) {
        String s = raw.trim();
        if (!s.startsWith("(") || !s.endsWith(")")) {
            throw MlflowError.invalidParameter("While parsing a list in the query, expected a non-empty list of string"
                    + " values, but got " + raw);
        }
        List<String> out = new ArrayList<>();
        for (String item : s.substring(1, s.length() - 1).split(",")) {
            String t = item.trim();
            if (!isQuoted(t)) {
                throw MlflowError.invalidParameter("While parsing a list in the query, expected string value,"
                        + " punctuation, or whitespace, but got different type in list: " + t);
            }
            out.add(t.substring(1, t.length() - 1));
        }
        return out;
    }

    /** Splits on {@code AND} (any case) outside quotes. */
    private static List<String> splitAnd(String filter) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                current.append(c);
                continue;
            }
            if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                current.append(c);
                continue;
            }
            if (Character.isWhitespace(c) && filter.regionMatches(true, i + 1, "and", 0, 3)
                    && i + 4 < filter.length() && Character.isWhitespace(filter.charAt(i + 4))) {
                parts.add(current.toString());
                current.setLength(0);
                i += 4;
                continue;
            }
            current.append(c);
        }
        parts.add(current.toString());
        return parts;
    }

    static boolean compare(Object actual, String comparator, Object expected) {
        if (actual == null) {
            return false;
        }
        if (actual instanceof Double a) {
            double e = (Double) expected;
            return switch (comparator) {
                case "=" -> a == e;
                case "!=" -> a != e;
                case "<" -> a < e;
                case "<=" -> a <= e;
                case ">" -> a > e;
                case ">=" -> a >= e;
                default -> false;
            };
        }
        String a = actual.toString();
        return switch (comparator) {
            case "=" -> a.equals(expected);
            case "!=" -> !a.equals(expected);
            case "LIKE" -> like(a, (String) expected, false);
            case "ILIKE" -> like(a, (String) expected, true);
            case "IN" -> ((List<?>) expected).contains(a);
            case "NOT IN" -> !((List<?>) expected).contains(a);
            default -> false;
        };
    }

    /** SQL {@code LIKE}: {@code %} any run of characters, {@code _} one character. */
    static boolean like(String value, String pattern, boolean caseInsensitive) {
        StringBuilder regex = new StringBuilder("(?s)");
        if (caseInsensitive) {
            regex.append("(?iu)");
        }
        for (char c : pattern.toCharArray()) {
            if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString()).matcher(value).matches();
    }

    static List<OrderBy> parseOrderBy(List<String> orderBy, boolean runs) {
        List<OrderBy> out = new ArrayList<>();
        for (String s : orderBy) {
            Matcher m = ORDER.matcher(s);
            if (!m.matches()) {
                throw MlflowError.invalidParameter("Invalid order_by clause '" + s + "'. Could not be parsed.");
            }
            String type = entityType(m.group("prefix"), runs);
            String key = unquoteKey(m.group("key"));
            if (!runs && ATTRIBUTE.equals(type) && !Set.of("name", "experiment_id", "creation_time",
                    "last_update_time").contains(key)) {
                throw MlflowError.invalidParameter("Invalid attribute key '" + key + "' specified.");
            }
            String dir = m.group("dir");
            out.add(new OrderBy(type, key, dir == null || dir.equalsIgnoreCase("asc")));
        }
        return out;
    }

    /** {@code SearchUtils.create_page_token}: base64 of {@code {"offset": N}}. */
    static String pageToken(int offset) {
        return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** {@code SearchUtils.parse_start_offset_from_page_token}. */
    static int parseOffset(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        String json;
        try {
            json = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw MlflowError.invalidParameter("Invalid page token, could not base64-decode");
        }
        Matcher m = Pattern.compile("^\\{\\s*\"offset\"\\s*:\\s*(\\d+)\\s*}$").matcher(json.trim());
        if (!m.matches()) {
            throw MlflowError.invalidParameter("Invalid page token, parsed value=" + json);
        }
        return Integer.parseInt(m.group(1));
    }
}
