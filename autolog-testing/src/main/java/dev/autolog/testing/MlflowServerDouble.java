package dev.autolog.testing;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-test stand-in for an MLflow 2.22.4 tracking server (sqlite backend, proxied artifacts), on
 * {@code 127.0.0.1} and a free port, built on the JDK's {@code HttpServer} and checked against transcripts of the
 * real server ({@code src/test/resources/mlflow-2.22.4}).
 *
 * <p>It answers as the real server does: the same status codes and bodies, including the HTML 404/405/500 pages,
 * the limits of {@code log-batch} (1000 metrics, 100 params, 100 tags, 1000 entities), key checks, the
 * changed-param errors, the {@code Content-Type} checks, {@code NaN}/{@code Infinity} handling, and, with
 * {@link Builder#basicAuth}, the {@code basic-auth} app's 401 and 403 answers. Successful JSON bodies are compact
 * with fields in proto order, as the transcripts show them.
 *
 * <p>Served: {@code /health}; {@code /api/2.0/mlflow/} experiments ({@code create}, {@code get},
 * {@code get-by-name}, {@code search}, {@code delete}, {@code restore}, {@code update},
 * {@code set-experiment-tag}), runs ({@code create}, {@code update}, {@code get}, {@code delete}, {@code restore},
 * {@code log-batch}, {@code log-metric}, {@code log-parameter}, {@code set-tag}, {@code delete-tag},
 * {@code log-model}, {@code log-inputs}, {@code search}), {@code metrics/get-history}, {@code artifacts/list};
 * the proxied artifact API {@code /api/2.0/mlflow-artifacts/artifacts}; the UI's {@code /get-artifact}; with
 * basic auth the {@code users/*} and {@code experiments/permissions/*} APIs; with {@link Builder#mlflow3} the
 * MLflow 3 {@code logged-models} and {@code runs/outputs} APIs. The same paths under {@code /ajax-api/2.0} work too.
 *
 * <p>Every request is recorded before it is handled ({@link #requests()}); what the server stored is available
 * as snapshots ({@link #experiments()}, {@link #runs()}, {@link #run(String)}, {@link #artifacts()}). Faults can be
 * scripted for the next requests ({@link #failNext}, {@link #stallNext}, {@link #dropNext}).
 *
 * <pre>{@code
 * try (MlflowServerDouble server = MlflowServerDouble.start()) {
 *     // point the client at server.baseUri(), run it, then:
 *     RunState run = server.runs().get(0);
 *     assertEquals("FINISHED", run.status());
 * }
 * }</pre>
 */
public final class MlflowServerDouble implements AutoCloseable {

    /** A scripted answer for one request. */
    record Fault(int status, Map<String, String> headers, String body, long stallMillis, boolean drop) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Store store;
    private final String baseUri;
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final ArrayDeque<Fault> faults = new ArrayDeque<>();

    private MlflowServerDouble(Config config) throws IOException {
        this.store = new Store(config.seed == null ? new Random() : new Random(config.seed), config.mlflow3);
        config.users.forEach((name, password) -> store.createUser(name, password, !config.readOnlyUsers.contains(name)));
        boolean auth = !config.users.isEmpty() || !config.bearerTokens.isEmpty();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port);
        if (config.keyStore != null) {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(sslContext(config.keyStore, config.keyPassword)));
            server = https;
        } else {
            server = HttpServer.create(address, 0);
        }
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mlflow-double-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        HttpContext context = server.createContext("/", new Dispatcher(this, store, config.mlflow3, auth,
                config.bearerTokens, config.defaultPermission));
        if (config.serviceTime != null) {
            context.getFilters().add(config.serviceTime.filter());
        }
        server.start();
        baseUri = (config.keyStore != null ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    private static SSLContext sslContext(KeyStore keyStore, char[] password) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the key store for TLS", e);
        }
    }

    /**
     * Starts a double with plain HTTP, no authentication and MLflow 2.x endpoints only.
     *
     * @return the running double
     */
    public static MlflowServerDouble start() {
        return builder().start();
    }

    /** Returns a builder for a double with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings for a double. Every setting is optional. */
    public static final class Builder {
        private final Map<String, String> users = new LinkedHashMap<>();
        private final java.util.Set<String> readOnlyUsers = new java.util.LinkedHashSet<>();
        private final java.util.Set<String> bearerTokens = new java.util.LinkedHashSet<>();
        private String defaultPermission = "READ";
        private KeyStore keyStore;
        private char[] keyPassword;
        private boolean mlflow3;
        private Long seed;
        private int port;
        private ServiceTime serviceTime;

        private Builder() {
        }

        /**
         * Turns on the {@code basic-auth} app. Requests other than {@code /health} then need
         * {@code Authorization: Basic}; without valid credentials they get 401 with
         * {@code WWW-Authenticate: Basic realm="mlflow"}.
         *
         * @param users         user name to password, for every user that exists at start
         * @param readOnlyUsers users (named in {@code users}) that are not admins: like the real server's ordinary
         *                      users they get the default permission (READ, see {@link #defaultPermission}) on
         *                      experiments they did not create, so writes answer 403 {@code Permission denied};
         *                      all other users are admins and may do everything
         * @return this builder
         * @throws IllegalArgumentException if a read-only user is not in {@code users}
         */
        public Builder basicAuth(Map<String, String> users, Set<String> readOnlyUsers) {
            for (String u : readOnlyUsers) {
                if (!users.containsKey(u)) {
                    throw new IllegalArgumentException("read-only user " + u + " has no password in users");
                }
            }
            this.users.putAll(users);
            this.readOnlyUsers.addAll(readOnlyUsers);
            return this;
        }

        /**
         * Accepts {@code Authorization: Bearer <token>} for these tokens, with admin rights, and turns on
         * authentication. This is an extension: the real basic-auth app knows no bearer tokens and answers 401 to
         * them.
         *
         * @param tokens the accepted tokens
         * @return this builder
         */
        public Builder bearerTokens(Set<String> tokens) {
            this.bearerTokens.addAll(tokens);
            return this;
        }

        /**
         * The permission a non-admin user has on an experiment without an explicit grant: {@code READ} (the real
         * server's default), {@code EDIT}, {@code MANAGE} or {@code NO_PERMISSIONS}.
         *
         * @param permission the permission name
         * @return this builder
         */
        public Builder defaultPermission(String permission) {
            if (!List.of("READ", "EDIT", "MANAGE", "NO_PERMISSIONS").contains(permission)) {
                throw new IllegalArgumentException("unknown permission " + permission);
            }
            this.defaultPermission = permission;
            return this;
        }

        /**
         * Serves HTTPS with the first key entry of {@code keyStore}.
         *
         * @param keyStore a key store with one private key entry and its certificate
         * @param password the password of the key entry
         * @return this builder
         */
        public Builder tls(KeyStore keyStore, char[] password) {
            this.keyStore = Objects.requireNonNull(keyStore);
            this.keyPassword = password.clone();
            return this;
        }

        /**
         * Serves HTTPS with a certificate from {@link SelfSignedCertificate#generate()}.
         *
         * @param certificate the certificate and key
         * @return this builder
         */
        public Builder tls(SelfSignedCertificate certificate) {
            return tls(certificate.keyStore(), certificate.password());
        }

        /**
         * Also serves the MLflow 3 endpoints: {@code POST/GET/PATCH/DELETE /api/2.0/mlflow/logged-models[/<id>]},
         * {@code POST .../logged-models/<id>/params} and {@code POST /api/2.0/mlflow/runs/outputs}. Off by default:
         * a 2.22.4 server answers them with its 404 page.
         *
         * @param enabled whether to serve them
         * @return this builder
         */
        public Builder mlflow3(boolean enabled) {
            this.mlflow3 = enabled;
            return this;
        }

        /**
         * Seeds the generator of random run and model names, for repeatable names.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Listens on {@code port} instead of a free one: a test can stop a double and start another where a client
         * still points, as a server that goes away and comes back.
         *
         * @param port the port, or 0 for a free one
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Answers no faster than {@code serviceTime} says, with as many requests at a time as it has workers: for
         * measuring a client against a server as slow as a real one (see {@link ServiceTime#mlflowOnSqlite}).
         * Without it the double answers as fast as it can.
         *
         * @param serviceTime the model, or null for none
         * @return this builder
         */
        public Builder serviceTime(ServiceTime serviceTime) {
            this.serviceTime = serviceTime;
            return this;
        }

        /** Freezes the settings; {@link Config#start()} starts a double with them. */
        public Config build() {
            return new Config(this);
        }

        /** Same as {@code build().start()}. */
        public MlflowServerDouble start() {
            return build().start();
        }
    }

    /** Frozen settings from {@link Builder#build()}. */
    public static final class Config {
        private final Map<String, String> users;
        private final Set<String> readOnlyUsers;
        private final Set<String> bearerTokens;
        private final String defaultPermission;
        private final KeyStore keyStore;
        private final char[] keyPassword;
        private final boolean mlflow3;
        private final Long seed;
        private final int port;
        private final ServiceTime serviceTime;

        private Config(Builder b) {
            users = Collections.unmodifiableMap(new LinkedHashMap<>(b.users));
            readOnlyUsers = Set.copyOf(b.readOnlyUsers);
            bearerTokens = Set.copyOf(b.bearerTokens);
            defaultPermission = b.defaultPermission;
            keyStore = b.keyStore;
            keyPassword = b.keyPassword == null ? null : b.keyPassword.clone();
            mlflow3 = b.mlflow3;
            seed = b.seed;
            port = b.port;
            serviceTime = b.serviceTime;
        }

        /**
         * Starts a double on {@code 127.0.0.1} and a free port.
         *
         * @return the running double
         * @throws UncheckedIOException if the server socket cannot be opened
         */
        public MlflowServerDouble start() {
            try {
                return new MlflowServerDouble(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ address

    /** {@code http://127.0.0.1:<port>} (or {@code https://...} with TLS), without a trailing slash. */
    public String baseUri() {
        return baseUri;
    }

    /** The port the double listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    // ------------------------------------------------------------------------------------------ recorded requests

    void record(RecordedRequest r) {
        synchronized (requests) {
            requests.add(r);
        }
    }

    /** Every request received so far, in arrival order (a copy). Injected failures are included. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Forgets the recorded requests (stored state is kept). */
    public void clearRequests() {
        synchronized (requests) {
            requests.clear();
        }
    }

    // ------------------------------------------------------------------------------------------ stored state

    /** Snapshots of all experiments, the Default experiment {@code "0"} first, then in creation order. */
    public List<ExperimentState> experiments() {
        return store.allExperiments().stream().map(store::experimentState).toList();
    }

    /**
     * The experiment with this name.
     *
     * @throws NoSuchElementException if there is none
     */
    public ExperimentState experimentByName(String name) {
        Store.Exp e = store.getExperimentByName(name);
        if (e == null) {
            throw new NoSuchElementException("no experiment named " + name);
        }
        return store.experimentState(e);
    }

    /** Snapshots of all runs, in creation order, deleted ones included. */
    public List<RunState> runs() {
        return store.allRuns().stream().map(store::runState).toList();
    }

    /**
     * A snapshot of one run.
     *
     * @throws NoSuchElementException if there is no run with this id
     */
    public RunState run(String runId) {
        try {
            return store.runState(store.getRun(runId));
        } catch (MlflowError e) {
            throw new NoSuchElementException("no run " + runId + "; runs: "
                    + store.allRuns().stream().map(r -> r.id).toList());
        }
    }

    /**
     * Every file stored through the proxied artifact API, by its path under the artifact root (e.g.
     * {@code 1/<run_id>/artifacts/model/MLmodel}), sorted by path. The byte arrays are copies.
     */
    public Map<String, byte[]> artifacts() {
        return store.allArtifacts();
    }

    /** Snapshots of the MLflow 3 logged models, in creation order (empty unless {@code mlflow3(true)}). */
    public List<LoggedModelState> loggedModels() {
        return store.allLoggedModels().stream().map(store::loggedModelState).toList();
    }

    // ------------------------------------------------------------------------------------------ faults

    /**
     * Answers the next {@code count} requests (any path, including {@code /health}) with this response instead of
     * handling them. Faults of all kinds are used in the order they were added, one per request.
     *
     * @param count   how many requests
     * @param status  the HTTP status
     * @param headers response headers, e.g. {@code Retry-After}
     * @param body    the response body (UTF-8)
     */
    public void failNext(int count, int status, Map<String, String> headers, String body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        add(count, new Fault(status, Map.copyOf(headers), Objects.requireNonNull(body), 0, false));
    }

    /**
     * Waits {@code millis} before handling each of the next {@code count} requests normally.
     *
     * @param count  how many requests
     * @param millis the delay in milliseconds
     */
    public void stallNext(int count, long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis " + millis);
        }
        add(count, new Fault(0, Map.of(), "", millis, false));
    }

    /**
     * Closes the connection of each of the next {@code count} requests without sending a response.
     *
     * @param count how many requests
     */
    public void dropNext(int count) {
        add(count, new Fault(0, Map.of(), "", 0, true));
    }

    /** Discards the faults not used yet. */
    public void clearFaults() {
        synchronized (faults) {
            faults.clear();
        }
    }

    /** How many scripted faults are still waiting for a request. */
    public int pendingFaults() {
        synchronized (faults) {
            return faults.size();
        }
    }

    private void add(int count, Fault fault) {
        if (count < 0) {
            throw new IllegalArgumentException("count " + count);
        }
        synchronized (faults) {
            for (int i = 0; i < count; i++) {
                faults.add(fault);
            }
        }
    }

    Fault nextFault() {
        synchronized (faults) {
            return faults.poll();
        }
    }

    /** Stops the server at once; requests still being handled (e.g. stalled ones) are abandoned. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
