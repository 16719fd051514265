package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replays every request of the two transcripts of the real MLflow 2.22.4 server against a fresh
 * {@link MlflowServerDouble} each, in order, and checks for each: the same status code, the same response headers
 * the transcript shows, and the same body once ids and times are normalized.
 *
 * <p>Normalization: the run ids and the random run names the double generated are replaced by the ones the real
 * server generated (learned from each {@code runs/create} answer, and mapped into later requests); experiment
 * ids must come out equal as they are. Server-set times ({@code creation_time}, {@code last_update_time}, the
 * times in the duplicate-experiment SQL text) are blanked in both. A body of exactly 2500 characters on one line
 * was cut by the recorder; it is compared as a prefix. Bodies of the auth transcript are compared without
 * trailing newlines (its recorder differs, and Flask's {@code jsonify} ends a body with one).
 *
 * <p>Requests the transcript does not show in full are made as follows: named bodies ({@code <m1001.json: 70913
 * bytes>}) by {@link Transcript#generated}, whose size must equal the recorded size; the three Content-Type variants
 * with the body {@code {"run_id": <run>}}; the auth transcript's {@code PUT artifact} as a PUT of
 * {@code hello.txt} into the admin run's artifact directory. Nothing is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TranscriptConformanceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN_PASSWORD = "password1234";
    private static final Pattern RUN_CREATE = Pattern.compile(".*/mlflow/runs/create$");

    private final List<MlflowServerDouble> servers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @AfterAll
    void closeServers() {
        servers.forEach(MlflowServerDouble::close);
    }

    /** What one replay has learned: transcript id to double id, and the reverse for responses. */
    private static final class Replay {
        final MlflowServerDouble server;
        final Map<String, String> toDouble = new LinkedHashMap<>();
        final Map<String, String> toTranscript = new LinkedHashMap<>();
        final Map<String, String> passwords = new LinkedHashMap<>();
        String lastBody;

        Replay(MlflowServerDouble server) {
            this.server = server;
        }

        String mapRequest(String s) {
            for (Map.Entry<String, String> e : toDouble.entrySet()) {
                s = s.replace(e.getKey(), e.getValue());
            }
            return s;
        }

        String mapResponse(String s) {
            for (Map.Entry<String, String> e : toTranscript.entrySet()) {
                s = s.replace(e.getKey(), e.getValue());
            }
            return s;
        }
    }

    @Test
    void transcriptsParseCompletely() throws Exception {
        Transcript rest = Transcript.load("/mlflow-2.22.4/rest-transcript.txt");
        Transcript auth = Transcript.load("/mlflow-2.22.4/auth-transcript.txt");
        assertEquals(76, rest.entries.size(), "requests in rest-transcript.txt");
        assertEquals(18, auth.entries.size(), "requests in auth-transcript.txt");
        assertEquals("EXPERIMENT_ID=1 RUN_ID=" + Transcript.REST_RUN_ID, rest.trailer);
        for (Transcript.Entry e : rest.entries) {
            if (e.generatedName() != null) {
                assertEquals(e.generatedSize(), Transcript.generated(e.generatedName(), Transcript.REST_RUN_ID).length,
                        "generated body size for " + e.describe());
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> restTranscript() throws Exception {
        Transcript t = Transcript.load("/mlflow-2.22.4/rest-transcript.txt");
        MlflowServerDouble server = MlflowServerDouble.start();
        servers.add(server);
        Replay replay = new Replay(server);
        List<DynamicTest> tests = new ArrayList<>();
        for (Transcript.Entry e : t.entries) {
            tests.add(DynamicTest.dynamicTest(e.describe(), () -> replayEntry(replay, e, false)));
        }
        tests.add(DynamicTest.dynamicTest("trailer " + t.trailer, () -> {
            Matcher m = Pattern.compile("EXPERIMENT_ID=(\\S+) RUN_ID=(\\S+)").matcher(t.trailer);
            assertTrue(m.matches());
            assertEquals(m.group(1), server.experimentByName("java-eval-" + Transcript.TS).experimentId());
            assertNotNull(server.run(replay.mapRequest(m.group(2))));
        }));
        tests.add(DynamicTest.dynamicTest("stored state after the replay", () -> checkRestState(replay)));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> authTranscript() throws Exception {
        Transcript t = Transcript.load("/mlflow-2.22.4/auth-transcript.txt");
        MlflowServerDouble server = MlflowServerDouble.builder()
                .basicAuth(Map.of("admin", ADMIN_PASSWORD), Set.of()).start();
        servers.add(server);
        Replay replay = new Replay(server);
        replay.passwords.put("admin", ADMIN_PASSWORD);
        List<DynamicTest> tests = new ArrayList<>();
        for (Transcript.Entry e : t.entries) {
            tests.add(DynamicTest.dynamicTest(e.describe(), () -> replayEntry(replay, e, true)));
        }
        return tests.stream();
    }

    private void replayEntry(Replay replay, Transcript.Entry e, boolean auth) throws Exception {
        String target = e.target();
        byte[] body = null;
        String contentType = null;
        if (target.equals("artifact")) {
            String runId = replay.server.runs().get(0).runId();
            target = "/api/2.0/mlflow-artifacts/artifacts/1/" + runId + "/artifacts/hello.txt";
            body = Transcript.generated("file", "");
        } else {
            target = replay.mapRequest(target);
        }
        if (e.inlineBody() != null) {
            body = replay.mapRequest(e.inlineBody()).getBytes(StandardCharsets.UTF_8);
            contentType = "application/json";
        } else if (e.generatedName() != null) {
            byte[] generated = Transcript.generated(e.generatedName(), Transcript.REST_RUN_ID);
            assertEquals(e.generatedSize(), generated.length, "size of the generated " + e.generatedName());
            body = replay.mapRequest(new String(generated, StandardCharsets.ISO_8859_1))
                    .getBytes(StandardCharsets.ISO_8859_1);
            contentType = e.generatedName().endsWith(".json") ? "application/json" : null;
        } else if (e.contentTypeVariant() != null) {
            body = ("{\"run_id\": \"" + replay.mapRequest(Transcript.REST_RUN_ID) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            contentType = e.contentTypeVariant().startsWith("Content-Type: ")
                    ? e.contentTypeVariant().substring("Content-Type: ".length()) : null;
        }
        if (e.inlineBody() != null && target.endsWith("/users/create")) {
            JsonNode user = MAPPER.readTree(e.inlineBody());
            replay.passwords.putIfAbsent(user.get("username").asText(), user.get("password").asText());
        }

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(replay.server.baseUri() + target))
                .timeout(Duration.ofSeconds(30))
                .method(e.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (auth) {
            String authorization = authorization(replay, e.label());
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        String actual = new String(response.body(), StandardCharsets.UTF_8);

        assertEquals(e.status(), response.statusCode(), () -> "status of " + e.describe() + "; body: " + actual);
        for (String h : e.expectedHeaders()) {
            int colon = h.indexOf(':');
            assertEquals(h.substring(colon + 1).trim(), response.headers().firstValue(h.substring(0, colon).trim())
                    .orElse(null), "header " + h);
        }
        if (RUN_CREATE.matcher(e.target()).matches() && e.status() == 200) {
            learnRun(replay, e.body(), actual);
        }
        String got = auth ? normalize(replay.mapResponse(actual)).stripTrailing()
                : normalize(replay.mapResponse(actual));
        String want = auth ? normalize(e.body()).stripTrailing() : normalize(e.body());
        if (want.length() == 2500 && !want.contains("\n")) {
            assertTrue(got.startsWith(want), () -> "body of " + e.describe() + " does not start with the recorded"
                    + " 2500 characters;\n want: " + want + "\n  got: " + got);
        } else {
            assertEquals(want, got, () -> "body of " + e.describe());
        }
        replay.lastBody = actual;
        if (!e.notes().isEmpty()) {
            checkNotes(replay, e);
        }
    }

    private static String authorization(Replay replay, String label) {
        if (label == null || label.startsWith("no auth")) {
            return null;
        }
        String user;
        String password;
        if (label.startsWith("wrong password")) {
            user = "admin";
            password = "not-the-password";
        } else {
            user = label.split("[ (]")[0];
            password = replay.passwords.get(user);
            assertNotNull(password, "no password known for " + user);
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Maps the real server's run id and (if generated) run name to the double's. */
    private static void learnRun(Replay replay, String recorded, String actual) throws Exception {
        JsonNode want = MAPPER.readTree(recorded).path("run").path("info");
        JsonNode got = MAPPER.readTree(actual).path("run").path("info");
        replay.toDouble.put(want.get("run_id").asText(), got.get("run_id").asText());
        replay.toTranscript.put(got.get("run_id").asText(), want.get("run_id").asText());
        String wantName = want.get("run_name").asText();
        String gotName = got.get("run_name").asText();
        if (!wantName.equals(gotName)) {
            assertTrue(gotName.matches("[a-z]+-[a-z]+-\\d{1,3}") && gotName.length() <= 20,
                    "generated run name " + gotName);
            replay.toTranscript.put("\"" + gotName + "\"", "\"" + wantName + "\"");
        }
    }

    /** The transcript's "search output trimmed to run ids/status" note: the list it shows, from the full answer. */
    private static void checkNotes(Replay replay, Transcript.Entry e) throws Exception {
        assertTrue(e.notes().get(0).startsWith("search output trimmed"), "unknown note " + e.notes());
        JsonNode runs = MAPPER.readTree(replay.mapResponse(replay.lastBody)).path("runs");
        ArrayNode trimmed = MAPPER.createArrayNode();
        for (JsonNode r : runs) {
            trimmed.addObject().put("run_id", r.path("info").path("run_id").asText())
                    .put("status", r.path("info").path("status").asText())
                    .put("run_name", r.path("info").path("run_name").asText());
        }
        assertEquals(MAPPER.readTree(e.notes().get(1)), trimmed, "trimmed search output");
    }

    static String normalize(String body) {
        return body.replaceAll("\"(creation_time|last_update_time)\":\\d+", "\"$1\":<time>")
                .replaceAll(", \\d{13}, \\d{13}\\)\\]", ", <time>, <time>)]");
    }

    /** What the replay stored, beyond what the responses showed (truncation, the big batch, artifacts). */
    private static void checkRestState(Replay replay) {
        RunState run = replay.server.run(replay.mapRequest(Transcript.REST_RUN_ID));
        assertEquals("run-1", run.runName());
        assertEquals("FINISHED", run.status());
        assertEquals(Transcript.TS + 5000, run.endTime());
        assertEquals("active", run.lifecycleStage());
        assertEquals("x".repeat(6000), run.param("long_ok"));
        assertEquals("x".repeat(6000), run.param("long_cut"), "param value truncated to 6000");
        assertEquals("x".repeat(6000), run.param("long_cut2"), "log-parameter value truncated to 6000");
        assertEquals("x".repeat(8000), run.tag("long_tag"), "tag value truncated to 8000");
        for (int i = 0; i < 100; i++) {
            assertEquals("v".repeat(8000), run.tag("t" + i));
        }
        assertEquals(List.of("lr", "epochs", "batch_size", "long_ok", "long_cut", "long_cut2"),
                List.copyOf(run.params().keySet()));
        assertEquals(900, run.metricHistory("k".repeat(200)).size());
        assertEquals(1000, run.metricHistory("m1000").size());
        assertEquals(List.of(0.5, 0.25, 0.125), run.metricHistory("loss").stream().map(MetricPoint::value).toList());
        assertTrue(Double.isNaN(run.latestMetrics().get("nan_str").value()));
        assertEquals(new MetricPoint("nan_lit", 0, 0, 0), run.latestMetrics().get("nan_lit"));
        assertEquals(new MetricPoint("bad", 0, 0, 0), run.latestMetrics().get("bad"));
        assertEquals(Double.MAX_VALUE, run.latestMetrics().get("inf_str").value());
        assertEquals(-Double.MAX_VALUE, run.latestMetrics().get("ninf_str").value());
        assertEquals(Set.of("dir/hello.txt", "model.bin"), run.artifacts().keySet());
        assertEquals("hello artifact\n", new String(run.artifact("dir/hello.txt"), StandardCharsets.UTF_8));
        assertEquals(70000, run.artifact("model.bin").length);
        if (run.metricHistory("m").size() + run.metricHistory("e").size() + run.metricHistory("nots").size() != 0) {
            fail("rejected batches must store nothing");
        }
    }
}
