package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How long the double takes to answer, so that a client can be measured against a server as slow as a real one.
 * Each request occupies one of {@code workers} workers (a request that finds none free waits for one, as in
 * gunicorn's pre-fork model) for at least {@code perRequestMicros + perItemMicros * items}, where {@code items} is
 * the number of metrics, params and tags of a {@code log-batch} request and 0 for every other request. The answer
 * itself is unchanged.
 *
 * <p>The double alone answers in about 0.2 ms; a real MLflow 2.22.4 server on sqlite took about 9.5 ms. Against
 * the fast double, a client that sends one request per point looks far better than it does against a real server,
 * and a client's own overhead weighs far more. {@link #mlflowOnSqlite(int)} models the real server.
 *
 * @param workers          requests served at the same time (at least 1)
 * @param perRequestMicros the time every request takes, in microseconds
 * @param perItemMicros    the added time per metric, param and tag of a {@code log-batch}, in microseconds
 */
public record ServiceTime(int workers, long perRequestMicros, long perItemMicros) {

    /**
     * An MLflow 2.22.4 server on sqlite as measured on loopback (issue 6): about 105 points/s with one
     * {@code log-metric} request per point (9,524 us per request) and about 7,000 points/s with 1000-point
     * {@code log-batch} requests on one connection (142,857 us per request). Solved for a fixed and a per-item
     * cost: 9,390 us per request plus 133.5 us per item (rounded to 134).
     *
     * @param workers the server's worker processes: {@code mlflow server} starts 4 by default ({@code --workers});
     *                1 models a server whose sqlite writes do not overlap at all
     * @return the model
     */
    public static ServiceTime mlflowOnSqlite(int workers) {
        return new ServiceTime(workers, 9_390, 134);
    }

    /** Checks the arguments. */
    public ServiceTime {
        if (workers < 1) {
            throw new IllegalArgumentException("workers " + workers + " (at least 1)");
        }
        if (perRequestMicros < 0 || perItemMicros < 0) {
            throw new IllegalArgumentException("negative service time: " + perRequestMicros + " us per request, "
                    + perItemMicros + " us per item");
        }
    }

    /** The least time a request with {@code items} batch items takes, in nanoseconds. */
    long nanosFor(int items) {
        return TimeUnit.MICROSECONDS.toNanos(perRequestMicros + perItemMicros * items);
    }

    /** The filter that applies this model to every request of one running double. */
    Filter filter() {
        return new Workers(this);
    }

    /**
     * Holds each request on a worker for its service time before the double handles it. The body is read here to
     * count a batch's items and handed on unchanged.
     */
    private static final class Workers extends Filter {
        private final ServiceTime time;
        private final Semaphore free;

        private Workers(ServiceTime time) {
            this.time = time;
            this.free = new Semaphore(time.workers(), true);
        }

        @Override
        public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
            try {
                free.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
                return;
            }
            try {
                long start = System.nanoTime();
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                exchange.setStreams(new ByteArrayInputStream(body), null);
                String path = exchange.getRequestURI().getPath();
                int items = path.endsWith("/runs/log-batch") ? batchItems(body) : 0;
                long remaining = start + time.nanosFor(items) - System.nanoTime();
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.sleep(remaining);
                }
                chain.doFilter(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exchange.close();
            } finally {
                free.release();
            }
        }

        private static int batchItems(byte[] body) {
            JsonNode json = Json.loadsOrNull(body);
            if (json == null) {
                return 0;
            }
            return json.path("metrics").size() + json.path("params").size() + json.path("tags").size();
        }

        @Override
        public String description() {
            return time.workers() + " workers, " + time.perRequestMicros() + " us per request + "
                    + time.perItemMicros() + " us per batch item";
        }
    }
}
