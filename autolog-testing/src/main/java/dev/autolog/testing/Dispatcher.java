package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Answers HTTP requests as the recorded MLflow 2.22.4 server (Flask app, sqlite store, proxied artifacts,
 * optionally the {@code basic-auth} app) does: the same routes, the same order of checks, the same bodies.
 */
final class Dispatcher implements HttpHandler {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String JSON = "application/json";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String UNAUTHENTICATED = "You are not authenticated. Please see"
            + " https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.";
    private static final List<String> PERMISSIONS = List.of("READ", "EDIT", "MANAGE", "NO_PERMISSIONS");

    private final MlflowServerDouble owner;
    private final Store store;
    private final boolean mlflow3;
    private final boolean authEnabled;
    private final Set<String> bearerTokens;
    private final String defaultPermission;

    Dispatcher(MlflowServerDouble owner, Store store, boolean mlflow3, boolean authEnabled, Set<String> bearerTokens,
               String defaultPermission) {
        this.owner = owner;
        this.store = store;
        this.mlflow3 = mlflow3;
        this.authEnabled = authEnabled;
        this.bearerTokens = Set.copyOf(bearerTokens);
        this.defaultPermission = defaultPermission;
        this.routes = buildRoutes();
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response of(int status, String contentType, String body) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Type", contentType);
            return new Response(status, h, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Who sent the request, in basic-auth mode. {@code username} is {@code null} for a bearer token. */
    record Identity(String username, boolean admin) {
    }

    /** One request being handled. */
    static final class Ctx {
        String method;
        String path;
        final LinkedHashMap<String, List<String>> query = new LinkedHashMap<>();
        Map<String, List<String>> headers;
        byte[] body;
        Identity who;
        String pathParam;
        private boolean jsonParsed;
        private JsonNode json;

        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }

        String arg(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** Flask's {@code get_json(force=True, silent=True)}: {@code null} for an empty or malformed body. */
        JsonNode bodyJson() {
            if (!jsonParsed) {
                json = Json.loadsOrNull(body);
                jsonParsed = true;
            }
            return json;
        }
    }

    // ============================================================================================ HTTP plumbing

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            String rawPath = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            owner.record(new RecordedRequest(ex.getRequestMethod(), rawPath + (rawQuery == null ? "" : "?" + rawQuery),
                    headers, body, System.currentTimeMillis()));

            MlflowServerDouble.Fault fault = owner.nextFault();
            if (fault != null) {
                if (fault.stallMillis() > 0) {
                    Thread.sleep(fault.stallMillis());
                }
                if (fault.drop()) {
                    ex.close();
                    return;
                }
                if (fault.status() > 0) {
                    Map<String, String> h = new LinkedHashMap<>(fault.headers());
                    send(ex, new Response(fault.status(), h, fault.body().getBytes(StandardCharsets.UTF_8)));
                    return;
                }
            }

            Ctx c = new Ctx();
            c.method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
            c.path = Validation.pyUnquote(rawPath);
            c.headers = headers;
            c.body = body;
            parseQuery(rawQuery, c.query);
            Response r;
            try {
                r = dispatch(c);
            } catch (MlflowError e) {
                r = Response.of(e.httpStatus(), JSON, e.body());
            } catch (HttpError e) {
                r = htmlError(e);
            } catch (RuntimeException e) {
                r = htmlError(HttpError.internal());
            }
            send(ex, r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.close();
        } catch (IOException e) {
            ex.close();
        }
    }

    private static Response htmlError(HttpError e) {
        Response r = Response.of(e.status, HTML, e.body);
        r.headers().putAll(e.headers);
        return r;
    }

    private static void send(HttpExchange ex, Response r) throws IOException {
        r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        boolean head = ex.getRequestMethod().equalsIgnoreCase("HEAD");
        long length = head || r.body().length == 0 ? -1 : r.body().length;
        ex.sendResponseHeaders(r.status(), length);
        if (length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        }
        ex.close();
    }

    /** Werkzeug's query parsing: {@code &}-separated, {@code +} is a space, percent-decoded as UTF-8. */
    static void parseQuery(String rawQuery, Map<String, List<String>> into) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = Validation.decodeQueryComponent(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : Validation.decodeQueryComponent(pair.substring(eq + 1));
            into.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
    }

    // ============================================================================================ routing

    @FunctionalInterface
    interface Handler {
        Response handle(Ctx c);
    }

    @FunctionalInterface
    interface Permission {
        /** Throws {@link Forbidden} (or an MLflow error) when a non-admin may not do this. */
        void check(Ctx c);
    }

    static final class Forbidden extends RuntimeException {
        Forbidden() {
            super(null, null, false, false);
        }
    }

    /** A Flask rule: a path (with at most one trailing variable), its methods, handler and auth validator. */
    record Route(String path, String variable, Set<String> methods, Handler handler, Permission permission) {
        /** The variable's value when the path matches, {@code ""} when it matches without a variable, else null. */
        String match(String requestPath) {
            if (variable == null) {
                return requestPath.equals(path) ? "" : null;
            }
            if (!requestPath.startsWith(path) || requestPath.length() == path.length()) {
                return null;
            }
            String rest = requestPath.substring(path.length());
            return switch (variable) {
                case "string" -> rest.contains("/") ? null : rest;
                case "params" -> rest.matches("[^/]+/params") ? rest : null;
                default -> rest.startsWith("/") ? null : rest; // Werkzeug's path converter: [^/].*?
            };
        }
    }

    private final List<Route> routes;

    private List<Route> buildRoutes() {
        List<Route> r = new ArrayList<>();
        for (String prefix : List.of("/api/2.0", "/ajax-api/2.0")) {
            String m = prefix + "/mlflow";
            r.add(post(m + "/experiments/create", this::createExperiment, null));
            r.add(get(m + "/experiments/get", this::getExperiment, c -> requireExperiment(c, "experiment_id", "read")));
            r.add(get(m + "/experiments/get-by-name", this::getExperimentByName, this::requireReadExperimentByName));
            r.add(new Route(m + "/experiments/search", null, Set.of("GET", "POST"), this::searchExperiments, null));
            r.add(post(m + "/experiments/delete", this::deleteExperiment, c -> requireExperiment(c, "experiment_id", "delete")));
            r.add(post(m + "/experiments/restore", this::restoreExperiment, c -> requireExperiment(c, "experiment_id", "delete")));
            r.add(post(m + "/experiments/update", this::updateExperiment, c -> requireExperiment(c, "experiment_id", "update")));
            r.add(post(m + "/experiments/set-experiment-tag", this::setExperimentTag,
                    c -> requireExperiment(c, "experiment_id", "update")));
            r.add(post(m + "/runs/create", this::createRun, c -> requireExperiment(c, "experiment_id", "update")));
            r.add(post(m + "/runs/update", this::updateRun, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/delete", this::deleteRun, c -> requireRun(c, "delete")));
            r.add(post(m + "/runs/restore", this::restoreRun, c -> requireRun(c, "delete")));
            r.add(post(m + "/runs/log-metric", this::logMetric, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/log-parameter", this::logParam, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/set-tag", this::setTag, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/delete-tag", this::deleteTag, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/log-batch", this::logBatch, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/log-model", this::logModel, c -> requireRun(c, "update")));
            r.add(post(m + "/runs/log-inputs", this::logInputs, c -> requireRun(c, "update")));
            r.add(get(m + "/runs/get", this::getRun, c -> requireRun(c, "read")));
            r.add(post(m + "/runs/search", this::searchRuns, null));
            r.add(get(m + "/metrics/get-history", this::getMetricHistory, c -> requireRun(c, "read")));
            r.add(get(m + "/artifacts/list", this::listArtifacts, c -> requireRun(c, "read")));
            String a = prefix + "/mlflow-artifacts/artifacts";
            r.add(get(a, this::listProxiedArtifacts, c -> requireArtifactProxy(c, "read")));
            r.add(new Route(a + "/", "path", Set.of("GET"), this::downloadArtifact, c -> requireArtifactProxy(c, "read")));
            r.add(new Route(a + "/", "path", Set.of("PUT"), this::uploadArtifact, c -> requireArtifactProxy(c, "update")));
            r.add(new Route(a + "/", "path", Set.of("DELETE"), this::deleteArtifact,
                    c -> requireArtifactProxy(c, "delete")));
            if (mlflow3) {
                r.add(post(m + "/logged-models", this::createLoggedModel, c -> requireExperiment(c, "experiment_id", "update")));
                r.add(new Route(m + "/logged-models/", "string", Set.of("GET"), this::getLoggedModel,
                        c -> requireLoggedModel(c, "read")));
                r.add(new Route(m + "/logged-models/", "string", Set.of("PATCH"), this::finalizeLoggedModel,
                        c -> requireLoggedModel(c, "update")));
                r.add(new Route(m + "/logged-models/", "string", Set.of("DELETE"), this::deleteLoggedModel,
                        c -> requireLoggedModel(c, "delete")));
                r.add(new Route(m + "/logged-models/", "params", Set.of("POST"), this::logLoggedModelParams,
                        c -> requireLoggedModel(c, "update")));
                r.add(post(m + "/runs/outputs", this::logOutputs, c -> requireRun(c, "update")));
            }
            if (authEnabled) {
                r.add(post(m + "/users/create", this::createUser, c -> {
                    throw new Forbidden();
                }));
                r.add(get(m + "/users/get", this::getUser, this::requireSelf));
                r.add(new Route(m + "/users/update-password", null, Set.of("PATCH"), this::updatePassword, this::requireSelf));
                r.add(new Route(m + "/users/update-admin", null, Set.of("PATCH"), this::updateAdmin, c -> {
                    throw new Forbidden();
                }));
                r.add(new Route(m + "/users/delete", null, Set.of("DELETE"), this::deleteUser, c -> {
                    throw new Forbidden();
                }));
                String p = m + "/experiments/permissions";
                r.add(post(p + "/create", this::createPermission, c -> requireExperiment(c, "experiment_id", "manage")));
                r.add(get(p + "/get", this::getPermission, c -> requireExperiment(c, "experiment_id", "manage")));
                r.add(new Route(p + "/update", null, Set.of("PATCH"), this::updatePermission,
                        c -> requireExperiment(c, "experiment_id", "manage")));
                r.add(new Route(p + "/delete", null, Set.of("DELETE"), this::deletePermission,
                        c -> requireExperiment(c, "experiment_id", "manage")));
            }
        }
        r.add(get("/get-artifact", this::getArtifactUi, c -> requireRunArg(c)));
        r.add(get("/health", c -> Response.of(200, HTML, "OK"), null));
        r.add(get("/version", c -> Response.of(200, HTML, "2.22.4"), null));
        return r;
    }

    private static Route get(String path, Handler h, Permission p) {
        return new Route(path, null, Set.of("GET"), h, p);
    }

    private static Route post(String path, Handler h, Permission p) {
        return new Route(path, null, Set.of("POST"), h, p);
    }

    private Response dispatch(Ctx c) {
        boolean unprotected = c.path.startsWith("/static") || c.path.startsWith("/favicon.ico")
                || c.path.startsWith("/health");
        if (authEnabled && !unprotected) {
            c.who = authenticate(c);
            if (c.who == null) {
                Response r = Response.of(401, HTML, UNAUTHENTICATED);
                r.headers().put("WWW-Authenticate", "Basic realm=\"mlflow\"");
                return r;
            }
        }
        Route route = null;
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            String v = r.match(c.path);
            if (v == null) {
                continue;
            }
            Set<String> methods = new LinkedHashSet<>(r.methods());
            if (methods.contains("GET")) {
                methods.add("HEAD");
            }
            allowed.addAll(methods);
            String m = c.method.equals("HEAD") ? "GET" : c.method;
            if (route == null && r.methods().contains(m)) {
                route = r;
                c.pathParam = v.isEmpty() ? null : v;
            }
        }
        if (allowed.isEmpty()) {
            throw HttpError.notFound();
        }
        allowed.add("OPTIONS");
        if (c.method.equals("OPTIONS")) {
            Response r = Response.of(200, HTML, "");
            r.headers().put("Allow", String.join(", ", allowed));
            return r;
        }
        if (route == null) {
            throw HttpError.methodNotAllowed(String.join(", ", allowed));
        }
        if (authEnabled && !unprotected && !c.who.admin() && route.permission() != null) {
            try {
                route.permission().check(c);
            } catch (Forbidden f) {
                return Response.of(403, HTML, "Permission denied");
            }
        }
        return route.handler().handle(c);
    }

    // ============================================================================================ basic auth

    /** Werkzeug's {@code request.authorization} checked against the user store, plus the bearer-token extension. */
    private Identity authenticate(Ctx c) {
        String header = c.header("Authorization");
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int space = h.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = h.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = h.substring(space + 1).trim();
        if (scheme.equals("bearer")) {
            return bearerTokens.contains(credentials) ? new Identity(null, true) : null;
        }
        if (!scheme.equals("basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        Store.User u = store.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
        return u == null ? null : new Identity(u.username, u.admin);
    }

    private boolean allows(String permission, String action) {
        return switch (action) {
            case "read" -> List.of("READ", "EDIT", "MANAGE").contains(permission);
            case "update" -> List.of("EDIT", "MANAGE").contains(permission);
            default -> permission.equals("MANAGE"); // delete, manage
        };
    }

    private String permissionOn(String experimentId, Ctx c) {
        String p = c.who.username() == null ? null : store.experimentPermission(experimentId, c.who.username());
        return p == null ? defaultPermission : p;
    }

    private void require(String experimentId, Ctx c, String action) {
        if (!allows(permissionOn(experimentId, c), action)) {
            throw new Forbidden();
        }
    }

    /** The auth app's {@code _get_request_param}: query args for GET, {@code request.json} otherwise. */
    private JsonNode requestParam(Ctx c, String name) {
        JsonNode args;
        if (c.method.equals("GET")) {
            ObjectNode o = F.objectNode();
            c.query.forEach((k, v) -> o.put(k, v.get(0)));
            args = o;
        } else {
            String ct = c.header("Content-Type");
            String mime = ct == null ? "" : ct.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!(mime.equals(JSON) || (mime.startsWith("application/") && mime.endsWith("+json")))) {
                throw HttpError.unsupportedMediaType();
            }
            args = c.bodyJson();
            if (args == null) {
                throw HttpError.badRequest();
            }
        }
        if (!args.isObject() || !args.has(name)) {
            if (name.equals("run_id")) {
                return requestParam(c, "run_uuid");
            }
            throw MlflowError.invalidParameter(Validation.missingValue(name) + Validation.API_DOCS);
        }
        return args.get(name);
    }

    private void requireExperiment(Ctx c, String param, String action) {
        require(PyJson.str(requestParam(c, param)), c, action);
    }

    private void requireReadExperimentByName(Ctx c) {
        String name = PyJson.str(requestParam(c, "experiment_name"));
        Store.Exp e = store.getExperimentByName(name);
        if (e == null) {
            throw MlflowError.notFound("Could not find experiment with name " + name);
        }
        require(e.id, c, "read");
    }

    private void requireRun(Ctx c, String action) {
        Store.Run r = store.getRun(PyJson.str(requestParam(c, "run_id")));
        require(r.experimentId, c, action);
    }

    private void requireRunArg(Ctx c) {
        String runId = c.arg("run_id") != null ? c.arg("run_id") : c.arg("run_uuid");
        require(store.getRun(runId == null ? "None" : runId).experimentId, c, "read");
    }

    private void requireLoggedModel(Ctx c, String action) {
        String id = c.pathParam.endsWith("/params") ? c.pathParam.substring(0, c.pathParam.length() - 7) : c.pathParam;
        require(store.getLoggedModel(id).experimentId, c, action);
    }

    private void requireArtifactProxy(Ctx c, String action) {
        if (c.pathParam == null) {
            if (!allows(defaultPermission, action)) {
                throw new Forbidden();
            }
            return;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)/").matcher(c.pathParam);
        String permission = m.find() ? permissionOn(m.group(1), c) : defaultPermission;
        if (!allows(permission, action)) {
            throw new Forbidden();
        }
    }

    private void requireSelf(Ctx c) {
        String username = PyJson.str(requestParam(c, "username"));
        if (!username.equals(c.who.username())) {
            throw new Forbidden();
        }
    }

    // ============================================================================================ request parsing

    /** {@code _validate_content_type}: only POST and PUT are checked. */
    private static void validateContentType(Ctx c) {
        if (!c.method.equals("POST") && !c.method.equals("PUT")) {
            return;
        }
        String ct = c.header("Content-Type");
        if (ct == null) {
            throw MlflowError.invalidParameter("Bad Request. Content-Type header is missing.");
        }
        if (!ct.split(";", -1)[0].equals(JSON)) {
            throw MlflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
        }
    }

    /** {@code _get_request_json}: content type check, then the body as JSON or {@code null}. */
    private static JsonNode requestJson(Ctx c) {
        validateContentType(c);
        return c.bodyJson();
    }

    /** A schema: for each field, MLflow's {@code _assert_*} checks in order. */
    static final class Schema {
        final LinkedHashMap<String, List<Check>> fields = new LinkedHashMap<>();

        Schema f(String name, Check... checks) {
            fields.put(name, List.of(checks));
            return this;
        }
    }

    /** One {@code _assert_*} function; {@code type} ones are skipped when the proto parsed. */
    record Check(String name, boolean type, CheckFn fn) {
    }

    @FunctionalInterface
    interface CheckFn {
        /** Throws {@link AssertFail} for Python's {@code AssertionError}; other failures are the 500 page. */
        void check(JsonNode value) throws AssertFail;
    }

    static final class AssertFail extends Exception {
        final String message;

        AssertFail(String message) {
            super(message, null, false, false);
            this.message = message;
        }
    }

    private static boolean isNone(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    static final Check REQUIRED = new Check("required", false, v -> {
        if (isNone(v) || (v.isTextual() && v.textValue().isEmpty())) {
            throw new AssertFail(null);
        }
    });
    static final Check STRING = new Check("string", true, v -> {
        if (isNone(v) || !v.isTextual()) {
            throw new AssertFail(null);
        }
    });
    static final Check ARRAY = new Check("array", true, v -> {
        if (isNone(v) || !v.isArray()) {
            throw new AssertFail(null);
        }
    });
    static final Check INTLIKE = new Check("intlike", true, v -> {
        try {
            Proto.pyInt(v);
        } catch (Proto.PyValueError e) {
            throw new AssertFail(null);
        }
    });
    static final Check FLOATLIKE = new Check("floatlike", true, v -> {
        try {
            Proto.pyFloat(v);
        } catch (Proto.PyValueError e) {
            throw new AssertFail(null);
        }
    });
    static final Check ITEM_TYPE_STRING = new Check("item_type_string", true, v -> {
        if (isNone(v) || v.isNumber() || v.isBoolean()) {
            throw HttpError.internal(); // not iterable
        }
        if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    throw new AssertFail(null);
                }
            }
        }
    });
    static final Check MAX_50000 = new Check("le_50000", false, v -> {
        BigInteger n;
        try {
            n = Proto.pyInt(v);
        } catch (Proto.PyValueError e) {
            throw HttpError.internal(); // ValueError from int(x)
        }
        if (n.compareTo(BigInteger.valueOf(50000)) > 0) {
            throw new AssertFail(null);
        }
    });

    /** {@code _assert_*_fields_present} of log-batch: each item must be a dict with the given keys set. */
    static Check fieldsPresent(String path, String... keys) {
        return new Check("fields_present", false, v -> {
            if (isNone(v) || !(v.isArray() || v.isTextual() || v.isObject())) {
                throw HttpError.internal(); // enumerate(None)
            }
            if (!v.isArray()) {
                if (v.isTextual() && !v.textValue().isEmpty() || v.isObject() && !v.isEmpty()) {
                    throw HttpError.internal(); // str/dict items have no .get
                }
                return;
            }
            int idx = 0;
            for (JsonNode item : v) {
                if (!item.isObject()) {
                    throw HttpError.internal();
                }
                for (String k : keys) {
                    JsonNode x = item.get(k);
                    if (isNone(x) || (x.isTextual() && x.textValue().isEmpty())) {
                        throw new AssertFail(Validation.missingValue(path + "[" + idx + "]." + k));
                    }
                }
                idx++;
            }
        });
    }

    /** {@code _get_request_message}: builds the request dict, runs ParseDict, then the schema. */
    private Proto.Msg message(Ctx c, Proto.Desc desc, Schema schema) {
        ObjectNode json;
        if (c.method.equals("GET") && !c.query.isEmpty()) {
            json = F.objectNode();
            for (Proto.Field f : desc.fields.values()) {
                List<String> values = c.query.get(f.name());
                if (values == null) {
                    continue;
                }
                if (f.repeated()) {
                    ArrayNode arr = json.putArray(f.name());
                    values.forEach(arr::add);
                } else {
                    json.put(f.name(), values.get(0));
                }
            }
        } else {
            JsonNode parsed = requestJson(c);
            if (parsed != null && parsed.isTextual()) {
                try {
                    parsed = Json.loads(parsed.textValue()); // double-encoded JSON from old clients
                } catch (IllegalArgumentException e) {
                    throw HttpError.internal();
                }
            }
            if (parsed == null || parsed.isNull()) {
                json = F.objectNode();
            } else if (parsed.isObject()) {
                json = ((ObjectNode) parsed).deepCopy();
            } else {
                throw HttpError.internal();
            }
        }
        stringifyExperimentIds(json);
        Proto.Msg msg = new Proto.Msg(desc);
        boolean parsedOk = Proto.parseDict(json, msg);
        if (schema != null) {
            for (Map.Entry<String, List<Check>> e : schema.fields.entrySet()) {
                String key = e.getKey();
                boolean required = e.getValue().contains(REQUIRED);
                if (!json.has(key) && !required) {
                    continue;
                }
                JsonNode value = json.get(key);
                if (key.equals("run_id") && isNone(value) && json.has("run_uuid")) {
                    value = json.get("run_uuid");
                }
                for (Check check : e.getValue()) {
                    if (check.type() && parsedOk) {
                        continue;
                    }
                    try {
                        check.fn().check(value);
                    } catch (AssertFail fail) {
                        String message = fail.message != null ? fail.message
                                : check == REQUIRED ? Validation.missingValue(key)
                                : Validation.invalidValue(key, isNone(value) ? F.nullNode() : value,
                                " Hint: Value was of type '" + PyJson.typeName(value) + "'.");
                        throw MlflowError.invalidParameter(message + Validation.API_DOCS);
                    }
                }
            }
        }
        return msg;
    }

    /** {@code _stringify_all_experiment_ids}: {@code str()} of every {@code experiment_id(s)} value. */
    private static void stringifyExperimentIds(JsonNode x) {
        if (x instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String k : names) {
                JsonNode v = o.get(k);
                if (k.equals("experiment_id")) {
                    o.put(k, PyJson.str(v));
                } else if (k.equals("experiment_ids")) {
                    ArrayNode arr = F.arrayNode();
                    if (v.isArray()) {
                        v.forEach(w -> arr.add(PyJson.str(w)));
                    } else if (v.isTextual()) {
                        v.textValue().codePoints().forEach(cp -> arr.add(new String(Character.toChars(cp))));
                    } else if (v.isObject()) {
                        v.fieldNames().forEachRemaining(arr::add);
                    } else {
                        throw HttpError.internal(); // not iterable
                    }
                    o.set(k, arr);
                } else if (k.equals("info") && v.isObject() && v.has("experiment_id") && v.has("run_uuid")) {
                    ((ObjectNode) v).put("experiment_id", PyJson.str(v.get("experiment_id")));
                } else if (!List.of("params", "tags", "metrics").contains(k)) {
                    stringifyExperimentIds(v);
                }
            }
        } else if (x instanceof ArrayNode a) {
            a.forEach(Dispatcher::stringifyExperimentIds);
        }
    }

    private static Response ok(JsonNode body) {
        return Response.of(200, JSON, PyJson.wire(body));
    }

    private static Response ok() {
        return Response.of(200, JSON, "{}");
    }

    /** Flask's {@code jsonify}: sorted keys, compact, a trailing newline. */
    private static Response jsonify(JsonNode body) {
        return Response.of(200, JSON, PyJson.dumpsCompactSorted(body) + "\n");
    }

    private static List<Store.KeyValue> keyValues(List<Proto.Msg> msgs) {
        List<Store.KeyValue> out = new ArrayList<>();
        for (Proto.Msg m : msgs) {
            out.add(new Store.KeyValue(m.str("key"), m.str("value")));
        }
        return out;
    }

    private static String runId(Proto.Msg m) {
        String id = m.str("run_id");
        return id.isEmpty() ? m.str("run_uuid") : id;
    }

    // ============================================================================================ experiments

    private Response createExperiment(Ctx c) {
        Proto.Msg m = message(c, Proto.CREATE_EXPERIMENT, new Schema().f("name", REQUIRED, STRING)
                .f("artifact_location", STRING).f("tags", ARRAY));
        String location = m.str("artifact_location");
        if (location.contains("#") || location.matches("(?s)^(https?|ftp|file|sftp)://[^?#]*;.*")) {
            throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
        }
        String id = store.createExperiment(m.str("name"), location, keyValues(m.msgs("tags")));
        if (authEnabled && c.who != null && c.who.username() != null) {
            store.createExperimentPermission(id, c.who.username(), "MANAGE");
        }
        ObjectNode body = F.objectNode().put("experiment_id", id);
        return ok(body);
    }

    private Response getExperiment(Ctx c) {
        Proto.Msg m = message(c, Proto.GET_EXPERIMENT, new Schema().f("experiment_id", REQUIRED, STRING));
        ObjectNode body = F.objectNode();
        body.set("experiment", Store.experimentJson(store.getExperiment(m.str("experiment_id"))));
        return ok(body);
    }

    private Response getExperimentByName(Ctx c) {
        Proto.Msg m = message(c, Proto.GET_EXPERIMENT_BY_NAME, new Schema().f("experiment_name", REQUIRED, STRING));
        Store.Exp e = store.getExperimentByName(m.str("experiment_name"));
        if (e == null) {
            throw MlflowError.notFound("Could not find experiment with name '" + m.str("experiment_name") + "'");
        }
        ObjectNode body = F.objectNode();
        body.set("experiment", Store.experimentJson(e));
        return ok(body);
    }

    private Response searchExperiments(Ctx c) {
        Proto.Msg m = message(c, Proto.SEARCH_EXPERIMENTS, new Schema().f("view_type", INTLIKE)
                .f("max_results", INTLIKE).f("order_by", ARRAY).f("filter", STRING).f("page_token", STRING));
        long max = m.values.containsKey("max_results") ? m.i64("max_results") : 1000;
        Store.Page<Store.Exp> page = store.searchExperiments(m.enumName("view_type"), max, m.str("filter"),
                m.strs("order_by"), m.str("page_token"));
        if (authEnabled && c.who != null && !c.who.admin()) {
            page = new Store.Page<>(page.items().stream().filter(e -> allows(permissionOn(e.id, c), "read")).toList(),
                    page.nextPageToken());
        }
        ObjectNode body = F.objectNode();
        if (!page.items().isEmpty()) {
            ArrayNode arr = body.putArray("experiments");
            page.items().forEach(e -> arr.add(Store.experimentJson(e)));
        }
        if (page.nextPageToken() != null) {
            body.put("next_page_token", page.nextPageToken());
        }
        return ok(body);
    }

    private Response deleteExperiment(Ctx c) {
        Proto.Msg m = message(c, Proto.DELETE_EXPERIMENT, new Schema().f("experiment_id", REQUIRED, STRING));
        store.deleteExperiment(m.str("experiment_id"));
        return ok();
    }

    private Response restoreExperiment(Ctx c) {
        Proto.Msg m = message(c, Proto.DELETE_EXPERIMENT, new Schema().f("experiment_id", REQUIRED, STRING));
        store.restoreExperiment(m.str("experiment_id"));
        return ok();
    }

    private Response updateExperiment(Ctx c) {
        Proto.Msg m = message(c, Proto.UPDATE_EXPERIMENT, new Schema().f("experiment_id", REQUIRED, STRING)
                .f("new_name", STRING, REQUIRED));
        if (!m.str("new_name").isEmpty()) {
            store.renameExperiment(m.str("experiment_id"), m.str("new_name"));
        }
        return ok();
    }

    private Response setExperimentTag(Ctx c) {
        Proto.Msg m = message(c, Proto.SET_EXPERIMENT_TAG, new Schema().f("experiment_id", REQUIRED, STRING)
                .f("key", REQUIRED, STRING).f("value", STRING));
        store.setExperimentTag(m.str("experiment_id"), m.str("key"), m.str("value"));
        return ok();
    }

    // ============================================================================================ runs

    private Response createRun(Ctx c) {
        Proto.Msg m = message(c, Proto.CREATE_RUN, new Schema().f("experiment_id", STRING).f("start_time", INTLIKE)
                .f("run_name", STRING));
        Store.Run r = store.createRun(m.str("experiment_id"), m.str("user_id"), m.i64("start_time"),
                keyValues(m.msgs("tags")), m.str("run_name"));
        ObjectNode body = F.objectNode();
        body.set("run", store.runJson(r));
        return ok(body);
    }

    private Response updateRun(Ctx c) {
        Proto.Msg m = message(c, Proto.UPDATE_RUN, new Schema().f("run_id", REQUIRED, STRING).f("end_time", INTLIKE)
                .f("status", STRING).f("run_name", STRING));
        String runName = m.values.containsKey("run_name") ? m.str("run_name") : null;
        Long endTime = m.values.containsKey("end_time") ? m.i64("end_time") : null;
        Store.Run r = store.updateRunInfo(runId(m), m.enumName("status"), endTime, runName);
        ObjectNode body = F.objectNode();
        body.set("run_info", Store.runInfoJson(r));
        return ok(body);
    }

    private Response deleteRun(Ctx c) {
        Proto.Msg m = message(c, Proto.RUN_ID_ONLY, new Schema().f("run_id", REQUIRED, STRING));
        store.deleteRun(m.str("run_id"));
        return ok();
    }

    private Response restoreRun(Ctx c) {
        Proto.Msg m = message(c, Proto.RUN_ID_ONLY, new Schema().f("run_id", REQUIRED, STRING));
        store.restoreRun(m.str("run_id"));
        return ok();
    }

    private Response getRun(Ctx c) {
        Proto.Msg m = message(c, Proto.RUN_ID_ONLY, new Schema().f("run_id", REQUIRED, STRING));
        ObjectNode body = F.objectNode();
        body.set("run", store.runJson(store.getRun(runId(m))));
        return ok(body);
    }

    private Response logMetric(Ctx c) {
        Proto.Msg m = message(c, Proto.LOG_METRIC, new Schema().f("run_id", REQUIRED, STRING)
                .f("key", REQUIRED, STRING).f("value", REQUIRED, FLOATLIKE).f("timestamp", INTLIKE, REQUIRED)
                .f("step", INTLIKE).f("model_id", STRING).f("dataset_name", STRING).f("dataset_digest", STRING));
        store.logMetric(runId(m), new Store.MetricIn(m.str("key"), m.dbl("value"), m.i64("timestamp"),
                m.i64("step")));
        return ok();
    }

    private Response logParam(Ctx c) {
        Proto.Msg m = message(c, Proto.LOG_PARAM, new Schema().f("run_id", REQUIRED, STRING)
                .f("key", REQUIRED, STRING).f("value", STRING));
        store.logParam(runId(m), m.str("key"), m.str("value"));
        return ok();
    }

    private Response setTag(Ctx c) {
        Proto.Msg m = message(c, Proto.SET_TAG, new Schema().f("run_id", REQUIRED, STRING)
                .f("key", REQUIRED, STRING).f("value", STRING));
        store.setTag(runId(m), m.str("key"), m.str("value"));
        return ok();
    }

    private Response deleteTag(Ctx c) {
        Proto.Msg m = message(c, Proto.DELETE_TAG, new Schema().f("run_id", REQUIRED, STRING)
                .f("key", REQUIRED, STRING));
        store.deleteTag(m.str("run_id"), m.str("key"));
        return ok();
    }

    private Response logBatch(Ctx c) {
        JsonNode raw = requestJson(c);
        // _validate_batch_log_api_req(len(json)): None or a number has no len(); only a string can be long
        if (raw == null || raw.isNumber() || raw.isBoolean()) {
            throw HttpError.internal();
        }
        if (raw.isTextual() && Validation.pyLen(raw.textValue()) > Validation.MAX_BATCH_LOG_REQUEST_SIZE) {
            throw MlflowError.invalidParameter("Batched logging API requests must be at most "
                    + Validation.MAX_BATCH_LOG_REQUEST_SIZE + " bytes, got a request of size "
                    + Validation.pyLen(raw.textValue()) + ".");
        }
        Proto.Msg m = message(c, Proto.LOG_BATCH, new Schema().f("run_id", STRING, REQUIRED)
                .f("metrics", ARRAY, fieldsPresent("metrics", "key", "value", "timestamp"))
                .f("params", ARRAY, fieldsPresent("params", "key"))
                .f("tags", ARRAY, fieldsPresent("tags", "key")));
        List<Store.MetricIn> metrics = new ArrayList<>();
        for (Proto.Msg x : m.msgs("metrics")) {
            metrics.add(new Store.MetricIn(x.str("key"), x.dbl("value"), x.i64("timestamp"), x.i64("step")));
        }
        store.logBatch(m.str("run_id"), metrics, keyValues(m.msgs("params")), keyValues(m.msgs("tags")));
        return ok();
    }

    private Response logModel(Ctx c) {
        Proto.Msg m = message(c, Proto.LOG_MODEL, new Schema().f("run_id", STRING, REQUIRED)
                .f("model_json", STRING, REQUIRED));
        JsonNode model;
        try {
            model = Json.loads(m.str("model_json"));
        } catch (IllegalArgumentException e) {
            throw MlflowError.invalidParameter("Malformed model info. \n " + m.str("model_json")
                    + " \n is not a valid JSON.");
        }
        if (!model.isObject()) {
            throw HttpError.internal(); // model.keys()
        }
        List<String> missing = new ArrayList<>();
        for (String k : List.of("artifact_path", "flavors", "utc_time_created", "run_id")) {
            if (!model.has(k)) {
                missing.add(PyJson.reprString(k));
            }
        }
        if (!missing.isEmpty()) {
            throw MlflowError.invalidParameter("Model json is missing mandatory fields: {" + String.join(", ", missing)
                    + "}");
        }
        store.recordLoggedModel(m.str("run_id"), (ObjectNode) model);
        return ok();
    }

    private Response logInputs(Ctx c) {
        Proto.Msg m = message(c, Proto.LOG_INPUTS, new Schema().f("run_id", REQUIRED, STRING).f("datasets", ARRAY)
                .f("models", ARRAY));
        List<ObjectNode> inputs = new ArrayList<>();
        for (Proto.Msg d : m.msgs("datasets")) {
            ObjectNode in = F.objectNode();
            if (!d.msgs("tags").isEmpty()) {
                ArrayNode tags = in.putArray("tags");
                keyValues(d.msgs("tags")).forEach(t -> tags.addObject().put("key", t.key()).put("value", t.value()));
            }
            Proto.Msg ds = d.values.get("dataset") instanceof Proto.Msg x ? x : new Proto.Msg(Proto.DATASET);
            ObjectNode dj = in.putObject("dataset");
            for (String f : List.of("name", "digest", "source_type", "source", "schema", "profile")) {
                if (ds.values.containsKey(f) || List.of("name", "digest", "source_type", "source").contains(f)) {
                    dj.put(f, ds.str(f));
                }
            }
            inputs.add(in);
        }
        store.logInputs(m.str("run_id"), inputs);
        return ok();
    }

    private Response searchRuns(Ctx c) {
        Proto.Msg m = message(c, Proto.SEARCH_RUNS, new Schema().f("experiment_ids", ARRAY).f("filter", STRING)
                .f("max_results", INTLIKE, MAX_50000).f("order_by", ARRAY, ITEM_TYPE_STRING));
        int max = m.values.containsKey("max_results") ? (int) m.i64("max_results") : 1000;
        Store.Page<Store.Run> page = store.searchRuns(m.strs("experiment_ids"), m.str("filter"),
                m.enumName("run_view_type"), max, m.strs("order_by"), m.str("page_token"));
        List<Store.Run> items = page.items();
        if (authEnabled && c.who != null && !c.who.admin()) {
            items = items.stream().filter(r -> allows(permissionOn(r.experimentId, c), "read")).toList();
        }
        ObjectNode body = F.objectNode();
        if (!items.isEmpty()) {
            ArrayNode arr = body.putArray("runs");
            items.forEach(r -> arr.add(store.runJson(r)));
        }
        if (page.nextPageToken() != null) {
            body.put("next_page_token", page.nextPageToken());
        }
        return ok(body);
    }

    private Response getMetricHistory(Ctx c) {
        Proto.Msg m = message(c, Proto.GET_METRIC_HISTORY, new Schema().f("run_id", STRING, REQUIRED)
                .f("metric_key", STRING, REQUIRED).f("page_token", STRING));
        int max = m.values.containsKey("max_results") ? (int) m.i64("max_results") : 25000;
        if (max < 1) {
            max = 25000;
        }
        Store.Page<Store.StoredMetric> page = store.getMetricHistory(runId(m), m.str("metric_key"), max,
                m.str("page_token"));
        ObjectNode body = F.objectNode();
        if (!page.items().isEmpty()) {
            ArrayNode arr = body.putArray("metrics");
            page.items().forEach(x -> arr.add(Store.metricJson(x)));
        }
        if (page.nextPageToken() != null) {
            body.put("next_page_token", page.nextPageToken());
        }
        return ok(body);
    }

    private Response listArtifacts(Ctx c) {
        Proto.Msg m = message(c, Proto.LIST_ARTIFACTS, new Schema().f("run_id", STRING, REQUIRED)
                .f("path", STRING).f("page_token", STRING));
        String path = m.values.containsKey("path") ? Validation.validatePathIsSafe(m.str("path")) : null;
        Store.Run r = store.getRun(runId(m));
        ObjectNode body = F.objectNode();
        body.put("root_uri", r.artifactUri);
        String root = Store.proxiedRootPath(r.artifactUri);
        if (root != null) {
            String dest = path == null ? root : joinPosix(root, path);
            List<Store.FileInfo> files = store.listArtifacts(dest);
            if (!files.isEmpty()) {
                ArrayNode arr = body.putArray("files");
                for (Store.FileInfo f : files) {
                    String base = f.path().substring(f.path().lastIndexOf('/') + 1);
                    arr.add(fileInfoJson(path == null || path.isEmpty() ? base : joinPosix(path, base), f));
                }
            }
        }
        return ok(body);
    }

    /** Python's {@code posixpath.join(a, b)}. */
    static String joinPosix(String a, String b) {
        if (b.startsWith("/")) {
            return b;
        }
        if (a.isEmpty() || a.endsWith("/")) {
            return a + b;
        }
        return a + "/" + b;
    }

    private static ObjectNode fileInfoJson(String path, Store.FileInfo f) {
        ObjectNode o = F.objectNode();
        o.put("path", path);
        o.put("is_dir", f.isDir());
        if (!f.isDir()) {
            o.put("file_size", f.size());
        }
        return o;
    }

    /** The UI's {@code /get-artifact?run_uuid=...&path=...}. */
    private Response getArtifactUi(Ctx c) {
        String runId = c.arg("run_id") != null && !c.arg("run_id").isEmpty() ? c.arg("run_id") : c.arg("run_uuid");
        String path = c.arg("path");
        if (path == null) {
            throw HttpError.badRequest(); // request.args["path"]
        }
        path = Validation.validatePathIsSafe(path);
        Store.Run r = store.getRun(runId == null ? "None" : runId);
        String root = Store.proxiedRootPath(r.artifactUri);
        if (root == null) {
            throw HttpError.internal();
        }
        byte[] bytes = store.getArtifactFile(joinPosix(root, path));
        if (bytes == null) {
            throw HttpError.internal(); // OSError: No such file or directory
        }
        return fileResponse(path, bytes);
    }

    private static Response fileResponse(String path, byte[] bytes) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", guessMimeType(name));
        h.put("Content-Disposition", "attachment; filename=" + name);
        h.put("X-Content-Type-Options", "nosniff");
        return new Response(200, h, bytes);
    }

    /** {@code _guess_mime_type}: {@code mimetypes.guess_type}, else {@code application/octet-stream}. */
    static String guessMimeType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        String ext = dot < 0 ? "" : lower.substring(dot + 1);
        return switch (ext) {
            case "txt", "log", "text" -> "text/plain";
            case "json" -> "application/json";
            case "yaml", "yml" -> "application/yaml";
            case "csv" -> "text/csv";
            case "html", "htm" -> "text/html";
            case "png" -> "image/png";
            case "jpg", "jpeg" -> "image/jpeg";
            case "gif" -> "image/gif";
            case "svg" -> "image/svg+xml";
            case "zip" -> "application/zip";
            case "gz" -> "application/gzip";
            case "pdf" -> "application/pdf";
            case "py" -> "text/x-python";
            case "md" -> "text/markdown";
            case "xml" -> "application/xml";
            default -> "application/octet-stream";
        };
    }

