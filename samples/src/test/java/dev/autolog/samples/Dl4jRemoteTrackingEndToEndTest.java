package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.samples.MlflowFileStore.Run;
import dev.autolog.testing.MetricPoint;
import dev.autolog.testing.MlflowServerDouble;
import dev.autolog.testing.RecordedRequest;
import dev.autolog.testing.RunState;
import dev.autolog.testing.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unchanged DL4J sample under the real agent jar, logging to an MLflow server on loopback: the
 * server double that answers as the recorded MLflow 2.22.4 server does. What arrives is compared,
 * run by run, with what the same job writes into the local file store.
 */
class Dl4jRemoteTrackingEndToEndTest {
  @TempDir Path fileStoreDir;
  @TempDir Path remoteDir;

  @Test
  void everyRunParamMetricPointAndArtifactArrivesAsInTheFileStore() throws Exception {
    try (MlflowServerDouble server = MlflowServerDouble.start()) {
      ForkedJob.Result local = ForkedJob.of(Dl4jLegacyJob.class).withAgent(null).runIn(fileStoreDir);
      ForkedJob.Result remote = ForkedJob.of(Dl4jLegacyJob.class)
          .withAgent("tracking_uri=" + server.baseUri() + ",experiment_name=remote-e2e").runIn(remoteDir);
      assertEquals(0, remote.exitCode(), remote::toString);
      assertEquals(local.stdout(), remote.stdout());
      assertFalse(Files.exists(remote.mlruns()), "nothing written locally");
      assertTrue(remote.agentLines().get(0).contains("MLflow server " + server.baseUri()), remote.agentLines().get(0));

      String experimentId = server.experimentByName("remote-e2e").experimentId();
      Map<String, RunState> arrived = server.runs().stream()
          .filter(r -> r.experimentId().equals(experimentId))
          .collect(Collectors.toMap(RunState::runName, r -> r));
      Map<String, Run> expected = new MlflowFileStore(local.mlruns()).runs("0");
      assertEquals(expected.keySet(), arrived.keySet());

      for (Map.Entry<String, Run> e : expected.entrySet()) {
        Run want = e.getValue();
        RunState got = arrived.get(e.getKey());
        String name = e.getKey();
        assertEquals("FINISHED", got.status(), name);
        for (String key : want.paramKeys()) {
          assertEquals(want.param(key), got.param(key), name + " param " + key);
        }
        assertEquals(want.paramKeys().size(), got.params().size(), name + " params");
        assertEquals(new TreeSet<>(want.metricKeys()), new TreeSet<>(got.metrics().keySet()), name + " metric keys");
        for (String key : want.metricKeys()) {
          List<double[]> wantPoints = want.metric(key);
          List<MetricPoint> gotPoints = got.metricHistory(key);
          assertEquals(wantPoints.size(), gotPoints.size(), name + " " + key + " points");
          for (int i = 0; i < wantPoints.size(); i++) {
            assertEquals((long) wantPoints.get(i)[2], gotPoints.get(i).step(), name + " " + key + " step " + i);
            assertEquals(wantPoints.get(i)[1], gotPoints.get(i).value(), 1e-9, name + " " + key + " value " + i);
          }
        }
        for (String tag : List.of("mlflow.autologging", "mlflow.source.name", "mlflow.source.type", "mlflow.user")) {
          assertEquals(want.tag(tag), got.tag(tag), name + " tag " + tag);
        }
        assertEquals(artifactPaths(want.dir().resolve("artifacts")), new TreeSet<>(got.artifacts().keySet()),
            name + " artifacts");
        assertTrue(got.artifact("model/model.zip").length > 1000, name);
        assertTrue(new String(got.artifact("model/MLmodel")).contains("run_id: " + got.runId()));
        JsonNode history = new ObjectMapper().readTree(got.loggedModelHistory());
        assertEquals("model", history.get(0).get("artifact_path").asText(), name);
        assertTrue(remote.agentLines().stream().anyMatch(l -> l.contains("View run " + name + " (FINISHED) at: "
            + server.baseUri() + "/#/experiments/" + experimentId + "/runs/" + got.runId())), name);
      }
      for (RecordedRequest r : server.requests()) {
        assertFalse(r.bodyText().contains(":NaN"), "a bare NaN literal was sent");
        assertTrue(r.method().equals("PUT") || r.method().equals("GET")
            || "application/json".equals(r.header("Content-Type").replaceAll(";.*", "")), r.toString());
      }
    }
  }

