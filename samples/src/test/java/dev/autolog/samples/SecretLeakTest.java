package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.testing.ExperimentState;
import dev.autolog.testing.LoggedModelState;
import dev.autolog.testing.MlflowServerDouble;
import dev.autolog.testing.RecordedRequest;
import dev.autolog.testing.RunState;
import dev.autolog.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plants a fresh random secret in every way a credential can be given (password, token, Databricks
 * token; plain, {@code {{env:}}}, {@code {{file:}}}, secrets directory, MLflow and autolog
 * environment variables, system properties, agent argument, YAML file, Databricks profile, URI user
 * info), runs the unchanged DL4J sample under the real agent jar against the MLflow server double on
 * loopback, with authentication enforced, and then searches every output for it: the job's stdout
 * and stderr, every file below its working directory (including the run info file), below its
 * {@code java.io.tmpdir} and below the journal directory, and everything the server received and
 * stored except the Authorization header. The same is done for runs where the server refuses the
 * credential (401, 403), fails (503, 500, a 500 page that echoes the request's headers), is not
 * trusted (TLS) or not there at all, and where the configuration itself is invalid, several of them
 * with {@code -Dautolog.debug=true}.
 *
 * <p>The Authorization header is the one place the secret must be: where the server was reached it
 * is asserted to carry exactly the expected Basic or Bearer value, so a scan that finds nothing
 * means the secret was in use and still did not leak. The job's stdout and exit code are always
 * those of the run without the agent.
 */
class SecretLeakTest {
  private static final String USER = "trainer";
  private static final String SECTION = "regression";
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir static Path plainDir;
  private static ForkedJob.Result plain;
  private static SelfSignedCertificate certificate;

  /** How far the secret got. */
  enum Outcome {
    /** The server accepted the credential and the run arrived, finished, with all its metric points. */
    LOGGED,
    /** Requests reached the server with the credential but were refused or failed. */
    SENT,
    /** No request reached the server (configuration error, no server, untrusted TLS). */
    NOT_SENT
  }

  enum Auth { BASIC, BEARER }

  enum Server { BASIC, BEARER, WRONG_PASSWORD, READ_ONLY_USER, TLS_BEARER, NONE }

  /** What a case's job is given: where it runs, the secret, and where the server is. */
  record Context(Path inputs, Path work, String secret, String uri, int port) {
    String hostAndPort() {
      return "127.0.0.1:" + port;
    }

    /** Writes a file outside every scanned directory, readable by its owner only. */
    Path input(String name, String content) throws IOException {
      Path file = inputs.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    }
  }

  interface Setup {
    ForkedJob configure(ForkedJob job, Context context) throws IOException;
  }

  /** Answers the server is told to give before the job starts. */
  interface Faults {
    void script(MlflowServerDouble server, String secret, String authorization);
  }

  record Case(String name, Server server, Auth auth, Outcome outcome, String expectedAgentLine, boolean debug,
      Setup setup, Faults faults) {
    Case(String name, Server server, Auth auth, Outcome outcome, String expectedAgentLine, boolean debug,
        Setup setup) {
      this(name, server, auth, outcome, expectedAgentLine, debug, setup, (s, secret, authorization) -> { });
    }

    Case withFaults(Faults scripted) {
      return new Case(name, server, auth, outcome, expectedAgentLine, debug, setup, scripted);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    String basic = "tracking_username=" + USER + ",tracking_password=";
    return Stream.of(
        // HTTP Basic password, every way it can be given.
        new Case("password in the agent argument, debug on", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, true,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + "," + basic + c.secret())),
        new Case("password as {{env:}} reference", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + "," + basic + "{{env:TRAINER_PASSWORD}}")
                .env("TRAINER_PASSWORD", c.secret())),
        new Case("password in MLFLOW_TRACKING_PASSWORD", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent(null).env("MLFLOW_TRACKING_URI", c.uri())
                .env("MLFLOW_TRACKING_USERNAME", USER).env("MLFLOW_TRACKING_PASSWORD", c.secret())),
        new Case("password in AUTOLOG_TRACKING_PASSWORD", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + ",tracking_username=" + USER)
                .env("AUTOLOG_TRACKING_PASSWORD", c.secret())),
        new Case("password as system property", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent(null).jvmArg("-Dautolog.tracking_uri=" + c.uri())
                .jvmArg("-Dautolog.tracking_username=" + USER).jvmArg("-Dautolog.tracking_password=" + c.secret())),
        new Case("password in the YAML config file", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("config=" + c.input("autolog.yaml", "tracking_uri: " + c.uri()
                + "\ntracking_username: " + USER + "\ntracking_password: \"" + c.secret() + "\"\n"))),
        new Case("password as {{file:}} reference", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + "," + basic + "{{file:"
                + c.input("password.txt", c.secret() + "\n") + "}}")),
        new Case("password from secrets_dir", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> {
              c.input("secrets/mlflow.properties", "password=" + c.secret() + "\n");
              return job.withAgent("tracking_uri=" + c.uri() + ",secrets_dir=" + c.inputs().resolve("secrets")
                  + "," + basic + "{{mlflow.password}}");
            }),
        new Case("password as user info of tracking_uri", Server.BASIC, Auth.BASIC, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=http://" + USER + ":" + c.secret() + "@" + c.hostAndPort())),

        // Bearer tokens.
        new Case("token in the agent argument", Server.BEARER, Auth.BEARER, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + ",tracking_token=" + c.secret())),
        new Case("token in MLFLOW_TRACKING_TOKEN", Server.BEARER, Auth.BEARER, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent(null).env("MLFLOW_TRACKING_URI", c.uri())
                .env("MLFLOW_TRACKING_TOKEN", c.secret())),
        new Case("token as system property holding an {{env:}} reference", Server.BEARER, Auth.BEARER,
            Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri())
                .jvmArg("-Dautolog.tracking_token={{env:TOKEN_HOLDER}}").env("TOKEN_HOLDER", c.secret())),
        new Case("token in AUTOLOG_TRACKING_TOKEN from secrets_dir", Server.BEARER, Auth.BEARER, Outcome.LOGGED,
            null, false,
            (job, c) -> {
              c.input("vault/mlflow.properties", "token=" + c.secret() + "\n");
              return job.withAgent(null).env("AUTOLOG_TRACKING_URI", c.uri())
                  .jvmArg("-Dautolog.secrets_dir=" + c.inputs().resolve("vault"))
                  .env("AUTOLOG_TRACKING_TOKEN", "{{mlflow.token}}");
            }),
        new Case("token in a YAML file named by AUTOLOG_CONFIG", Server.BEARER, Auth.BEARER, Outcome.LOGGED, null,
            false,
            (job, c) -> job.withAgent(null).env("AUTOLOG_CONFIG", c.input("conf/autolog.yaml",
                "tracking_uri: " + c.uri() + "\ntracking_token: " + c.secret() + "\n").toString())),
        new Case("Databricks token in DATABRICKS_TOKEN", Server.BEARER, Auth.BEARER, Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=databricks").env("DATABRICKS_HOST", c.uri())
                .env("DATABRICKS_TOKEN", c.secret())),
        new Case("Databricks token in a profile of DATABRICKS_CONFIG_FILE", Server.BEARER, Auth.BEARER,
            Outcome.LOGGED, null, false,
            (job, c) -> job.withAgent("tracking_uri=databricks://staging").env("DATABRICKS_CONFIG_FILE",
                c.input("databrickscfg", "[DEFAULT]\nhost = https://elsewhere.invalid\n\n[staging]\nhost = "
                    + c.uri() + "\ntoken = " + c.secret() + "\n").toString())),

        // Error paths: the message is printed, the secret is not.
        new Case("wrong password answered 401, debug on", Server.WRONG_PASSWORD, Auth.BASIC, Outcome.SENT, "401",
            true, (job, c) -> job.withAgent("tracking_uri=" + c.uri() + "," + basic + c.secret())),
        new Case("read-only user answered 403", Server.READ_ONLY_USER, Auth.BASIC, Outcome.SENT, "403", false,
            (job, c) -> job.withAgent(null).env("MLFLOW_TRACKING_URI", c.uri())
                .env("MLFLOW_TRACKING_USERNAME", USER).env("MLFLOW_TRACKING_PASSWORD", c.secret())),
        // The journal rides out both failing servers: the run arrives once they answer.
        new Case("server answers 503, debug on", Server.BEARER, Auth.BEARER, Outcome.LOGGED, "503", true,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + ",experiment_name=leaks,tracking_token="
                + c.secret()))
            // OkHttp itself repeats a 503 with Retry-After: 0 once, so each attempt takes two answers.
            .withFaults((server, secret, authorization) -> server.failNext(12, 503, Map.of("Retry-After", "0"),
                "<html><body>Service Unavailable</body></html>")),
        new Case("server's 500 page echoes the request headers", Server.BEARER, Auth.BEARER, Outcome.LOGGED, "500",
            false, (job, c) -> job.withAgent("tracking_uri=" + c.uri() + ",experiment_name=leaks")
                .env("MLFLOW_TRACKING_TOKEN", c.secret()))
            .withFaults((server, secret, authorization) -> server.failNext(6, 500, Map.of("Retry-After", "0"),
                "<html><body><h1>Internal Server Error</h1><pre>POST /api/2.0/mlflow/experiments/get-by-name\n"
                    + "Host: " + server.baseUri().substring("http://".length()) + "\nAuthorization: " + authorization
                    + "\nUser-Agent: okhttp</pre></body></html>")),
        new Case("untrusted TLS certificate, debug on", Server.TLS_BEARER, Auth.BEARER, Outcome.NOT_SENT,
            "is not trusted", true,
            (job, c) -> job.withAgent("tracking_uri=" + c.uri() + ",tracking_token=" + c.secret())),
        new Case("connection refused, debug on", Server.NONE, Auth.BASIC, Outcome.NOT_SENT, "cannot take data now", true,
            (job, c) -> job.withAgent("tracking_uri=http://" + USER + ":" + c.secret() + "@" + c.hostAndPort()
                + ",flush_timeout_ms=1500,finish_grace_ms=0")),
        new Case("invalid settings around the secret, debug on", Server.BASIC, Auth.BASIC, Outcome.NOT_SENT,
            "invalid setting tracking_password", true,
            (job, c) -> job.withAgent("tracking_uri=htp://" + USER + ":" + c.secret() + "@" + c.hostAndPort()
                + ",tracking_password=" + c.secret() + ",tags.db_password=" + c.secret())));
  }

  @BeforeAll
  static void runWithoutTheAgent() throws Exception {
    plain = ForkedJob.of(Dl4jLegacyJob.class).args(SECTION).runIn(plainDir);
    assertEquals(0, plain.exitCode(), plain::toString);
    certificate = SelfSignedCertificate.generate();
  }

  @AfterAll
  static void deleteCertificate() throws IOException {
    if (certificate != null) {
      certificate.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theSecretAppearsOnlyInTheAuthorizationHeader(Case c, @TempDir Path root) throws Exception {
    String secret = "sk" + randomAlphanumeric(28);
    Path inputs = Files.createDirectories(root.resolve("inputs"));
    Path work = Files.createDirectories(root.resolve("work"));
    Path tmp = Files.createDirectories(root.resolve("tmp"));
    Path journal = root.resolve("journal");

    try (MlflowServerDouble server = start(c.server(), secret)) {
      int port = server != null ? server.port() : closedPort();
      String uri = server != null ? server.baseUri() : "http://127.0.0.1:" + port;
      if (server != null) {
        c.faults().script(server, secret, expectedHeader(c.auth(), secret));
      }
      Context context = new Context(inputs, work, secret, uri, port);
      ForkedJob job = c.setup().configure(ForkedJob.of(Dl4jLegacyJob.class).args(SECTION), context)
          .jvmArg("-Djava.io.tmpdir=" + tmp)
          .jvmArg("-Dautolog.journal_dir=" + journal)
          .jvmArg("-Dautolog.run_info_file=" + work.resolve("out/run-info.json"));
      if (c.debug()) {
        job.jvmArg("-Dautolog.debug=true");
      }
      ForkedJob.Result result = job.runIn(work);

      assertEquals(plain.exitCode(), result.exitCode(), () -> result.toString().replace(secret, "<the secret>"));
      assertEquals(plain.stdout(), result.stdout(), "the job's stdout is untouched");
      if (c.expectedAgentLine() != null) {
        assertTrue(result.agentLines().stream().anyMatch(l -> l.contains(c.expectedAgentLine())),
            "an agent line should mention \"" + c.expectedAgentLine() + "\" (the error path ran): "
                + masked(result.agentLines(), secret));
      }
      if (c.debug()) {
        assertTrue(result.agentLines().stream().noneMatch(l -> l.contains("unknown setting \"debug\"")),
            "autolog.debug is the agent's own switch: " + masked(result.agentLines(), secret));
        boolean started = result.agentLines().stream().anyMatch(l -> l.contains(" training runs to "));
        assertTrue(!started || result.agentLines().stream().anyMatch(l -> l.startsWith("[autolog] DEBUG ")),
            "debug output was on: " + masked(result.agentLines(), secret));
      }

      SecretScanner scan = new SecretScanner().secret("the secret", secret, USER);
      scan.text("stdout", result.stdout()).text("stderr", result.stderr());
      scan.tree("working directory file", work).tree("java.io.tmpdir file", tmp).tree("journal file", journal);
      if (server == null || c.server() == Server.TLS_BEARER || c.server() == Server.WRONG_PASSWORD) {
        // The data waits in the journal for a reachable, trusted, accepting server: its files were searched too.
        try (var files = Files.list(journal)) {
          assertTrue(files.anyMatch(p -> p.toString().endsWith(".journal")), "a journal was written to search");
        }
      }
      if (server != null) {
        scanServer(scan, server);
        checkAuthorization(c, server, secret);
      }
      if (c.outcome() == Outcome.LOGGED) {
        assertTrue(Files.isRegularFile(work.resolve("out/run-info.json")), "the run info file was written");
        assertTrue(scan.searched() > 100, "the scan covered the requests and stored state: " + scan.searched());
      }
      assertEquals(List.of(), scan.findings(), "the secret leaked (" + c + ")");
    }
  }

  /** Asserts that the secret reached the server exactly where it belongs, or that nothing did. */
  private static void checkAuthorization(Case c, MlflowServerDouble server, String secret) {
    String expected = expectedHeader(c.auth(), secret);
    List<RecordedRequest> requests = server.requests();
    switch (c.outcome()) {
      case LOGGED, SENT -> {
        assertFalse(requests.isEmpty(), "the agent reached the server");
        for (RecordedRequest request : requests) {
          assertEquals(expected, request.header("Authorization"),
              request + " carries the planted credential, in the Authorization header");
        }
      }
      case NOT_SENT -> assertEquals(List.of(), requests, "nothing reached the server");
    }
    if (c.outcome() == Outcome.LOGGED) {
      List<RunState> finished = server.runs().stream().filter(r -> r.status().equals("FINISHED")).toList();
      assertEquals(1, finished.size(), "one run, accepted with the planted credential: " + server.runs());
      assertEquals(100, finished.get(0).metricHistory("loss").size(), "every loss point arrived");
      assertTrue(finished.get(0).artifacts().containsKey("model/model.zip"), "the model arrived");
    } else {
      assertTrue(server.runs().stream().noneMatch(r -> r.status().equals("FINISHED")), "nothing was accepted");
    }
  }

  /** Everything the server received (bar the Authorization header) and everything it stored. */
  private static void scanServer(SecretScanner scan, MlflowServerDouble server) {
    List<RecordedRequest> requests = server.requests();
    for (int i = 0; i < requests.size(); i++) {
      RecordedRequest request = requests.get(i);
      String where = "request " + (i + 1) + " (" + request.method() + " " + request.path() + ")";
      scan.text(where + " target", request.method() + " " + request.pathAndQuery());
      request.headers().forEach((name, values) -> {
        if (!name.equalsIgnoreCase("Authorization")) {
          scan.text(where + " header " + name, name + ": " + String.join(", ", values));
        }
      });
      scan.bytes(where + " body", request.body());
    }
    for (ExperimentState experiment : server.experiments()) {
      String where = "stored experiment " + experiment.experimentId();
      scan.text(where + " name", experiment.name()).text(where + " location", experiment.artifactLocation());
      experiment.tags().forEach((k, v) -> scan.text(where + " tag", k + "=" + v));
    }
    for (RunState run : server.runs()) {
      String where = "stored run " + run.runName();
      scan.text(where + " name and user", run.runName() + " " + run.userId() + " " + run.artifactUri());
      run.params().forEach((k, v) -> scan.text(where + " param", k + "=" + v));
      run.tags().forEach((k, v) -> scan.text(where + " tag", k + "=" + v));
      run.metrics().keySet().forEach(k -> scan.text(where + " metric key", k));
      run.artifacts().forEach((path, bytes) -> scan.text(where + " artifact path", path)
          .bytes(where + " artifact " + path, bytes));
      run.datasetInputs().forEach(input -> scan.text(where + " dataset input", input));
    }
    server.artifacts().forEach((path, bytes) -> scan.text("stored artifact path", path)
        .bytes("stored artifact " + path, bytes));
    for (LoggedModelState model : server.loggedModels()) {
      scan.text("logged model " + model.modelId(), model.toString());
      model.artifacts().forEach((path, bytes) -> scan.bytes("logged model artifact " + path, bytes));
    }
  }

  private static MlflowServerDouble start(Server kind, String secret) {
    return switch (kind) {
      case BASIC -> MlflowServerDouble.builder().basicAuth(Map.of(USER, secret), Set.of()).start();
      case WRONG_PASSWORD -> MlflowServerDouble.builder()
          .basicAuth(Map.of(USER, "other" + randomAlphanumeric(20)), Set.of()).start();
      case READ_ONLY_USER -> MlflowServerDouble.builder().basicAuth(Map.of(USER, secret), Set.of(USER)).start();
      case BEARER -> MlflowServerDouble.builder().bearerTokens(Set.of(secret)).start();
      case TLS_BEARER -> MlflowServerDouble.builder().tls(certificate).bearerTokens(Set.of(secret)).start();
      case NONE -> null;
    };
  }

  private static String expectedHeader(Auth auth, String secret) {
    return auth == Auth.BASIC ? "Basic " + SecretScanner.base64(USER + ":" + secret) : "Bearer " + secret;
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String randomAlphanumeric(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static List<String> masked(List<String> lines, String secret) {
    List<String> out = new ArrayList<>();
    lines.forEach(l -> out.add(l.replace(secret, "<the secret>")));
    return out;
  }
}