    // ============================================================================================ proxied artifacts

    private Response listProxiedArtifacts(Ctx c) {
        Proto.Msg m = message(c, Proto.LIST_ARTIFACTS_PROXY, null);
        String path = m.values.containsKey("path") ? Validation.validatePathIsSafe(m.str("path")) : null;
        ObjectNode body = F.objectNode();
        List<Store.FileInfo> files = store.listArtifacts(path);
        if (!files.isEmpty()) {
            ArrayNode arr = body.putArray("files");
            for (Store.FileInfo f : files) {
                arr.add(fileInfoJson(f.path().substring(f.path().lastIndexOf('/') + 1), f));
            }
        }
        return ok(body);
    }

    private Response downloadArtifact(Ctx c) {
        String path = Validation.validatePathIsSafe(c.pathParam);
        byte[] bytes = store.getArtifactFile(path);
        if (bytes == null) {
            throw new MlflowError(MlflowError.INTERNAL_ERROR, "The following failures occurred while downloading one or"
                    + " more artifacts from " + Store.ARTIFACT_ROOT + ":\n##### File " + path + " #####\n[Errno 2] No"
                    + " such file or directory: '" + Store.ARTIFACT_ROOT + "/" + path + "'");
        }
        return fileResponse(path, bytes);
    }

