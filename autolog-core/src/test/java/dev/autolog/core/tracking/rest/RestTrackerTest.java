package dev.autolog.core.tracking.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.testing.LoggedModelState;
import dev.autolog.testing.MetricPoint;
import dev.autolog.testing.MlflowServerDouble;
import dev.autolog.testing.RecordedRequest;
import dev.autolog.testing.RunState;
import dev.autolog.testing.SelfSignedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST tracker against the MLflow server double, which answers as the recorded MLflow 2.22.4
 * server does (limits, error bodies, auth), over real HTTP on loopback.
 */
class RestTrackerTest {
  private static final RetryPolicy FAST = new RetryPolicy(3, 10, 50);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private MlflowServerDouble serve(MlflowServerDouble server) {
    closeables.add(server);
    return server;
  }

  private static RestTracker tracker(MlflowServerDouble server, Credentials credentials) {
    return new RestTracker(server.baseUri(), server.baseUri(), credentials, null, null, false, false, FAST);
  }

  @Test
  void runLifecycleArrivesAsMlflowStoresIt() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    RestTracker tracker = tracker(server, Credentials.of(null, null, null));

    String experimentId = tracker.getOrCreateExperiment("autolog-rest");
    assertEquals(experimentId, server.experimentByName("autolog-rest").experimentId());
    assertEquals(experimentId, tracker(server, Credentials.of(null, null, null)).getOrCreateExperiment("autolog-rest"),
        "a second client finds the experiment instead of creating another");
    assertEquals("0", tracker.getOrCreateExperiment(null), "unset means MLflow's Default");

    RunInfo run = tracker.createRun(experimentId, "MultiLayerNetwork-1", 1_700_000_000_000L,
        Map.of("mlflow.runName", "MultiLayerNetwork-1", "mlflow.autologging", "dl4j"));
    assertTrue(run.artifactUri().startsWith("mlflow-artifacts:/" + experimentId + "/" + run.runId()), run.artifactUri());

    tracker.logBatch(run.runId(),
        List.of(new Metric("loss", 0.5, 1_700_000_000_001L, 0), new Metric("loss", Double.NaN, 1_700_000_000_002L, 1),
            new Metric("loss", Double.POSITIVE_INFINITY, 1_700_000_000_003L, 2),
            new Metric("loss", Double.NEGATIVE_INFINITY, 1_700_000_000_004L, 3)),
        Map.of("epochs", "15"), Map.of("team", "vision"));
    tracker.updateRun(run.runId(), RunStatus.FINISHED, 1_700_000_001_000L);

