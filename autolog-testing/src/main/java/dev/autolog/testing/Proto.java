package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The request messages of the MLflow REST API and a copy of protobuf's {@code json_format.ParseDict}
 * ({@code ignore_unknown_fields=True}), which the real server runs on every request body.
 *
 * <p>What matters is how ParseDict fails: it fills the message field by field, in the order of the keys in
 * the JSON object, and stops at the first value it cannot convert. Everything before that value stays set,
 * the rest keeps its default. The server then logs what was parsed. That is why a metric sent as
 * {@code {"key":"k","value":NaN,"timestamp":5}} is stored as value 0 with timestamp 0.
 */
final class Proto {

    private Proto() {
    }

    enum Kind { STRING, INT64, INT32, DOUBLE, BOOL, ENUM, MESSAGE }

    record Field(String name, Kind kind, boolean repeated, Desc message, List<String> enumNames) {
    }

    /** A message type: its fields in declaration order. */
    static final class Desc {
        final String name;
        final Map<String, Field> fields = new LinkedHashMap<>();

        Desc(String name) {
            this.name = name;
        }

        Desc str(String... names) {
            for (String n : names) {
                fields.put(n, new Field(n, Kind.STRING, false, null, null));
            }
            return this;
        }

        Desc i64(String... names) {
            for (String n : names) {
                fields.put(n, new Field(n, Kind.INT64, false, null, null));
            }
            return this;
        }

        Desc i32(String... names) {
            for (String n : names) {
                fields.put(n, new Field(n, Kind.INT32, false, null, null));
            }
            return this;
        }

        Desc dbl(String... names) {
            for (String n : names) {
                fields.put(n, new Field(n, Kind.DOUBLE, false, null, null));
            }
            return this;
        }

        Desc bool(String name) {
            fields.put(name, new Field(name, Kind.BOOL, false, null, null));
            return this;
        }

        /** An enum field; {@code names.get(i)} is the name of number {@code i} ({@code null} for gaps). */
        Desc enumField(String name, List<String> names) {
            fields.put(name, new Field(name, Kind.ENUM, false, null, names));
            return this;
        }

        Desc strList(String name) {
            fields.put(name, new Field(name, Kind.STRING, true, null, null));
            return this;
        }

        Desc msg(String name, Desc type) {
            fields.put(name, new Field(name, Kind.MESSAGE, false, type, null));
            return this;
        }

        Desc msgList(String name, Desc type) {
            fields.put(name, new Field(name, Kind.MESSAGE, true, type, null));
            return this;
        }
    }

    static final List<String> RUN_STATUS = java.util.Arrays.asList(
            null, "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED");
    static final List<String> VIEW_TYPE = java.util.Arrays.asList(null, "ACTIVE_ONLY", "DELETED_ONLY", "ALL");
    static final List<String> LOGGED_MODEL_STATUS = java.util.Arrays.asList("LOGGED_MODEL_STATUS_UNSPECIFIED",
            "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED");

    static final Desc KEY_VALUE = new Desc("KeyValue").str("key", "value");
    static final Desc METRIC = new Desc("Metric").str("key").dbl("value").i64("timestamp", "step")
            .str("dataset_name", "dataset_digest", "model_id", "run_id");
    static final Desc DATASET = new Desc("Dataset").str("name", "digest", "source_type", "source", "schema", "profile");
    static final Desc DATASET_INPUT = new Desc("DatasetInput").msgList("tags", KEY_VALUE).msg("dataset", DATASET);
    static final Desc MODEL_INPUT = new Desc("ModelInput").str("model_id");
    static final Desc MODEL_OUTPUT = new Desc("ModelOutput").str("model_id").i64("step");