    private Response uploadArtifact(Ctx c) {
        String path = Validation.validatePathIsSafe(c.pathParam);
        if (path.endsWith("/")) {
            throw HttpError.internal(); // open() on the temp directory
        }
        store.putArtifact(path, c.body);
        return ok();
    }

    private Response deleteArtifact(Ctx c) {
        String path = Validation.validatePathIsSafe(c.pathParam);
        message(c, Proto.EMPTY, null);
        store.deleteArtifacts(path);
        return ok();
    }

    // ============================================================================================ MLflow 3 models

    private Response createLoggedModel(Ctx c) {
        Proto.Msg m = message(c, Proto.CREATE_LOGGED_MODEL, new Schema().f("experiment_id", STRING, REQUIRED)
                .f("name", STRING).f("model_type", STRING).f("source_run_id", STRING).f("params", ARRAY)
                .f("tags", ARRAY));
        Store.LoggedModel lm = store.createLoggedModel(m.str("experiment_id"), m.str("name"), m.str("model_type"),
                m.str("source_run_id"), keyValues(m.msgs("params")), keyValues(m.msgs("tags")));
        ObjectNode body = F.objectNode();
        body.set("model", Store.loggedModelJson(lm));
        return ok(body);
    }

    private Response getLoggedModel(Ctx c) {
        ObjectNode body = F.objectNode();
        body.set("model", Store.loggedModelJson(store.getLoggedModel(c.pathParam)));
        return ok(body);
    }

