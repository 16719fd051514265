package dev.autolog.core.tracking.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.testing.SelfSignedCertificate;
import java.io.IOException;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifact roots other than the proxied API (a local path, an unreachable cloud bucket, Databricks'
 * signed URLs) and client certificates, each against a small purpose-built HTTP(S) server on loopback.
 */
class ArtifactRootsAndClientCertTest {
  private static final RetryPolicy FAST = new RetryPolicy(1, 10, 10);

  @TempDir Path tmp;

  @Test
  void fileRootIsWrittenDirectly() throws Exception {
    RestTracker tracker = new RestTracker("http://127.0.0.1:9", "http://127.0.0.1:9", Credentials.of(null, null, null),
        null, null, false, false, FAST);
    Path root = tmp.resolve("shared/artifacts");
    Path file = Files.writeString(tmp.resolve("a.txt"), "hello");
    tracker.logArtifact(new RunInfo("r", "0", root.toUri().toString()), "sub/a.txt", file);
    assertEquals("hello", Files.readString(root.resolve("sub/a.txt")));
  }

  @Test
  void unreachableRootIsSkippedWithOneWarning() throws Exception {
    RestTracker tracker = new RestTracker("http://127.0.0.1:9", "http://127.0.0.1:9", Credentials.of(null, null, null),
        null, null, false, false, FAST);
    Path file = Files.writeString(tmp.resolve("a.txt"), "hello");
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      RunInfo run = new RunInfo("r", "0", "s3://bucket/mlflow/0/r/artifacts");
      tracker.logArtifact(run, "a.txt", file);
      tracker.logArtifact(run, "b.txt", file);
    } finally {
      System.setErr(original);
    }
    String printed = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, printed.lines().filter(l -> l.contains("artifacts were not uploaded")).count(), printed);
    assertTrue(printed.contains("s3://bucket"), printed);
  }

  @Test
  void databricksArtifactsGoToTheSignedUrlWithItsHeadersAndNoToken() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    server.createContext("/api/2.0/mlflow/artifacts/credentials-for-write", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add("credentials " + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
      respond(exchange, 200, "{\"credential_infos\":[{\"run_id\":\"r1\",\"path\":\"model/model.zip\","
          + "\"signed_uri\":\"" + base + "/signed/abc?sig=s3cr3t\",\"type\":\"AZURE_SAS_URI\","
          + "\"headers\":[{\"name\":\"x-ms-meta-run\",\"value\":\"r1\"}]}]}");
    });
    server.createContext("/signed/", exchange -> {
      seen.add("put " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
          + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
          + " blob=" + exchange.getRequestHeaders().getFirst("x-ms-blob-type")
          + " meta=" + exchange.getRequestHeaders().getFirst("x-ms-meta-run")
          + " body=" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      respond(exchange, 201, "");
    });
    server.start();
    try {
      RestTracker tracker = new RestTracker(base, "https://adb-1.azuredatabricks.net",
          Credentials.of(null, null, "dapi-token"), null, null, false, true, FAST);
      Path file = Files.writeString(tmp.resolve("model.zip"), "zip!");
      tracker.logArtifact(new RunInfo("r1", "7", "dbfs:/databricks/mlflow-tracking/7/r1/artifacts"),
          "model/model.zip", file);
    } finally {
      server.stop(0);
    }
    assertEquals(2, seen.size(), seen.toString());
    assertTrue(seen.get(0).startsWith("credentials Bearer dapi-token "), seen.get(0));
    assertTrue(seen.get(0).contains("\"path\":[\"model/model.zip\"]") && seen.get(0).contains("\"run_id\":\"r1\""), seen.get(0));
    assertEquals("put PUT /signed/abc?sig=s3cr3t auth=null blob=BlockBlob meta=r1 body=zip!", seen.get(1));
  }

  @Test
  void clientCertificateIsPresentedToServersThatRequireOne() throws Exception {
    try (SelfSignedCertificate cert = SelfSignedCertificate.generate()) {
      HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      SSLContext serverContext = SSLContext.getInstance("TLS");
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(cert.keyStore(), cert.password());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(cert.keyStore()); // the server trusts exactly this certificate as a client
      serverContext.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = serverContext.getDefaultSSLParameters();
          p.setNeedClientAuth(true);
          params.setSSLParameters(p);
        }
      });
      server.createContext("/api/2.0/mlflow/experiments/get-by-name",
          exchange -> respond(exchange, 200, "{\"experiment\":{\"experiment_id\":\"42\"}}"));
      server.start();
      String base = "https://127.0.0.1:" + server.getAddress().getPort();
      try {
        Path clientPem = tmp.resolve("client.pem");
        PrivateKey key = (PrivateKey) cert.keyStore().getKey(SelfSignedCertificate.ALIAS, cert.password());
        Files.writeString(clientPem, cert.certificatePem() + "\n-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        String ca = cert.certificatePemPath().toString();

        RestTracker withCert = new RestTracker(base, base, Credentials.of(null, null, null), ca,
            clientPem.toString(), false, false, FAST);
        assertEquals("42", withCert.getOrCreateExperiment("x"));

        RestTracker without = new RestTracker(base, base, Credentials.of(null, null, null), ca, null, false, false,
            new RetryPolicy(0, 10, 10));
        assertThrows(IOException.class, () -> without.getOrCreateExperiment("x"));

        Path pkcs1 = Files.writeString(tmp.resolve("rsa.pem"), cert.certificatePem()
            + "\n-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        RestTracker wrongFormat = new RestTracker(base, base, Credentials.of(null, null, null), ca, pkcs1.toString(),
            false, false, FAST);
        IOException e = assertThrows(IOException.class, () -> wrongFormat.getOrCreateExperiment("x"));
        assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
      } finally {
        server.stop(0);
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }
}
