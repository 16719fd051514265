package dev.autolog.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Scripted faults: failures, stalls and dropped connections, each used by one request, all recorded. */
class FaultInjectionTest {

    private MlflowServerDouble server;
    private Http http;

    @BeforeEach
    void start() {
        server = MlflowServerDouble.start();
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void failNextAnswersTheNextRequestsThenHandlesNormally() {
        server.failNext(2, 503, Map.of("Retry-After", "3", "Content-Type", "text/plain"), "busy");
        assertEquals(2, server.pendingFaults());
        for (int i = 0; i < 2; i++) {
            Http.Resp r = http.get("/health");
            assertEquals(503, r.status());
            assertEquals("busy", r.body());
            assertEquals("3", r.header("Retry-After"));
        }
        Http.Resp ok = http.get("/health");
        assertEquals(200, ok.status());
        assertEquals("OK", ok.body());
        assertEquals(3, server.requests().size());
        assertEquals(0, server.pendingFaults());
    }

    @Test
    void anInjectedFailureStoresNothing() {
        server.failNext(1, 500, Map.of(), "");
        Http.Resp r = http.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"e\"}");
        assertEquals(500, r.status());
        assertEquals("", r.body());
        assertEquals(1, server.experiments().size(), "only the Default experiment");
        assertEquals(200, http.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"e\"}").status());
        assertEquals("{\"name\":\"e\"}", server.requests().get(0).bodyText(), "the failed request is recorded");
        assertEquals(2, server.experiments().size());
    }

    @Test
    void stallNextDelaysThenAnswersNormally() {
        server.stallNext(1, 400);
        long t0 = System.nanoTime();
        Http.Resp r = http.get("/health");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, r.status());
        assertTrue(ms >= 390, "stalled " + ms + " ms");
        t0 = System.nanoTime();
        http.get("/health");
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 390, "only one request stalled");
    }

    @Test
    void aStallLongerThanTheClientTimeoutTimesOut() {
        server.stallNext(1, 2000);
        assertThrows(HttpTimeoutException.class,
                () -> http.sendOrThrow("GET", "/health", null, null, Duration.ofMillis(200)));
        assertEquals(1, server.requests().size());
        assertEquals(200, http.get("/health").status());
    }

    @Test
    void dropNextClosesTheConnectionWithoutAnswer() {
        server.dropNext(1);
        assertThrows(IOException.class, () -> http.sendOrThrow("POST", "/api/2.0/mlflow/experiments/create",
                "{\"name\":\"dropped\"}".getBytes(), "application/json", Duration.ofSeconds(10)));
        assertEquals(200, http.get("/health").status());
        List<RecordedRequest> seen = server.requests();
        assertEquals(2, seen.size());
        assertEquals("POST", seen.get(0).method());
        assertEquals("/api/2.0/mlflow/experiments/create", seen.get(0).path());
        assertEquals(1, server.experiments().size(), "a dropped request is not handled");
    }

    @Test
    void faultsOfAllKindsAreUsedInTheOrderAdded() {
        server.stallNext(1, 50);
        server.failNext(1, 429, Map.of(), "slow down");
        server.dropNext(1);
        assertEquals(200, http.get("/health").status());
        assertEquals(429, http.get("/health").status());
        // POST: the JDK client may retry an idempotent GET on a reused connection that was closed
        assertThrows(IOException.class, () -> http.sendOrThrow("POST", "/health", "{}".getBytes(), "application/json",
                Duration.ofSeconds(5)));
        assertEquals(200, http.get("/health").status());
        assertEquals(4, server.requests().size());
    }

    @Test
    void clearFaultsDiscardsUnusedOnes() {
        server.failNext(5, 502, Map.of(), "bad gateway");
        server.clearFaults();
        assertEquals(200, http.get("/health").status());
        assertThrows(IllegalArgumentException.class, () -> server.failNext(1, 42, Map.of(), ""));
    }
}
