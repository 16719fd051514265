package dev.autolog.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service-time model: requests take at least their modelled time, no more of them run at once than there are
 * workers, and the answers are those of the double without the model. Only lower bounds and the serialization of
 * requests are checked, both of which follow from the model whatever the machine's speed.
 */
class ServiceTimeTest {
    private static final String API = "/api/2.0/mlflow";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aBatchTakesItsFixedCostPlusItsItemsAndIsStoredUnchanged() throws Exception {
        // 0 per request, 1 ms per item: a 1000-metric batch takes at least a second (the double alone takes well
        // under that even cold), a run creation nothing more.
        try (MlflowServerDouble server = MlflowServerDouble.builder().serviceTime(new ServiceTime(1, 0, 1000)).start()) {
            Http http = new Http(server);
            String run = MAPPER.readTree(http.post(API + "/runs/create", "{\"experiment_id\":\"0\"}").body())
                    .get("run").get("info").get("run_id").asText();
            StringBuilder metrics = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                metrics.append(i == 0 ? "" : ",").append("{\"key\":\"loss\",\"value\":").append(i)
                        .append(",\"timestamp\":1,\"step\":").append(i).append('}');
            }
            long start = System.nanoTime();
            Http.Resp r = http.post(API + "/runs/log-batch", "{\"run_id\":\"" + run + "\",\"metrics\":[" + metrics + "]}");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(200, r.status());
            assertEquals("{}", r.body());
            assertTrue(tookMillis >= 1000, "1000 items at 1 ms took " + tookMillis + " ms");
            assertEquals(1000, server.run(run).metricHistory("loss").size());
        }
    }

    @Test
    void noMoreRequestsRunAtOnceThanThereAreWorkers() throws Exception {
        // 4 requests of 200 ms each at once: 2 workers need two rounds (>= 400 ms), 4 workers one (< 800 ms).
        assertTrue(elapsedMillisForConcurrentHealthChecks(2, 4, 200) >= 400, "two workers served four at once");
        assertTrue(elapsedMillisForConcurrentHealthChecks(4, 4, 200) < 800,
                "four workers served four requests one after another");
    }

    @Test
    void theRecordedServerIsReproduced() {
        // Issue 6: about 105 points/s with one request per point, about 7,000 with 1000-point batches.
        ServiceTime sqlite = ServiceTime.mlflowOnSqlite(4);
        double perPointPerSecond = 1e9 / sqlite.nanosFor(1);
        double batchedPerSecond = 1000 * 1e9 / sqlite.nanosFor(1000);
        assertEquals(105, perPointPerSecond, 1.0);
        assertEquals(7000, batchedPerSecond, 70.0);
        assertEquals(4, sqlite.workers());
    }

    @Test
    void badModelsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ServiceTime(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ServiceTime(1, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ServiceTime(1, 1, -1));
    }

    private static long elapsedMillisForConcurrentHealthChecks(int workers, int requests, long millisEach)
            throws Exception {
        try (MlflowServerDouble server = MlflowServerDouble.builder()
                .serviceTime(new ServiceTime(workers, millisEach * 1000, 0)).start()) {
            Http http = new Http(server);
            ExecutorService clients = Executors.newFixedThreadPool(requests);
            try {
                long start = System.nanoTime();
                List<Future<Http.Resp>> answers = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    answers.add(clients.submit(() -> http.get("/health")));
                }
                for (Future<Http.Resp> answer : answers) {
                    Http.Resp r = answer.get();
                    assertEquals(200, r.status());
                    assertEquals("OK", r.body());
                }
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            } finally {
                clients.shutdownNow();
            }
        }
    }
}
