package dev.autolog.samples;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A "legacy" job that ships its OWN versions of libraries an agent may also carry: Jackson databind 2.17.2
 * and OkHttp 3.14.9. If an agent leaked its own (newer) copies onto the application class path, the versions
 * printed here would change, or OkHttp 3 code would break against OkHttp 4 classes.
 *
 * <p>It serves a small JSON document from an in-process HTTP server on 127.0.0.1 (ephemeral port),
 * fetches it with OkHttp, parses it and serializes a map with Jackson. Stdout is deterministic (no port).
 */
public final class DependencyClashJob {

    private static final String BODY = "{\"name\":\"legacy-job\",\"answer\":42,\"tags\":[\"dl4j\",\"offline\"]}";

    private DependencyClashJob() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("jackson.version=" + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);
        System.out.println("okhttp.userAgent=" + okhttp3.internal.Version.userAgent());

        HttpServer server = startServer();
        OkHttpClient client = new OkHttpClient();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/info";
            ObjectMapper mapper = new ObjectMapper();

            JsonNode doc;
            try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
                System.out.println("http.status=" + response.code());
                ResponseBody body = response.body();
                doc = mapper.readTree(body == null ? "{}" : body.string());
            }
            System.out.println("parsed.name=" + doc.path("name").asText());
            System.out.println("parsed.answer=" + doc.path("answer").asInt());
            System.out.println("parsed.tags=" + doc.path("tags"));

            // Insertion-ordered map, so the serialized text is the same on every run.
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("job", doc.path("name").asText());
            summary.put("answerTimesTwo", doc.path("answer").asInt() * 2);
            summary.put("tagCount", doc.path("tags").size());
            summary.put("libraries", List.of("jackson", "okhttp3"));
            System.out.println("serialized=" + mapper.writeValueAsString(summary));
        } finally {
            // OkHttp 3 keeps worker threads alive for a while; release them so the JVM exits at once.
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            server.stop(0);
        }
        System.out.println("done");
    }

    /** Loopback only, port 0 = any free port; answers every request under /info with {@link #BODY}. */
    private static HttpServer startServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/info", exchange -> {
            byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return server;
    }
}