    static final Desc CREATE_EXPERIMENT = new Desc("CreateExperiment").str("name", "artifact_location")
            .msgList("tags", KEY_VALUE);
    static final Desc GET_EXPERIMENT = new Desc("GetExperiment").str("experiment_id");
    static final Desc GET_EXPERIMENT_BY_NAME = new Desc("GetExperimentByName").str("experiment_name");
    static final Desc DELETE_EXPERIMENT = new Desc("DeleteExperiment").str("experiment_id");
    static final Desc UPDATE_EXPERIMENT = new Desc("UpdateExperiment").str("experiment_id", "new_name");
    static final Desc SET_EXPERIMENT_TAG = new Desc("SetExperimentTag").str("experiment_id", "key", "value");
    static final Desc SEARCH_EXPERIMENTS = new Desc("SearchExperiments").i64("max_results").str("page_token", "filter")
            .strList("order_by").enumField("view_type", VIEW_TYPE);
    static final Desc CREATE_RUN = new Desc("CreateRun").str("experiment_id", "user_id", "run_name").i64("start_time")
            .msgList("tags", KEY_VALUE);
    static final Desc UPDATE_RUN = new Desc("UpdateRun").str("run_id", "run_uuid").enumField("status", RUN_STATUS)
            .i64("end_time").str("run_name");
    static final Desc RUN_ID_ONLY = new Desc("RunId").str("run_id", "run_uuid");
    static final Desc LOG_METRIC = new Desc("LogMetric").str("run_id", "run_uuid", "key").dbl("value")
            .i64("timestamp", "step").str("model_id", "dataset_name", "dataset_digest");
    static final Desc LOG_PARAM = new Desc("LogParam").str("run_id", "run_uuid", "key", "value");
    static final Desc SET_TAG = new Desc("SetTag").str("run_id", "run_uuid", "key", "value");
    static final Desc DELETE_TAG = new Desc("DeleteTag").str("run_id", "key");
    static final Desc LOG_BATCH = new Desc("LogBatch").str("run_id").msgList("metrics", METRIC)
            .msgList("params", KEY_VALUE).msgList("tags", KEY_VALUE);
    static final Desc LOG_MODEL = new Desc("LogModel").str("run_id", "model_json");
    static final Desc LOG_INPUTS = new Desc("LogInputs").str("run_id").msgList("datasets", DATASET_INPUT)
            .msgList("models", MODEL_INPUT);
    static final Desc LOG_OUTPUTS = new Desc("LogOutputs").str("run_id").msgList("models", MODEL_OUTPUT);
    static final Desc GET_METRIC_HISTORY = new Desc("GetMetricHistory").str("run_id", "run_uuid", "metric_key",
            "page_token").i32("max_results");
    static final Desc LIST_ARTIFACTS = new Desc("ListArtifacts").str("run_id", "run_uuid", "path", "page_token");
    static final Desc SEARCH_RUNS = new Desc("SearchRuns").strList("experiment_ids").str("filter")
            .enumField("run_view_type", VIEW_TYPE).i32("max_results").strList("order_by").str("page_token");
    static final Desc LIST_ARTIFACTS_PROXY = new Desc("ListArtifactsMlflowArtifacts").str("path");
    static final Desc CREATE_LOGGED_MODEL = new Desc("CreateLoggedModel").str("experiment_id", "name", "model_type",
            "source_run_id").msgList("params", KEY_VALUE).msgList("tags", KEY_VALUE);
    static final Desc FINALIZE_LOGGED_MODEL = new Desc("FinalizeLoggedModel").str("model_id")
            .enumField("status", LOGGED_MODEL_STATUS);
    static final Desc LOG_LOGGED_MODEL_PARAMS = new Desc("LogLoggedModelParamsRequest").str("model_id")
            .msgList("params", KEY_VALUE);
    static final Desc EMPTY = new Desc("Empty");

    /** A parsed message: the fields that were set, by name. Unset fields read as proto2 defaults. */
    static final class Msg {
        final Desc desc;
        final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

        Msg(Desc desc) {
            this.desc = desc;
        }

        boolean has(String field) {
            Object v = values.get(field);
            return v != null && !(v instanceof List<?> l && l.isEmpty());
        }

        String str(String field) {
            Object v = values.get(field);
            return v == null ? "" : (String) v;
        }

        long i64(String field) {
            Object v = values.get(field);
            return v == null ? 0L : (Long) v;
        }

        double dbl(String field) {
            Object v = values.get(field);
            return v == null ? 0.0 : (Double) v;
        }

        /** The enum value's name, or {@code null} when unset. */
        String enumName(String field) {
            return (String) values.get(field);
        }

        @SuppressWarnings("unchecked")
        List<Msg> msgs(String field) {
            Object v = values.get(field);
            return v == null ? List.of() : (List<Msg>) v;
        }

