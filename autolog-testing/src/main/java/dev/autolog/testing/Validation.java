package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks of {@code mlflow/utils/validation.py} (2.2x) and {@code validate_path_is_safe} of
 * {@code mlflow/utils/uri.py}, with their messages. Limits: 1000 metrics, 100 params, 100 tags, 1000 entities
 * per batch; keys up to 250 characters; param values truncated to 6000 and run tag values to 8000 characters
 * ({@code MLFLOW_TRUNCATE_LONG_VALUES} defaults to true).
 */
final class Validation {

    static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
    static final int MAX_METRICS_PER_BATCH = 1000;
    static final int MAX_ENTITIES_PER_BATCH = 1000;
    static final int MAX_BATCH_LOG_REQUEST_SIZE = 1_000_000;
    static final int MAX_PARAM_VAL_LENGTH = 6000;
    static final int MAX_TAG_VAL_LENGTH = 8000;
    static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
    static final int MAX_EXPERIMENT_TAG_KEY_LENGTH = 250;
    static final int MAX_EXPERIMENT_TAG_VAL_LENGTH = 5000;
    static final int MAX_ENTITY_KEY_LENGTH = 250;

    static final String API_DOCS = " See the API docs for more information about request parameters.";

    /** Python's {@code re.match(r"^[/\w.\- :]*$", name)}: Unicode {@code \w}, and {@code $} also matches before a final newline. */
    private static final Pattern NAME = Pattern.compile("^[/\\w.\\- :]*$",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES);
    private static final Pattern RUN_ID = Pattern.compile("^[a-zA-Z0-9][\\w\\-]{0,255}$",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES);

    private Validation() {
    }

    static String invalidValue(String path, JsonNode value, String message) {
        String formatted = PyJson.dumpsCompactSorted(value);
        if (message != null && !message.isEmpty()) {
            return "Invalid value " + formatted + " for parameter '" + path + "' supplied: " + message;
        }
        return "Invalid value " + formatted + " for parameter '" + path + "' supplied.";
    }

    static String invalidValue(String path, String value, String message) {
        return invalidValue(path, JsonNodeFactory.instance.textNode(value), message);
    }

    static String missingValue(String path) {
        return "Missing value for required parameter '" + path + "'.";
    }

    static String appendToJsonPath(String currentPath, String value) {
        if (currentPath == null || currentPath.isEmpty()) {
            return value;
        }
        if (value.startsWith("[")) {
            return currentPath + value;
        }
        return currentPath + "." + value;
    }

    static String badCharacterMessage() {
        return "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:)"
                + " and slashes (/).";
    }

    static String badPathMessage(String name) {
        return "Names may be treated as files in certain cases, and must not resolve to other names when treated as"
                + " such. This name would resolve to " + PyJson.reprString(normpath(name));
    }

    static boolean pathNotUnique(String name) {
        String norm = normpath(name);
        return !norm.equals(name) || norm.equals(".") || norm.startsWith("..") || norm.startsWith("/");
    }

    private static void validateName(String name, String path) {
        if (!NAME.matcher(name).find()) {
            throw MlflowError.invalidParameter(invalidValue(path, name, badCharacterMessage()));
        }
        if (pathNotUnique(name)) {
            throw MlflowError.invalidParameter(invalidValue(path, name, badPathMessage(name)));
        }
    }

    /** {@code _validate_metric} for a metric that came out of the proto (value, timestamp and step are numbers). */
    static void validateMetric(String key, double value, long timestamp, long step, String path) {
        validateName(key, appendToJsonPath(path, "name"));
        if (timestamp < 0) {
            throw MlflowError.invalidParameter(invalidValue(appendToJsonPath(path, "timestamp"),
                    JsonNodeFactory.instance.numberNode(timestamp),
                    "metric '" + key + "' (value=" + PyJson.floatRepr(value) + "). Timestamp must be a nonnegative"
                            + " long (64-bit integer) "));
        }
        validateLengthLimit("Metric name", MAX_ENTITY_KEY_LENGTH, key, false);
    }

    /** {@code _validate_param}: returns the value, truncated to 6000 characters. */
    static String validateParam(String key, String value, String path) {
        validateName(key, appendToJsonPath(path, "key"));
        validateLengthLimit("Param key", MAX_ENTITY_KEY_LENGTH, key, false);
        return validateLengthLimit("Param value", MAX_PARAM_VAL_LENGTH, value, true);
    }

    /** {@code _validate_tag}: returns the value, truncated to 8000 characters. */
    static String validateTag(String key, String value, String path) {
        validateName(key, appendToJsonPath(path, "key"));
        validateLengthLimit(appendToJsonPath(path, "key"), MAX_ENTITY_KEY_LENGTH, key, false);
        return validateLengthLimit(appendToJsonPath(path, "value"), MAX_TAG_VAL_LENGTH, value, true);
    }

    static void validateExperimentTag(String key, String value) {
        validateName(key, "key");
        validateLengthLimit("key", MAX_EXPERIMENT_TAG_KEY_LENGTH, key, false);
        validateLengthLimit("value", MAX_EXPERIMENT_TAG_VAL_LENGTH, value, false);
    }