    private Response finalizeLoggedModel(Ctx c) {
        Proto.Msg m = message(c, Proto.FINALIZE_LOGGED_MODEL, new Schema().f("status", REQUIRED));
        String status = m.enumName("status");
        if (status == null || status.equals("LOGGED_MODEL_STATUS_UNSPECIFIED")) {
            throw MlflowError.invalidParameter(Validation.invalidValue("status",
                    c.bodyJson() == null ? F.nullNode() : c.bodyJson().path("status"), null));
        }
        ObjectNode body = F.objectNode();
        body.set("model", Store.loggedModelJson(store.finalizeLoggedModel(c.pathParam, status)));
        return ok(body);
    }

    private Response deleteLoggedModel(Ctx c) {
        store.deleteLoggedModel(c.pathParam);
        return ok();
    }

    private Response logLoggedModelParams(Ctx c) {
        Proto.Msg m = message(c, Proto.LOG_LOGGED_MODEL_PARAMS, new Schema().f("params", ARRAY));
        store.logLoggedModelParams(c.pathParam.substring(0, c.pathParam.length() - 7), keyValues(m.msgs("params")));
        return ok();
    }

    private Response logOutputs(Ctx c) {
        Proto.Msg m = message(c, Proto.LOG_OUTPUTS, new Schema().f("run_id", REQUIRED, STRING)
                .f("models", REQUIRED, ARRAY));
        List<ObjectNode> outs = new ArrayList<>();
        for (Proto.Msg x : m.msgs("models")) {
            outs.add(F.objectNode().put("model_id", x.str("model_id")).put("step", x.i64("step")));
        }
        store.logOutputs(m.str("run_id"), outs);
        return ok();
    }

