package dev.autolog.testing;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as {@link MlflowServerDouble} received it, before any handling. Requests that were answered by
 * an injected fault, or refused for authentication, are recorded too.
 *
 * @param method      the HTTP method, e.g. {@code POST}
 * @param pathAndQuery the request target as sent: raw (still percent-encoded) path, then {@code ?query} if any
 * @param headers     all request headers; names are matched case-insensitively, values keep their order
 * @param body        the request body bytes (empty when there was none)
 * @param receivedAtMillis when the double received the request, milliseconds since the epoch
 */
public record RecordedRequest(String method, String pathAndQuery, Map<String, List<String>> headers, byte[] body,
                              long receivedAtMillis) {

    /** Copies the headers and the body, so the record cannot be changed afterwards. */
    public RecordedRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** Returns a copy of the body bytes. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The raw path, without the query string. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** The raw query string without {@code ?}, or {@code null} when there is none. */
    public String query() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? null : pathAndQuery.substring(q + 1);
    }

    /** The first value of a header (name matched case-insensitively), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        return method + " " + pathAndQuery + " (" + body.length + " bytes)";
    }
}