    static String validateLengthLimit(String entityName, int limit, String value, boolean truncate) {
        if (value == null || pyLen(value) <= limit) {
            return value;
        }
        if (truncate) {
            return value.substring(0, value.offsetByCodePoints(0, limit));
        }
        throw MlflowError.invalidParameter("'" + entityName + "' exceeds the maximum length of " + limit + " characters");
    }

    /** {@code len(s)} of a Python {@code str}: code points, not UTF-16 units. */
    static int pyLen(String s) {
        return s.codePointCount(0, s.length());
    }

    static void validateParamKeysUnique(List<String> keys) {
        List<String> unique = new ArrayList<>();
        List<String> dupes = new ArrayList<>();
        for (String k : keys) {
            if (!unique.contains(k)) {
                unique.add(k);
            } else {
                dupes.add(k);
            }
        }
        if (!dupes.isEmpty()) {
            StringBuilder repr = new StringBuilder("[");
            for (int i = 0; i < dupes.size(); i++) {
                repr.append(i == 0 ? "" : ", ").append(PyJson.reprString(dupes.get(i)));
            }
            repr.append(']');
            throw MlflowError.invalidParameter("Duplicate parameter keys have been submitted: " + repr + ". Please"
                    + " ensure the request contains only one param value per param key.");
        }
    }

    static void validateBatchLogLimits(int metrics, int params, int tags) {
        validateBatchLimit("metrics", MAX_METRICS_PER_BATCH, metrics);
        validateBatchLimit("params", MAX_PARAMS_TAGS_PER_BATCH, params);
        validateBatchLimit("tags", MAX_PARAMS_TAGS_PER_BATCH, tags);
        validateBatchLimit("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics + params + tags);
    }

    private static void validateBatchLimit(String entityName, int limit, int length) {
        if (length > limit) {
            throw MlflowError.invalidParameter("A batch logging request can contain at most " + limit + " " + entityName
                    + ". Got " + length + " " + entityName + ". Please split up " + entityName
                    + " across multiple requests and try again.");
        }
    }

    static void validateRunId(String runId) {
        if (!RUN_ID.matcher(runId).find()) {
            throw MlflowError.invalidParameter(invalidValue("run_id", runId, null));
        }
    }

    static void validateExperimentName(String name) {
        if (name == null || name.isEmpty()) {
            throw MlflowError.invalidParameter("Invalid experiment name: '" + (name == null ? "None" : name) + "'");
        }
        if (pyLen(name) > MAX_EXPERIMENT_NAME_LENGTH) {
            throw MlflowError.invalidParameter("'name' exceeds the maximum length of " + MAX_EXPERIMENT_NAME_LENGTH
                    + " characters");
        }
    }

    /** Python's {@code posixpath.normpath}. */
    static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int initialSlashes = path.startsWith("/") ? 1 : 0;
        if (initialSlashes == 1 && path.startsWith("//") && !path.startsWith("///")) {
            initialSlashes = 2;
        }
        List<String> comps = new ArrayList<>();
        for (String comp : path.split("/", -1)) {
            if (comp.isEmpty() || comp.equals(".")) {
                continue;
            }
            if (!comp.equals("..") || (initialSlashes == 0 && comps.isEmpty())
                    || (!comps.isEmpty() && comps.get(comps.size() - 1).equals(".."))) {
                comps.add(comp);
            } else if (!comps.isEmpty()) {
                comps.remove(comps.size() - 1);
            }
        }
        String joined = "/".repeat(initialSlashes) + String.join("/", comps);
        return joined.isEmpty() ? "." : joined;
    }

    /**
     * {@code validate_path_is_safe}: percent-decodes until stable, then rejects {@code #}, a {@code ..} segment and
     * absolute (POSIX or Windows) paths with {@code INVALID_PARAMETER_VALUE "Invalid path"}. Returns the decoded path.
     */
    static String validatePathIsSafe(String path) {
        String decoded = path;
        while (true) {
            String next = pyUnquote(decoded);
            if (next.equals(decoded)) {
                break;
            }
            decoded = next;
        }
        MlflowError invalid = MlflowError.invalidParameter("Invalid path");
        if (decoded.contains("#")) {
            throw invalid;
        }
        String p = decoded;
        if (p.startsWith("file:")) {
            p = p.substring("file:".length()).replaceFirst("^//[^/]*", "");
        }
        List<String> segments = List.of(p.split("/", -1));
        boolean windowsAbsolute = p.matches("(?s)^[A-Za-z]:[\\\\/].*") || p.matches("(?s)^[\\\\/]{2}[^\\\\/]+[\\\\/][^\\\\/]+.*");
        if (segments.contains("..") || p.startsWith("/") || windowsAbsolute) {
            throw invalid;
        }
        return p;
    }

    /** Python's {@code urllib.parse.unquote} (UTF-8, invalid sequences replaced). */
    static String pyUnquote(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                if (bytes.size() > 0) {
                    out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
                    bytes.reset();
                }
                out.append(c);
                i++;
            }
        }
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0 && c < 128;
    }

    /** Form-style decoding of one query-string component ({@code +} is a space), as Werkzeug does it. */
    static String decodeQueryComponent(String s) {
        return pyUnquote(s.replace('+', ' '));
    }
}