    // ============================================================================================ users (basic auth)

    private Response createUser(Ctx c) {
        String ct = c.header("Content-Type");
        if (!JSON.equals(ct)) {
            return Response.of(400, HTML, "Invalid content type. Must be one of: application/x-www-form-urlencoded,"
                    + " application/json");
        }
        String username = PyJson.str(requestParam(c, "username"));
        JsonNode password = requestParam(c, "password");
        if (isNone(password) || !password.isTextual() || Validation.pyLen(password.textValue()) < 12) {
            throw MlflowError.invalidParameter("Password must be a string longer than 12 characters.");
        }
        Store.User u = store.createUser(username, password.textValue(), false);
        return jsonify(F.objectNode().set("user", store.userJson(u)));
    }

    private Response getUser(Ctx c) {
        Store.User u = store.user(PyJson.str(requestParam(c, "username")));
        return jsonify(F.objectNode().set("user", store.userJson(u)));
    }

    private Response updatePassword(Ctx c) {
        Store.User u = store.user(PyJson.str(requestParam(c, "username")));
        JsonNode password = requestParam(c, "password");
        if (isNone(password) || !password.isTextual() || Validation.pyLen(password.textValue()) < 12) {
            throw MlflowError.invalidParameter("Password must be a string longer than 12 characters.");
        }
        u.password = password.textValue();
        return jsonify(F.objectNode());
    }