  @Test
  void basicAuthWithAReferencedPasswordLogsAndAWrongOneGivesOneClearError() throws Exception {
    try (MlflowServerDouble server = MlflowServerDouble.builder()
        .basicAuth(Map.of("trainer", "Pa55-w0rd-xyz"), Set.of()).start()) {
      ForkedJob.Result ok = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
          .withAgent("tracking_uri=" + server.baseUri() + ",tracking_username=trainer,"
              + "tracking_password={{env:TRAINER_PASSWORD}}")
          .env("TRAINER_PASSWORD", "Pa55-w0rd-xyz")
          .runIn(remoteDir);
      assertEquals(0, ok.exitCode(), ok::toString);
      RunState run = server.runs().stream().filter(r -> "MultiLayerNetwork-1".equals(r.runName())).findFirst().orElseThrow();
      assertEquals(100, run.metricHistory("loss").size());
      assertFalse(ok.stderr().contains("Pa55-w0rd-xyz"));

      ForkedJob.Result plain = ForkedJob.of(Dl4jLegacyJob.class).args("regression").runIn(fileStoreDir);
      ForkedJob.Result wrong = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
          .withAgent("tracking_uri=" + server.baseUri() + ",tracking_username=trainer,tracking_password=not-it-123")
          .runIn(remoteDir);
      assertEquals(plain.exitCode(), wrong.exitCode());
      assertEquals(plain.stdout(), wrong.stdout());
      List<String> errors = wrong.agentLines().stream().filter(l -> l.contains("answered 401")).toList();
      assertEquals(1, errors.size(), wrong.agentLines().toString());
      assertTrue(errors.get(0).contains("HTTP Basic credentials") && errors.get(0).contains("trainer"), errors.get(0));
      assertFalse(wrong.stderr().contains("not-it-123"), "the password never appears");
    }
  }

  @Test
  void selfSignedTlsIsRejectedByDefaultAcceptedWithItsCaOrWithTheInsecureOptIn() throws Exception {
    try (SelfSignedCertificate cert = SelfSignedCertificate.generate();
        MlflowServerDouble server = MlflowServerDouble.builder().tls(cert).start()) {
      String uri = "tracking_uri=" + server.baseUri() + ",experiment_name=";

      ForkedJob.Result rejected = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
          .withAgent(uri + "default").runIn(remoteDir);
      assertEquals(0, rejected.exitCode(), rejected::toString);
      assertTrue(rejected.agentLines().stream().anyMatch(l -> l.contains("is not trusted")
          && l.contains("tracking_server_cert_path")), rejected.agentLines().toString());
      assertTrue(server.experiments().stream().noneMatch(e -> e.name().equals("default")));

      ForkedJob.Result trusted = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
          .withAgent(uri + "with-ca,tracking_server_cert_path=" + cert.certificatePemPath()).runIn(remoteDir);
      assertEquals(0, trusted.exitCode(), trusted::toString);
      assertEquals(1, runsIn(server, "with-ca"));
      assertTrue(trusted.agentLines().stream().noneMatch(l -> l.contains("WARN")), trusted.agentLines().toString());

      ForkedJob.Result insecure = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
          .withAgent(uri + "insecure").env("MLFLOW_TRACKING_INSECURE_TLS", "true").runIn(remoteDir);
      assertEquals(0, insecure.exitCode(), insecure::toString);
      assertEquals(1, runsIn(server, "insecure"));
      assertEquals(1, insecure.agentLines().stream().filter(l -> l.contains("TLS certificate verification is OFF")).count());
    }
  }

  private static long runsIn(MlflowServerDouble server, String experiment) {
    String id = server.experimentByName(experiment).experimentId();
    return server.runs().stream().filter(r -> r.experimentId().equals(id) && r.status().equals("FINISHED")).count();
  }

  private static Set<String> artifactPaths(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