    RunState state = server.run(run.runId());
    assertEquals("FINISHED", state.status());
    assertEquals(1_700_000_001_000L, state.endTime());
    assertEquals("MultiLayerNetwork-1", state.runName());
    assertEquals("15", state.param("epochs"));
    assertEquals("vision", state.tag("team"));
    assertEquals("dl4j", state.tag("mlflow.autologging"));
    List<MetricPoint> loss = state.metricHistory("loss");
    assertEquals(4, loss.size());
    assertEquals(0.5, loss.get(0).value());
    assertTrue(Double.isNaN(loss.get(1).value()), "NaN went out as the string MLflow's client sends, not as 0");
    assertEquals(1_700_000_000_002L, loss.get(1).timestamp());
    assertEquals(Double.MAX_VALUE, loss.get(2).value());
    assertEquals(-Double.MAX_VALUE, loss.get(3).value());
    assertEquals(List.of(0L, 1L, 2L, 3L), loss.stream().map(MetricPoint::step).toList());
    for (RecordedRequest r : server.requests()) {
      assertFalse(r.bodyText().contains(":NaN"), "bare NaN literal sent: " + r.bodyText());
    }
    assertEquals(server.baseUri() + "/#/experiments/" + experimentId + "/runs/" + run.runId(), tracker.runLocation(run));
  }

  @Test
  void concurrentExperimentCreationReadsTheWinnersExperiment() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    String winner = tracker(server, Credentials.of(null, null, null)).getOrCreateExperiment("shared");
    // The other job looked before the winner created it: its lookup said "does not exist".
    server.failNext(1, 404, Map.of(),
        "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Could not find experiment with name 'shared'\"}");
    assertEquals(winner, tracker(server, Credentials.of(null, null, null)).getOrCreateExperiment("shared"));
    assertEquals(1, server.experiments().stream().filter(e -> e.name().equals("shared")).count());
  }

  @Test
  void changedParamDoesNotCostTheBatchsMetricsAndTags() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    RestTracker tracker = tracker(server, Credentials.of(null, null, null));
    RunInfo run = tracker.createRun("0", "r", 1L, Map.of());
    tracker.logBatch(run.runId(), List.of(), Map.of("lr", "0.01"), Map.of());
    MlflowApiException e = assertThrows(MlflowApiException.class, () -> tracker.logBatch(run.runId(),
        List.of(new Metric("acc", 0.9, 5L, 0)), Map.of("lr", "0.02"), Map.of("stage", "dev")));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("Changing param values is not allowed"), e.getMessage());
    RunState state = server.run(run.runId());
    assertEquals("0.01", state.param("lr"));
    assertEquals(1, state.metricHistory("acc").size());
    assertEquals("dev", state.tag("stage"));
  }

  @Test
  void artifactsAndModelsGoThroughTheProxiedArtifactApiOnMlflow2() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    RestTracker tracker = tracker(server, Credentials.of(null, null, null));
    RunInfo run = tracker.createRun("0", "r", 1L, Map.of());
    Path summary = Files.writeString(tmp.resolve("summary.txt"), "Total Parameters: 131");
    tracker.logArtifact(run, "model_summary.txt", summary);
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    Path zip = Files.write(tmp.resolve("model.zip"), big);
    tracker.logModel(run, model(zip));

    RunState state = server.run(run.runId());
    assertEquals("Total Parameters: 131", new String(state.artifact("model_summary.txt"), StandardCharsets.UTF_8));
    assertTrue(java.util.Arrays.equals(big, state.artifact("model/model.zip")), "model bytes arrive unchanged");
    String mlmodel = new String(state.artifact("model/MLmodel"), StandardCharsets.UTF_8);
    assertTrue(mlmodel.contains("  dl4j:\n    data: model.zip\n"), mlmodel);
    assertTrue(mlmodel.contains("run_id: " + run.runId()), mlmodel);
    assertTrue(mlmodel.contains("model_size_bytes: " + big.length), mlmodel);
    JsonNode history = JSON.readTree(state.loggedModelHistory());
    assertEquals("model", history.get(0).get("artifact_path").asText());
    assertEquals(run.runId(), history.get(0).get("run_id").asText());
    assertTrue(server.loggedModels().isEmpty(), "no LoggedModel API on 2.x");
  }

  @Test
  void modelsBecomeLoggedModelsOnMlflow3() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.builder().mlflow3(true).start());
    RestTracker tracker = tracker(server, Credentials.of(null, null, null));
    String exp = tracker.getOrCreateExperiment("m3");
    RunInfo run = tracker.createRun(exp, "r", 1L, Map.of());
    Path zip = Files.writeString(tmp.resolve("model.zip"), "zip bytes");
    tracker.logModel(run, model(zip));

    assertEquals(1, server.loggedModels().size());
    LoggedModelState model = server.loggedModels().get(0);
    assertEquals("LOGGED_MODEL_READY", model.status());
    assertEquals(run.runId(), model.sourceRunId());
    assertEquals("zip bytes", new String(model.artifacts().get("model.zip"), StandardCharsets.UTF_8));
    String mlmodel = new String(model.artifacts().get("MLmodel"), StandardCharsets.UTF_8);
    assertTrue(mlmodel.contains("model_id: " + model.modelId()), mlmodel);
    assertEquals(List.of(model.modelId()), server.run(run.runId()).modelOutputs());
  }

  @Test
  void basicAuthIsSentAndRejectionNamesTheCredentialKindNeverItsValue() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.builder()
        .basicAuth(Map.of("admin", "adm1n-pw", "reader", "r3ader-pw"), Set.of("reader")).start());
    RestTracker admin = tracker(server, Credentials.of("admin", "adm1n-pw", null));
    String exp = admin.getOrCreateExperiment("auth");
    RunInfo run = admin.createRun(exp, "r", 1L, Map.of());
    assertTrue(server.requests().stream().allMatch(r -> r.header("Authorization").startsWith("Basic ")));

    MlflowApiException wrong = assertThrows(MlflowApiException.class,
        () -> tracker(server, Credentials.of("admin", "wrong-pw-777", null)).getOrCreateExperiment("auth"));
    assertEquals(401, wrong.status());
    assertTrue(wrong.getMessage().contains("HTTP Basic credentials") && wrong.getMessage().contains("check the credentials"),
        wrong.getMessage());
    assertFalse(wrong.getMessage().contains("wrong-pw-777"));

    MlflowApiException none = assertThrows(MlflowApiException.class,
        () -> tracker(server, Credentials.of(null, null, null)).getOrCreateExperiment("auth"));
    assertTrue(none.getMessage().contains("no credentials"), none.getMessage());

    MlflowApiException readOnly = assertThrows(MlflowApiException.class,
        () -> tracker(server, Credentials.of("reader", "r3ader-pw", null))
            .logBatch(run.runId(), List.of(new Metric("m", 1, 1L, 0)), Map.of(), Map.of()));
    assertEquals(403, readOnly.status());
    assertTrue(readOnly.getMessage().contains("permission denied") && readOnly.getMessage().contains("reader"),
        readOnly.getMessage());
    assertFalse(readOnly.getMessage().contains("r3ader-pw"));
    int before = server.requests().size();
    assertThrows(MlflowApiException.class, () -> tracker(server, Credentials.of("reader", "r3ader-pw", null))
        .logBatch(run.runId(), List.of(new Metric("m", 1, 1L, 0)), Map.of(), Map.of()));
    assertEquals(before + 1, server.requests().size(), "a 403 is not retried");
  }

  @Test
  void anErrorPageEchoingTheCredentialIsPrintedWithoutIt() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    Credentials basic = Credentials.of("admin", "adm1n-pw-echo", null);
    String header = "Basic " + java.util.Base64.getEncoder()
        .encodeToString("admin:adm1n-pw-echo".getBytes(StandardCharsets.UTF_8));
    server.failNext(1, 400, Map.of(), "<html><pre>Authorization: " + header + "\npassword=adm1n-pw-echo</pre></html>");
    MlflowApiException basicError = assertThrows(MlflowApiException.class,
        () -> tracker(server, basic).getOrCreateExperiment("echo"));
    assertFalse(basicError.getMessage().contains("adm1n-pw-echo"), basicError.getMessage());
    assertFalse(basicError.getMessage().contains(header.substring(6)), basicError.getMessage());
    assertTrue(basicError.getMessage().contains("Authorization: Basic **** password=****"), basicError.getMessage());

    server.failNext(1, 400, Map.of(), "{\"error_code\": \"BAD_REQUEST\", \"message\": \"token tok-echo-123 is bad\"}");
    MlflowApiException tokenError = assertThrows(MlflowApiException.class,
        () -> tracker(server, Credentials.of(null, null, "tok-echo-123")).getOrCreateExperiment("echo"));
    assertTrue(tokenError.getMessage().contains("400 BAD_REQUEST to api/2.0/mlflow/experiments/get-by-name: token ****"
        + " is bad"), tokenError.getMessage());
  }

  @Test
  void tokenGoesAsBearer() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.builder().bearerTokens(Set.of("tok-abc")).start());
    tracker(server, Credentials.of(null, null, "tok-abc")).getOrCreateExperiment("t");
    assertEquals("Bearer tok-abc", server.requests().get(0).header("Authorization"));
    assertNotNull(server.experimentByName("t"));
  }

  @Test
  void retryableAnswersAreRetriedHonouringRetryAfterAndOthersAreNot() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    RestTracker tracker = tracker(server, Credentials.of(null, null, null));
    server.failNext(2, 503, Map.of("Retry-After", "0"), "busy");
    assertEquals("0", tracker.getOrCreateExperiment(null));
    String exp = tracker.getOrCreateExperiment("retry");
    assertEquals(exp, server.experimentByName("retry").experimentId(), "succeeded after two 503s");
    assertEquals(4, server.requests().size(), "2 failures, then get-by-name (404) and create");

    server.clearRequests();
    server.failNext(1, 429, Map.of("Retry-After", "1"), "slow down");
    MlflowApiException slowDown = assertThrows(MlflowApiException.class, () -> tracker.createRun(exp, "r", 1L, Map.of()));
    assertEquals(429, slowDown.status());
    assertEquals(1000, slowDown.retryAfterMillis(), "a wait over the policy's 50 ms is left to the delivery, which honours it");
    assertEquals(1, server.requests().size(), "not retried inside the call");

    server.clearRequests();
    server.failNext(1, 400, Map.of(), "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"nope\"}");
    MlflowApiException e = assertThrows(MlflowApiException.class, () -> tracker.createRun(exp, "r", 1L, Map.of()));
    assertTrue(e.getMessage().contains("400 INVALID_PARAMETER_VALUE") && e.getMessage().contains("nope"), e.getMessage());
    assertEquals(1, server.requests().size(), "a 400 is final");

    server.clearRequests();
    server.dropNext(1);
    tracker.createRun(exp, "after-drop", 1L, Map.of());
    assertEquals(2, server.requests().size(), "a dropped connection is retried");
  }

  @Test
  void credentialsAreNotSentAfterARedirectToAnotherHost() throws Exception {
    MlflowServerDouble main = serve(MlflowServerDouble.builder().bearerTokens(Set.of("tok-abc")).start());
    MlflowServerDouble other = serve(MlflowServerDouble.start());
    main.failNext(1, 307, Map.of("Location", other.baseUri() + "/api/2.0/mlflow/experiments/get-by-name?experiment_name=x"), "");
    RestTracker tracker = tracker(main, Credentials.of(null, null, "tok-abc"));
    tracker.getOrCreateExperiment("x");
    assertTrue(other.requests().size() >= 1, "the redirect was followed");
    assertNull(other.requests().get(0).header("Authorization"), "no credential to another host");
    assertEquals("Bearer tok-abc", main.requests().get(0).header("Authorization"));
  }

  @Test
  void tlsIsVerifiedAgainstTheJvmsCasPlusTheConfiguredBundleOrSkippedWhenAskedTo() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate();
    closeables.add(cert);
    MlflowServerDouble server = serve(MlflowServerDouble.builder().tls(cert).start());
    assertTrue(server.baseUri().startsWith("https://"), server.baseUri());

    RestTracker verifying = new RestTracker(server.baseUri(), server.baseUri(), Credentials.of(null, null, null),
        null, null, false, false, new RetryPolicy(0, 10, 10));
    IOException rejected = assertThrows(IOException.class, () -> verifying.getOrCreateExperiment("tls"));
    assertTrue(rejected.getMessage().contains("is not trusted") && rejected.getMessage().contains("tracking_server_cert_path"),
        rejected.getMessage());
    assertEquals(0, server.requests().size(), "the handshake failed before any HTTP request");
    assertTrue(server.experiments().stream().noneMatch(e -> e.name().equals("tls")));

    RestTracker bundle = new RestTracker(server.baseUri(), server.baseUri(), Credentials.of(null, null, null),
        cert.certificatePemPath().toString(), null, false, false, FAST);
    String id = bundle.getOrCreateExperiment("tls");
    assertEquals(id, server.experimentByName("tls").experimentId());

    RestTracker insecure = new RestTracker(server.baseUri(), server.baseUri(), Credentials.of(null, null, null),
        null, null, true, false, FAST);
    assertEquals(id, insecure.getOrCreateExperiment("tls"));
  }

  @Test
  void databricksNamesExperimentsAsWorkspacePathsAndLinksRunsItsWay() throws Exception {
    MlflowServerDouble server = serve(MlflowServerDouble.start());
    RestTracker tracker = new RestTracker(server.baseUri(), "https://adb-1.azuredatabricks.net",
        Credentials.of(null, null, "dapi-x"), null, null, false, true, FAST);
    String id = tracker.getOrCreateExperiment("Users/me/fraud");
    assertEquals(id, server.experimentByName("/Users/me/fraud").experimentId());
    String shared = tracker.getOrCreateExperiment(null);
    assertEquals(server.experimentByName("/Shared/autolog").experimentId(), shared);
    RunInfo run = new RunInfo("abc", id, "dbfs:/databricks/mlflow-tracking/1/abc/artifacts");
    assertEquals("https://adb-1.azuredatabricks.net/ml/experiments/" + id + "/runs/abc", tracker.runLocation(run));
    assertEquals("Databricks MLflow https://adb-1.azuredatabricks.net", tracker.describe());
  }

  private static ModelArtifact model(Path zip) {
    Map<String, Object> flavor = new LinkedHashMap<>();
    flavor.put("data", "model.zip");
    flavor.put("dl4j_version", "1.0.0-M2.1");
    return new ModelArtifact("model", Map.of("model.zip", zip), Map.of("dl4j", flavor),
        "0123456789abcdef0123456789abcdef", "2026-11-26 23:59:59.123456");
  }
}