    private Response updateAdmin(Ctx c) {
        Store.User u = store.user(PyJson.str(requestParam(c, "username")));
        JsonNode admin = requestParam(c, "is_admin");
        u.admin = admin.isBoolean() ? admin.booleanValue() : PyJson.str(admin).equalsIgnoreCase("true");
        return jsonify(F.objectNode());
    }

    private Response deleteUser(Ctx c) {
        store.deleteUser(PyJson.str(requestParam(c, "username")));
        return jsonify(F.objectNode());
    }

    private String permissionArg(Ctx c) {
        String p = PyJson.str(requestParam(c, "permission"));
        if (!PERMISSIONS.contains(p)) {
            throw MlflowError.invalidParameter("Invalid permission '" + p + "'. Valid permissions are: ('READ', 'EDIT',"
                    + " 'MANAGE', 'NO_PERMISSIONS')");
        }
        return p;
    }

    private Response createPermission(Ctx c) {
        String experimentId = PyJson.str(requestParam(c, "experiment_id"));
        String username = PyJson.str(requestParam(c, "username"));
        String permission = permissionArg(c);
        store.getExperiment(experimentId);
        store.createExperimentPermission(experimentId, username, permission);
        ObjectNode body = F.objectNode();
        body.set("experiment_permission", Store.permissionJson(experimentId, store.user(username).id, permission));
        return jsonify(body);
    }

    private Response getPermission(Ctx c) {
        String experimentId = PyJson.str(requestParam(c, "experiment_id"));
        String username = PyJson.str(requestParam(c, "username"));
        String permission = store.getExperimentPermission(experimentId, username);
        ObjectNode body = F.objectNode();
        body.set("experiment_permission", Store.permissionJson(experimentId, store.user(username).id, permission));
        return jsonify(body);
    }

    private Response updatePermission(Ctx c) {
        String experimentId = PyJson.str(requestParam(c, "experiment_id"));
        String username = PyJson.str(requestParam(c, "username"));
        store.updateExperimentPermission(experimentId, username, permissionArg(c));
        return jsonify(F.objectNode());
    }

    private Response deletePermission(Ctx c) {
        String experimentId = PyJson.str(requestParam(c, "experiment_id"));
        String username = PyJson.str(requestParam(c, "username"));
        store.deleteExperimentPermission(experimentId, username);
        return jsonify(F.objectNode());
    }
}
