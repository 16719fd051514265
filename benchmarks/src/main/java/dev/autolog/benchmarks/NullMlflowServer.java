package dev.autolog.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP endpoint that answers {@code runs/create} and accepts every other POST with
 * {@code {}}, storing nothing: the upper bound of what the agent's client side can push, with the
 * server's own cost (validation, storage) taken out. Counts the metric points it received by
 * counting {@code "key"} occurrences in log-batch bodies with one metric key, {@code "loss"}.
 */
final class NullMlflowServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "null-mlflow");
    t.setDaemon(true);
    return t;
  });
  final AtomicLong lossPoints = new AtomicLong();

  NullMlflowServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getPath();
      String answer = "{}";
      if (path.endsWith("/runs/create")) {
        String id = UUID.randomUUID().toString().replace("-", "");
        answer = "{\"run\":{\"info\":{\"run_id\":\"" + id + "\",\"experiment_id\":\"0\",\"artifact_uri\":"
            + "\"mlflow-artifacts:/0/" + id + "/artifacts\"}}}";
      } else if (path.endsWith("/runs/log-batch")) {
        lossPoints.addAndGet(count(new String(body, StandardCharsets.UTF_8), "\"loss\""));
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
  }

  String baseUri() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static long count(String s, String needle) {
    long n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
