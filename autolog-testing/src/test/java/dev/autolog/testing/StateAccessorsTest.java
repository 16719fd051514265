package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshots an end-to-end test asserts on: every run, param, tag, metric point and artifact that arrived. */
class StateAccessorsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow";

    private MlflowServerDouble server;
    private Http http;

    @BeforeEach
    void start() {
        server = MlflowServerDouble.builder().bearerTokens(Set.of("tok-1")).seed(7).start();
        http = new Http(server, Map.of("Authorization", "Bearer tok-1"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String createRun(String experimentId, String body) throws Exception {
        Http.Resp r = http.post(API + "/runs/create", body);
        assertEquals(200, r.status(), r.body());
        JsonNode run = MAPPER.readTree(r.body()).get("run").get("info");
        assertEquals(experimentId, run.get("experiment_id").asText());
        return run.get("run_id").asText();
    }

    @Test
    void everythingThatArrivedIsInTheSnapshots() throws Exception {
        assertEquals(200, http.post(API + "/experiments/create",
                "{\"name\":\"exp\",\"tags\":[{\"key\":\"team\",\"value\":\"ml\"}]}").status());
        String runId = createRun("1", "{\"experiment_id\":\"1\",\"start_time\":1000}");
        assertEquals(200, http.post(API + "/runs/log-batch", "{\"run_id\":\"" + runId + "\",\"metrics\":["
                + "{\"key\":\"loss\",\"value\":0.5,\"timestamp\":10,\"step\":0},"
                + "{\"key\":\"loss\",\"value\":0.25,\"timestamp\":11,\"step\":1},"
                + "{\"key\":\"acc\",\"value\":\"Infinity\",\"timestamp\":10}],"
                + "\"params\":[{\"key\":\"lr\",\"value\":\"0.01\"}],\"tags\":[{\"key\":\"stage\",\"value\":\"dev\"}]}")
                .status());
        // the same point again is not stored twice; an older step does not become the latest
        assertEquals(200, http.post(API + "/runs/log-metric", "{\"run_id\":\"" + runId
                + "\",\"key\":\"loss\",\"value\":0.25,\"timestamp\":11,\"step\":1}").status());
        assertEquals(200, http.post(API + "/runs/log-metric", "{\"run_id\":\"" + runId
                + "\",\"key\":\"loss\",\"value\":9,\"timestamp\":12,\"step\":0}").status());
        assertEquals(200, http.post(API + "/runs/set-tag", "{\"run_id\":\"" + runId
                + "\",\"key\":\"mlflow.runName\",\"value\":\"renamed\"}").status());
        assertEquals(200, http.put("/api/2.0/mlflow-artifacts/artifacts/1/" + runId + "/artifacts/model/MLmodel",
                "flavors: {}\n".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(200, http.put("/api/2.0/mlflow-artifacts/artifacts/1/" + runId + "/artifacts/weights.bin",
                new byte[]{1, 2, 3}).status());
        String model = "{\\\"artifact_path\\\":\\\"model\\\",\\\"flavors\\\":{\\\"dl4j\\\":{\\\"data\\\":\\\"model.zip\\\","
                + "\\\"config\\\":{}}},\\\"utc_time_created\\\":\\\"2024-05-01 12:34:56.789012\\\",\\\"run_id\\\":\\\""
                + runId + "\\\",\\\"model_uuid\\\":\\\"abc\\\",\\\"mlflow_version\\\":\\\"2.17.2\\\"}";
        assertEquals(200, http.post(API + "/runs/log-model", "{\"run_id\":\"" + runId + "\",\"model_json\":\""
                + model + "\"}").status());
        assertEquals(200, http.post(API + "/runs/log-model", "{\"run_id\":\"" + runId + "\",\"model_json\":\""
                + model + "\"}").status());
        assertEquals(200, http.post(API + "/runs/update", "{\"run_id\":\"" + runId
                + "\",\"status\":\"FINISHED\",\"end_time\":2000}").status());

        List<ExperimentState> experiments = server.experiments();
        assertEquals(List.of("0", "1"), experiments.stream().map(ExperimentState::experimentId).toList());
        assertEquals("Default", experiments.get(0).name());
        assertEquals("mlflow-artifacts:/1", experiments.get(1).artifactLocation());
        assertEquals(Map.of("team", "ml"), experiments.get(1).tags());
        assertEquals(experiments.get(1), server.experimentByName("exp"));

        assertEquals(1, server.runs().size());
        RunState run = server.run(runId);
        assertEquals(server.runs().get(0), run);
        assertEquals("renamed", run.runName());
        assertEquals("renamed", run.tag("mlflow.runName"));
        assertEquals("FINISHED", run.status());
        assertEquals(1000, run.startTime());
        assertEquals(2000L, run.endTime());
        assertEquals("mlflow-artifacts:/1/" + runId + "/artifacts", run.artifactUri());
        assertEquals("active", run.lifecycleStage());
        assertEquals("", run.userId());
        assertEquals(Map.of("lr", "0.01"), run.params());
        assertEquals(List.of("mlflow.runName", "stage", "mlflow.log-model.history"), List.copyOf(run.tags().keySet()));

        assertEquals(List.of(
                new MetricPoint("loss", 0.5, 10, 0),
                new MetricPoint("loss", 0.25, 11, 1),
                new MetricPoint("acc", Double.MAX_VALUE, 10, 0),
                new MetricPoint("loss", 9, 12, 0)), run.metricPoints());
        assertEquals(List.of("loss", "acc"), List.copyOf(run.metrics().keySet()));
        assertEquals(3, run.metricHistory("loss").size());
        assertEquals(new MetricPoint("loss", 0.25, 11, 1), run.latestMetrics().get("loss"));
        assertEquals(List.of(), run.metricHistory("none"));

        assertEquals(Set.of("model/MLmodel", "weights.bin"), run.artifacts().keySet());
        assertArrayEquals(new byte[]{1, 2, 3}, run.artifact("weights.bin"));
        assertNull(run.artifact("missing"));
        assertEquals(Set.of("1/" + runId + "/artifacts/model/MLmodel", "1/" + runId + "/artifacts/weights.bin"),
                server.artifacts().keySet());

        // the history tag is Python's json.dumps of get_tags_dict(): Model.__init__ order, flavor "config" removed
        String entry = "{\"run_id\": \"" + runId + "\", \"artifact_path\": \"model\", \"utc_time_created\": "
                + "\"2024-05-01 12:34:56.789012\", \"flavors\": {\"dl4j\": {\"data\": \"model.zip\"}}, \"model_uuid\": "
                + "\"abc\", \"mlflow_version\": \"2.17.2\"}";
        assertEquals("[" + entry + ", " + entry + "]", run.loggedModelHistory());
    }

    @Test
    void requestsAreRecordedWithHeadersAndBody() {
        http.post(API + "/experiments/create", "{\"name\":\"x\"}");
        http.get(API + "/experiments/get-by-name?experiment_name=x");
        List<RecordedRequest> requests = server.requests();
        assertEquals(2, requests.size());
        RecordedRequest first = requests.get(0);
        assertEquals("POST", first.method());
        assertEquals(API + "/experiments/create", first.pathAndQuery());
        assertEquals("Bearer tok-1", first.header("authorization"));
        assertEquals("application/json", first.header("Content-Type"));
        assertEquals("{\"name\":\"x\"}", first.bodyText());
        first.body()[0] = 'X';
        assertEquals('{', first.body()[0], "body() returns a copy");
        RecordedRequest second = requests.get(1);
        assertEquals(API + "/experiments/get-by-name", second.path());
        assertEquals("experiment_name=x", second.query());
        assertEquals(0, second.body().length);
        assertTrue(second.receivedAtMillis() >= first.receivedAtMillis());
        server.clearRequests();
        assertEquals(List.of(), server.requests());
    }

    @Test
    void generatedRunNamesAndUnknownRuns() throws Exception {
        String runId = createRun("0", "{}");
        RunState run = server.run(runId);
        assertTrue(run.runName().matches("[a-z]+-[a-z]+-\\d{1,3}") && run.runName().length() <= 20, run.runName());
        assertEquals(Map.of("mlflow.runName", run.runName()), run.tags());
        assertEquals(0, run.startTime());
        assertNull(run.endTime());
        assertTrue(runId.matches("[0-9a-f]{32}"));
        assertThrows(NoSuchElementException.class, () -> server.run("nope"));
        assertThrows(NoSuchElementException.class, () -> server.experimentByName("nope"));
    }

    @Test
    void deletedRunsStayVisible() throws Exception {
        String runId = createRun("0", "{\"run_name\":\"r\"}");
        assertEquals(200, http.post(API + "/runs/delete", "{\"run_id\":\"" + runId + "\"}").status());
        assertEquals("deleted", server.run(runId).lifecycleStage());
        Http.Resp r = http.post(API + "/runs/log-parameter", "{\"run_id\":\"" + runId + "\",\"key\":\"a\",\"value\":\"b\"}");
        assertEquals(400, r.status());
        assertEquals(Map.of(), server.run(runId).params());
    }
}