        @SuppressWarnings("unchecked")
        List<String> strs(String field) {
            Object v = values.get(field);
            return v == null ? List.of() : (List<String>) v;
        }
    }

    /** protobuf's {@code ParseError}. */
    static final class ParseError extends Exception {
        ParseError() {
            super(null, null, false, false);
        }
    }

    /** Runs ParseDict; returns whether it succeeded. On failure {@code target} keeps what was parsed so far. */
    static boolean parseDict(JsonNode js, Msg target) {
        try {
            convertMessage(js, target);
            return true;
        } catch (ParseError e) {
            return false;
        }
    }

    private static void convertMessage(JsonNode js, Msg msg) throws ParseError {
        if (js.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = js.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                Field field = msg.desc.fields.get(e.getKey());
                if (field == null) {
                    continue; // ignore_unknown_fields
                }
                convertField(field, e.getValue(), msg);
            }
        } else if (js.isTextual()) {
            // Python iterates the characters as field names: none is a field name, so nothing is set.
            for (char c : js.textValue().toCharArray()) {
                if (msg.desc.fields.containsKey(String.valueOf(c))) {
                    throw new ParseError();
                }
            }
        } else if (js.isArray()) {
            for (JsonNode name : js) {
                if (name.isObject() || name.isArray()) {
                    throw new ParseError(); // unhashable
                }
                if (name.isTextual() && msg.desc.fields.containsKey(name.textValue())) {
                    throw new ParseError(); // list indices must be integers
                }
            }
        } else {
            throw new ParseError(); // not iterable
        }
    }

    private static void convertField(Field field, JsonNode value, Msg msg) throws ParseError {
        if (value.isNull()) {
            msg.values.remove(field.name());
            return;
        }
        if (field.repeated()) {
            msg.values.remove(field.name());
            if (!value.isArray()) {
                throw new ParseError();
            }
            List<Object> list = new ArrayList<>();
            msg.values.put(field.name(), list);
            for (JsonNode item : value) {
                if (item.isNull()) {
                    throw new ParseError();
                }
                if (field.kind() == Kind.MESSAGE) {
                    Msg sub = new Msg(field.message());
                    list.add(sub);
                    convertMessage(item, sub);
                } else {
                    list.add(convertScalar(item, field));
                }
            }
        } else if (field.kind() == Kind.MESSAGE) {
            Msg sub = new Msg(field.message());
            msg.values.put(field.name(), sub);
            convertMessage(value, sub);
        } else {
            msg.values.put(field.name(), convertScalar(value, field));
        }
    }

    private static final Pattern SURROGATE = Pattern.compile(
            "[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]");

    private static Object convertScalar(JsonNode value, Field field) throws ParseError {
        switch (field.kind()) {
            case STRING -> {
                if (!value.isTextual() || SURROGATE.matcher(value.textValue()).find()) {
                    throw new ParseError();
                }
                return value.textValue();
            }
            case BOOL -> {
                if (!value.isBoolean()) {
                    throw new ParseError();
                }
                return value.booleanValue();
            }
            case INT64, INT32 -> {
                BigInteger v = convertInteger(value);
                BigInteger min = field.kind() == Kind.INT64 ? BigInteger.valueOf(Long.MIN_VALUE)
                        : BigInteger.valueOf(Integer.MIN_VALUE);
                BigInteger max = field.kind() == Kind.INT64 ? BigInteger.valueOf(Long.MAX_VALUE)
                        : BigInteger.valueOf(Integer.MAX_VALUE);
                if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
                    throw new ParseError();
                }
                return v.longValue();
            }
            case DOUBLE -> {
                return convertFloat(value);
            }
            case ENUM -> {
                List<String> names = field.enumNames();
                if (value.isTextual() && names.contains(value.textValue())) {
                    return value.textValue();
                }
                BigInteger number;
                if (value.isObject() || value.isArray()) {
                    throw new ParseError();
                }
                try {
                    number = pyInt(value);
                } catch (PyValueError e) {
                    throw new ParseError();
                }
                if (number.signum() < 0 || number.compareTo(BigInteger.valueOf(names.size())) >= 0
                        || names.get(number.intValue()) == null) {
                    throw new ParseError();
                }
                return names.get(number.intValue());
            }
            default -> throw new ParseError();
        }
    }

    /** protobuf's {@code _ConvertInteger}. */
    private static BigInteger convertInteger(JsonNode value) throws ParseError {
        if (value.isBoolean() || value.isObject() || value.isArray()) {
            throw new ParseError();
        }
        if (PyJson.isPyFloat(value)) {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
                throw new ParseError();
            }
            return new BigDecimal(d).toBigIntegerExact();
        }
        if (value.isTextual() && value.textValue().indexOf(' ') >= 0) {
            throw new ParseError();
        }
        try {
            return pyInt(value);
        } catch (PyValueError e) {
            throw new ParseError();
        }
    }

    /** protobuf's {@code _ConvertFloat} for a double field. */
    private static double convertFloat(JsonNode value) throws ParseError {
        if (PyJson.isPyFloat(value)) {
            double d = value.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new ParseError(); // "use quoted "NaN" instead"
            }
            return d;
        }
        if (value.isObject() || value.isArray()) {
            throw new ParseError();
        }
        if (value.isTextual() && value.textValue().equals("nan")) {
            throw new ParseError();
        }
        try {
            return pyFloat(value);
        } catch (PyValueError e) {
            throw new ParseError();
        }
    }

    /** Python's {@code ValueError} from {@code int(x)} or {@code float(x)}. */
    static final class PyValueError extends Exception {
        PyValueError() {
            super(null, null, false, false);
        }
    }

    private static final Pattern PY_INT = Pattern.compile("[+-]?\\d(_?\\d)*");
    private static final Pattern PY_FLOAT = Pattern.compile(
            "[+-]?((\\d(_?\\d)*)(\\.(\\d(_?\\d)*)?)?|\\.\\d(_?\\d)*)([eE][+-]?\\d(_?\\d)*)?");
    private static final Pattern PY_FLOAT_WORD = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

    /**
     * Python's {@code int(x)} of a JSON value. {@code TypeError} (None, list, dict) becomes {@link HttpError}
     * (the server's 500 page); {@code ValueError} becomes {@link PyValueError}.
     */
    static BigInteger pyInt(JsonNode value) throws PyValueError {
        if (value == null || value.isNull() || value.isObject() || value.isArray()) {
            throw HttpError.internal();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (PyJson.isPyFloat(value)) {
            double d = value.doubleValue();
            if (Double.isNaN(d)) {
                throw new PyValueError();
            }
            if (Double.isInfinite(d)) {
                throw HttpError.internal(); // OverflowError
            }
            return new BigDecimal(d).toBigInteger();
        }
        if (value.isNumber()) {
            return value.bigIntegerValue();
        }
        String s = pyStrip(value.textValue());
        if (!PY_INT.matcher(s).matches()) {
            throw new PyValueError();
        }
        return new BigInteger(s.replace("_", "").replace("+", ""));
    }

    /** Python's {@code float(x)} of a JSON value; errors as in {@link #pyInt}. */
    static double pyFloat(JsonNode value) throws PyValueError {
        if (value == null || value.isNull() || value.isObject() || value.isArray()) {
            throw HttpError.internal();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? 1.0 : 0.0;
        }
        if (value.isNumber()) {
            if (PyJson.isPyFloat(value)) {
                return value.doubleValue();
            }
            double d = value.bigIntegerValue().doubleValue();
            if (Double.isInfinite(d)) {
                throw HttpError.internal(); // OverflowError: int too large to convert to float
            }
            return d;
        }
        String s = pyStrip(value.textValue());
        if (PY_FLOAT_WORD.matcher(s).matches()) {
            boolean negative = s.startsWith("-");
            String word = s.replaceFirst("^[+-]", "").toLowerCase(java.util.Locale.ROOT);
            if (word.equals("nan")) {
                return Double.NaN;
            }
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (!PY_FLOAT.matcher(s).matches()) {
            throw new PyValueError();
        }
        return Double.parseDouble(s.replace("_", ""));
    }

    private static String pyStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPySpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPySpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isPySpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || Character.isWhitespace(c)
                || Character.isSpaceChar(c);
    }
}
