package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behaviour beyond the transcripts: the validation messages of MLflow's validation.py for tags and metric keys,
 * log-model checks, the MLflow 3 endpoints, read-only users and bearer tokens.
 */
class ServerBehaviourTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String API = "/api/2.0/mlflow";
    private static final String NOT_FOUND_PAGE = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n"
            + "<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually"
            + " please check your spelling and try again.</p>\n";

    private static String error(String code, String message) {
        return "{\"error_code\": \"" + code + "\", \"message\": " + PyJson.quote(message) + "}";
    }

    private static String newRun(Http http) throws Exception {
        Http.Resp r = http.post(API + "/runs/create", "{\"experiment_id\":\"0\",\"run_name\":\"r\"}");
        return MAPPER.readTree(r.body()).get("run").get("info").get("run_id").asText();
    }

    @Test
    void keyLengthAndNameMessagesFollowValidationPy() throws Exception {
        try (MlflowServerDouble server = MlflowServerDouble.start()) {
            Http http = new Http(server);
            String run = newRun(http);
            String k = "k".repeat(251);
            assertEquals(error("INVALID_PARAMETER_VALUE", "'tags[0].key' exceeds the maximum length of 250 characters"),
                    http.post(API + "/runs/log-batch", "{\"run_id\":\"" + run + "\",\"tags\":[{\"key\":\"" + k
                            + "\",\"value\":\"v\"}]}").body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "'Metric name' exceeds the maximum length of 250 characters"),
                    http.post(API + "/runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":[{\"key\":\"" + k
                            + "\",\"value\":1,\"timestamp\":1}]}").body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "'key' exceeds the maximum length of 250 characters"),
                    http.post(API + "/runs/set-tag", "{\"run_id\":\"" + run + "\",\"key\":\"" + k + "\",\"value\":\"v\"}")
                            .body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "'Param key' exceeds the maximum length of 250 characters"),
                    http.post(API + "/runs/log-parameter", "{\"run_id\":\"" + run + "\",\"key\":\"" + k
                            + "\",\"value\":\"v\"}").body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "Invalid value \"a//b\" for parameter 'name' supplied: Names"
                            + " may be treated as files in certain cases, and must not resolve to other names when treated"
                            + " as such. This name would resolve to 'a/b'"),
                    http.post(API + "/runs/log-metric", "{\"run_id\":\"" + run
                            + "\",\"key\":\"a//b\",\"value\":1,\"timestamp\":1}").body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "Invalid value -1 for parameter 'metrics[0].timestamp'"
                            + " supplied: metric 'm' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) "),
                    http.post(API + "/runs/log-batch", "{\"run_id\":\"" + run
                            + "\",\"metrics\":[{\"key\":\"m\",\"value\":1,\"timestamp\":-1}]}").body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "Invalid value \"abc\" for parameter 'value' supplied:  Hint:"
                            + " Value was of type 'str'. See the API docs for more information about request parameters."),
                    http.post(API + "/runs/log-metric", "{\"run_id\":\"" + run
                            + "\",\"key\":\"m\",\"value\":\"abc\",\"timestamp\":1}").body());
            assertEquals(error("INVALID_PARAMETER_VALUE", "Duplicate parameter keys have been submitted: ['a', 'a']."
                            + " Please ensure the request contains only one param value per param key."),
                    http.post(API + "/runs/log-batch", "{\"run_id\":\"" + run + "\",\"params\":[{\"key\":\"a\",\"value\":"
                            + "\"1\"},{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"a\",\"value\":\"1\"}]}").body());
            assertEquals(Map.of(), server.run(run).params(), "rejected batches store nothing");
        }
    }

    @Test
    void logModelRequiresTheMandatoryFields() throws Exception {
        try (MlflowServerDouble server = MlflowServerDouble.start()) {
            Http http = new Http(server);
            String run = newRun(http);
            Http.Resp missing = http.post(API + "/runs/log-model", "{\"run_id\":\"" + run
                    + "\",\"model_json\":\"{\\\"artifact_path\\\":\\\"model\\\",\\\"run_id\\\":\\\"x\\\"}\"}");
            assertEquals(400, missing.status());
            assertEquals(error("INVALID_PARAMETER_VALUE",
                    "Model json is missing mandatory fields: {'flavors', 'utc_time_created'}"), missing.body());
            Http.Resp malformed = http.post(API + "/runs/log-model", "{\"run_id\":\"" + run
                    + "\",\"model_json\":\"{nope\"}");
            assertEquals(error("INVALID_PARAMETER_VALUE", "Malformed model info. \n {nope \n is not a valid JSON."),
                    malformed.body());
            Http.Resp noJson = http.post(API + "/runs/log-model", "{\"run_id\":\"" + run + "\"}");
            assertEquals(error("INVALID_PARAMETER_VALUE", "Missing value for required parameter 'model_json'. See the"
                    + " API docs for more information about request parameters."), noJson.body());
            assertEquals(null, server.run(run).loggedModelHistory());
        }
    }

    @Test
    void mlflow3EndpointsAreOnlyServedInMlflow3Mode() throws Exception {
        try (MlflowServerDouble v2 = MlflowServerDouble.start()) {
            Http http = new Http(v2);
            for (String path : List.of(API + "/logged-models", API + "/runs/outputs")) {
                Http.Resp r = http.post(path, "{}");
                assertEquals(404, r.status());
                assertEquals(NOT_FOUND_PAGE, r.body());
            }
            assertEquals(404, http.patch(API + "/logged-models/m-0", "{}").status());
        }
        try (MlflowServerDouble v3 = MlflowServerDouble.builder().mlflow3(true).start()) {
            Http http = new Http(v3);
            String run = newRun(http);
            Http.Resp created = http.post(API + "/logged-models", "{\"experiment_id\":\"0\",\"name\":\"model\","
                    + "\"source_run_id\":\"" + run + "\",\"params\":[{\"key\":\"lr\",\"value\":\"0.1\"}]}");
            assertEquals(200, created.status(), created.body());
            JsonNode info = MAPPER.readTree(created.body()).get("model").get("info");
            String id = info.get("model_id").asText();
            assertTrue(id.matches("m-[0-9a-f]{32}"), id);
            assertEquals("LOGGED_MODEL_PENDING", info.get("status").asText());
            assertEquals("mlflow-artifacts:/0/models/" + id + "/artifacts", info.get("artifact_uri").asText());
            assertEquals(List.of("model_id", "experiment_id", "name", "creation_timestamp_ms",
                    "last_updated_timestamp_ms", "artifact_uri", "status", "source_run_id"), fieldNames(info));

            assertEquals(200, http.put("/api/2.0/mlflow-artifacts/artifacts/0/models/" + id + "/artifacts/MLmodel",
                    "x".getBytes(StandardCharsets.UTF_8)).status());
            Http.Resp done = http.patch(API + "/logged-models/" + id, "{\"model_id\":\"" + id
                    + "\",\"status\":\"LOGGED_MODEL_READY\"}");
            assertEquals(200, done.status(), done.body());
            assertEquals("LOGGED_MODEL_READY", MAPPER.readTree(done.body()).at("/model/info/status").asText());
            assertEquals("LOGGED_MODEL_READY", MAPPER.readTree(http.get(API + "/logged-models/" + id).body())
                    .at("/model/info/status").asText());
            assertEquals(200, http.post(API + "/runs/outputs", "{\"run_id\":\"" + run + "\",\"models\":[{\"model_id\":\""
                    + id + "\",\"step\":3}]}").status());
            assertEquals("{\"model_outputs\":[{\"model_id\":\"" + id + "\",\"step\":3}]}",
                    MAPPER.readTree(http.get(API + "/runs/get?run_id=" + run).body()).at("/run/outputs").toString());

            LoggedModelState state = v3.loggedModels().get(0);
            assertEquals("LOGGED_MODEL_READY", state.status());
            assertEquals(Map.of("lr", "0.1"), state.params());
            assertEquals(Set.of("MLmodel"), state.artifacts().keySet());
            assertEquals(List.of(id), v3.run(run).modelOutputs());
            Http.Resp unknown = http.get(API + "/logged-models/m-missing");
            assertEquals(404, unknown.status());
            assertEquals(error("RESOURCE_DOES_NOT_EXIST", "Logged model with ID 'm-missing' not found."), unknown.body());
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readOnlyUsersReadButCannotWriteAndAdminsCan() throws Exception {
        try (MlflowServerDouble server = MlflowServerDouble.builder()
                .basicAuth(Map.of("admin", "admin-pw", "reader", "reader-pw"), Set.of("reader")).start()) {
            Http admin = new Http(server, Map.of("Authorization", basic("admin", "admin-pw")));
            Http reader = new Http(server, Map.of("Authorization", basic("reader", "reader-pw")));
            Http nobody = new Http(server);
            String run = newRun(admin);
            assertEquals(200, reader.get(API + "/runs/get?run_id=" + run).status());
            Http.Resp denied = reader.post(API + "/runs/log-batch", "{\"run_id\":\"" + run
                    + "\",\"params\":[{\"key\":\"a\",\"value\":\"b\"}]}");
            assertEquals(403, denied.status());
            assertEquals("Permission denied", denied.body());
            assertEquals(403, reader.put("/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/f",
                    new byte[]{1}).status());
            assertEquals(200, admin.post(API + "/runs/log-batch", "{\"run_id\":\"" + run
                    + "\",\"params\":[{\"key\":\"a\",\"value\":\"b\"}]}").status());
            Http.Resp anonymous = nobody.get(API + "/runs/get?run_id=" + run);
            assertEquals(401, anonymous.status());
            assertEquals("Basic realm=\"mlflow\"", anonymous.header("WWW-Authenticate"));
            assertEquals(200, nobody.get("/health").status());
            Http bearer = new Http(server, Map.of("Authorization", "Bearer t"));
            assertEquals(401, bearer.get(API + "/runs/get?run_id=" + run).status(), "no bearer tokens configured");
            assertEquals("Bearer t", server.requests().get(server.requests().size() - 1).header("Authorization"));
        }
        assertThrows(IllegalArgumentException.class,
                () -> MlflowServerDouble.builder().basicAuth(Map.of("admin", "pw"), Set.of("reader")));
    }

    @Test
    void bearerTokensAreAnExtension() {
        try (MlflowServerDouble server = MlflowServerDouble.builder().bearerTokens(Set.of("secret")).start()) {
            assertEquals(200, new Http(server, Map.of("Authorization", "Bearer secret"))
                    .get(API + "/experiments/get?experiment_id=0").status());
            assertEquals(401, new Http(server, Map.of("Authorization", "Bearer wrong"))
                    .get(API + "/experiments/get?experiment_id=0").status());
        }
    }

    @Test
    void htmlPagesHeadAndOptions() {
        try (MlflowServerDouble server = MlflowServerDouble.start()) {
            Http http = new Http(server);
            Http.Resp notAllowed = http.get(API + "/runs/create");
            assertEquals(405, notAllowed.status());
            assertEquals("OPTIONS, POST", notAllowed.header("Allow"));
            assertEquals("text/html; charset=utf-8", notAllowed.header("Content-Type"));
            Http.Resp options = http.send("OPTIONS", API + "/runs/get", null, null, Duration.ofSeconds(5));
            assertEquals(200, options.status());
            assertEquals("GET, HEAD, OPTIONS", options.header("Allow"));
            assertEquals(200, http.send("HEAD", "/health", null, null, Duration.ofSeconds(5)).status());
            Http.Resp json = http.get(API + "/experiments/get?experiment_id=0");
            assertEquals("application/json", json.header("Content-Type"));
            Http.Resp viaAjax = http.get("/ajax-api/2.0/mlflow/experiments/get?experiment_id=0");
            assertEquals(200, viaAjax.status());
        }
    }

    @Test
    void datasetInputsAndExperimentSearch() throws Exception {
        try (MlflowServerDouble server = MlflowServerDouble.start()) {
            Http http = new Http(server);
            String run = newRun(http);
            assertEquals(200, http.post(API + "/runs/log-inputs", "{\"run_id\":\"" + run + "\",\"datasets\":[{\"tags\":"
                    + "[{\"key\":\"mlflow.data.context\",\"value\":\"train\"}],\"dataset\":{\"name\":\"iris\","
                    + "\"digest\":\"abc\",\"source_type\":\"local\",\"source\":\"{}\"}}]}").status());
            String inputs = "{\"dataset_inputs\":[{\"tags\":[{\"key\":\"mlflow.data.context\",\"value\":\"train\"}],"
                    + "\"dataset\":{\"name\":\"iris\",\"digest\":\"abc\",\"source_type\":\"local\",\"source\":\"{}\"}}]}";
            assertEquals(inputs, MAPPER.readTree(http.get(API + "/runs/get?run_id=" + run).body()).at("/run/inputs")
                    .toString());
            assertEquals(1, server.run(run).datasetInputs().size());

            for (int i = 0; i < 3; i++) {
                assertEquals(200, http.post(API + "/experiments/create", "{\"name\":\"e" + i + "\"}").status());
            }
            JsonNode page = MAPPER.readTree(http.post(API + "/experiments/search",
                    "{\"max_results\":2,\"filter\":\"name LIKE 'e%'\",\"order_by\":[\"name ASC\"]}").body());
            assertEquals("e0", page.at("/experiments/0/name").asText());
            assertEquals(2, page.get("experiments").size());
            JsonNode next = MAPPER.readTree(http.post(API + "/experiments/search", "{\"max_results\":2,\"filter\":"
                    + "\"name LIKE 'e%'\",\"order_by\":[\"name ASC\"],\"page_token\":\""
                    + page.get("next_page_token").asText() + "\"}").body());
            assertEquals("e2", next.at("/experiments/0/name").asText());
            assertEquals("{}", http.post(API + "/experiments/search", "{\"filter\":\"name = 'none'\"}").body());
        }
    }

    @Test
    void pythonRenderingOfNumbers() {
        assertEquals("1e+16", PyJson.floatRepr(1e16));
        assertEquals("1.5e-05", PyJson.floatRepr(1.5e-5));
        assertEquals("0.0001", PyJson.floatRepr(1e-4));
        assertEquals("100.0", PyJson.floatRepr(100));
        assertEquals("0.1", PyJson.floatRepr(0.1));
        assertEquals("1.7976931348623157e+308", PyJson.wireDouble(Double.MAX_VALUE));
        assertEquals("999", PyJson.wireDouble(999.0));
        assertEquals("0.125", PyJson.wireDouble(0.125));
        assertEquals("'it'", PyJson.reprString("it"));
        assertEquals("\"it's\"", PyJson.reprString("it's"));
        assertEquals("\"\\u00e9\\n\"", PyJson.quote("é\n"));
    }
}
