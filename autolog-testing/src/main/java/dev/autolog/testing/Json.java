package dev.autolog.testing;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Jackson, set up to read JSON as Python's {@code json.loads} does ({@code NaN} and {@code Infinity} allowed). */
final class Json {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {
    }

    /**
     * {@code json.loads} of a request body, or {@code null} where Flask's {@code get_json(silent=True)} gives
     * {@code None}: an empty or malformed body, or the literal {@code null}.
     */
    static JsonNode loadsOrNull(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(body);
            return n == null || n.isMissingNode() || n.isNull() ? null : n;
        } catch (Exception e) {
            return null;
        }
    }

    /** {@code json.loads} of a string; throws {@link IllegalArgumentException} where Python raises. */
    static JsonNode loads(String text) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new IllegalArgumentException("empty");
            }
            return n;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
