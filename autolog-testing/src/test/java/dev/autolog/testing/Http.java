package dev.autolog.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** A small JDK HTTP client for the tests of {@link MlflowServerDouble}. */
final class Http {

    record Resp(int status, String body, HttpResponse<byte[]> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> defaultHeaders;

    Http(MlflowServerDouble server) {
        this(server, Map.of());
    }

    Http(MlflowServerDouble server, Map<String, String> defaultHeaders) {
        this.base = server.baseUri();
        this.defaultHeaders = defaultHeaders;
    }

    Resp get(String target) {
        return send("GET", target, null, null, Duration.ofSeconds(30));
    }

    Resp post(String target, String json) {
        return send("POST", target, json.getBytes(StandardCharsets.UTF_8), "application/json", Duration.ofSeconds(30));
    }

    Resp patch(String target, String json) {
        return send("PATCH", target, json.getBytes(StandardCharsets.UTF_8), "application/json", Duration.ofSeconds(30));
    }

    Resp put(String target, byte[] body) {
        return send("PUT", target, body, null, Duration.ofSeconds(30));
    }

    Resp send(String method, String target, byte[] body, String contentType, Duration timeout) {
        try {
            return sendOrThrow(method, target, body, contentType, timeout);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Resp sendOrThrow(String method, String target, byte[] body, String contentType, Duration timeout)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + target)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        defaultHeaders.forEach(b::header);
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Resp(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
