package dev.autolog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The tracking store, artifact store and (for basic auth) user store of the double, kept in memory. It copies
 * the behaviour of MLflow 2.22's {@code SqlAlchemyStore} on sqlite, {@code LocalArtifactRepository} under the
 * artifact root {@value #ARTIFACT_ROOT}, and the basic-auth {@code SqlAlchemyStore}. Every public method runs
 * under the store's lock.
 */
final class Store {

    static final String ARTIFACT_ROOT = "/srv/mlflow/artifacts";
    static final String RUN_NAME_TAG = "mlflow.runName";
    static final String LOGGED_MODELS_TAG = "mlflow.log-model.history";
    static final String ACTIVE = "active";
    static final String DELETED = "deleted";
    static final double MAX_DOUBLE = 1.7976931348623157e308;
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    static final class Exp {
        String id;
        String name;
        String artifactLocation;
        String lifecycleStage = ACTIVE;
        long creationTime;
        long lastUpdateTime;
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>();
    }

    static final class StoredMetric {
        final String key;
        final double sqlValue;
        final boolean isNan;
        final long timestamp;
        final long step;

        StoredMetric(String key, double value, long timestamp, long step) {
            this.key = key;
            this.isNan = Double.isNaN(value);
            this.sqlValue = isNan ? 0 : Double.isInfinite(value) ? (value > 0 ? MAX_DOUBLE : -MAX_DOUBLE) : value;
            this.timestamp = timestamp;
            this.step = step;
        }

        double value() {
            return isNan ? Double.NaN : sqlValue;
        }

        /** The same row to the sqlite store's primary key (key, timestamp, step, value, is_nan). */
        @Override
        public boolean equals(Object other) {
            return other instanceof StoredMetric o && key.equals(o.key) && Double.compare(sqlValue, o.sqlValue) == 0
                    && isNan == o.isNan && timestamp == o.timestamp && step == o.step;
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, sqlValue, isNan, timestamp, step);
        }

        /** {@code (step, timestamp, value) > (step, timestamp, value)} as the latest-metric update compares. */
        boolean newerThan(StoredMetric o) {
            if (step != o.step) {
                return step > o.step;
            }
            if (timestamp != o.timestamp) {
                return timestamp > o.timestamp;
            }
            return sqlValue > o.sqlValue;
        }

        MetricPoint toPoint() {
            return new MetricPoint(key, value(), timestamp, step);
        }
    }

    static final class Run {
        String id;
        String experimentId;
        String name;
        String userId;
        String status = "RUNNING";
        long startTime;
        Long endTime;
        String artifactUri;
        String lifecycleStage = ACTIVE;
        Long deletedTime;
        final LinkedHashMap<String, String> params = new LinkedHashMap<>();
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        final List<StoredMetric> history = new ArrayList<>();
        /** The rows of {@link #history}, for a constant-time duplicate check. */
        final Set<StoredMetric> rows = new HashSet<>();
        final LinkedHashMap<String, StoredMetric> latest = new LinkedHashMap<>();
        final List<ObjectNode> datasetInputs = new ArrayList<>();
        final List<ObjectNode> modelOutputs = new ArrayList<>();
    }

    static final class LoggedModel {
        String id;
        String experimentId;
        String name;
        String status = "LOGGED_MODEL_PENDING";
        String artifactUri;
        String sourceRunId;
        String modelType;
        long creationTime;
        long lastUpdatedTime;
        final LinkedHashMap<String, String> params = new LinkedHashMap<>();
        final LinkedHashMap<String, String> tags = new LinkedHashMap<>();
    }

    static final class User {
        int id;
        String username;
        String password;
        boolean admin;
    }

    record MetricIn(String key, double value, long timestamp, long step) {
    }

    record KeyValue(String key, String value) {
    }

    record Page<T>(List<T> items, String nextPageToken) {
    }

    private final Random random;
    private final boolean mlflow3;
    private final LinkedHashMap<String, Exp> experiments = new LinkedHashMap<>();
    private int nextExperimentId = 1;
    private final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();
    private final TreeMap<String, byte[]> artifacts = new TreeMap<>();
    private final LinkedHashMap<String, LoggedModel> models = new LinkedHashMap<>();
    private final LinkedHashMap<String, User> users = new LinkedHashMap<>();
    private int nextUserId = 1;
    /** (experiment id, username) to permission name; insertion order. */
    private final LinkedHashMap<List<String>, String> experimentPermissions = new LinkedHashMap<>();

    Store(Random random, boolean mlflow3) {
        this.random = random;
        this.mlflow3 = mlflow3;
        Exp d = new Exp();
        d.id = "0";
        d.name = "Default";
        d.artifactLocation = "mlflow-artifacts:/0";
        d.creationTime = now();
        d.lastUpdateTime = d.creationTime;
        experiments.put(d.id, d);
    }

    static long now() {
        return System.currentTimeMillis();
    }

    // ------------------------------------------------------------------------------------------ experiments

    synchronized String createExperiment(String name, String artifactLocation, List<KeyValue> tags) {
        Validation.validateExperimentName(name);
        String location = artifactLocation == null || artifactLocation.isEmpty() ? null
                : resolveUriIfLocal(artifactLocation);
        long t = now();
        for (Exp e : experiments.values()) {
            if (e.name.equals(name)) {
                String sql = "(sqlite3.IntegrityError) UNIQUE constraint failed: experiments.name\n"
                        + "[SQL: INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time,"
                        + " last_update_time) VALUES (?, ?, ?, ?, ?)]\n[parameters: (" + PyJson.reprString(name) + ", "
                        + PyJson.reprString(location == null ? "" : location) + ", 'active', " + t + ", " + t + ")]\n"
                        + "(Background on this error at: https://sqlalche.me/e/14/gkpj)";
                if (location == null) {
                    // The id lookup that follows the insert autoflushes inside the store's try block.
                    throw new MlflowError(MlflowError.RESOURCE_ALREADY_EXISTS, "Experiment(name=" + name
                            + ") already exists. Error: (raised as a result of Query-invoked autoflush; consider using"
                            + " a session.no_autoflush block if this flush is occurring prematurely)\n" + sql);
                }
                // With a given location there is no lookup; the flush fails outside that block.
                throw new MlflowError(MlflowError.BAD_REQUEST, sql);
            }
        }
        Exp e = new Exp();
        e.id = Integer.toString(nextExperimentId++);
        e.name = name;
        e.artifactLocation = location == null ? "mlflow-artifacts:/" + e.id : location;
        e.creationTime = t;
        e.lastUpdateTime = t;
        for (KeyValue kv : tags) {
            e.tags.put(kv.key(), kv.value());
        }
        experiments.put(e.id, e);
        return e.id;
    }

    /** {@code resolve_uri_if_local}: a path without a scheme becomes an absolute {@code file://} URI. */
    private static String resolveUriIfLocal(String uri) {
        int colon = uri.indexOf(':');
        boolean hasScheme = colon > 1 && uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
        if (hasScheme) {
            return uri;
        }
        return "file://" + Path.of(uri).toAbsolutePath().normalize();
    }

    /** {@code _get_experiment}: looks the id up as sqlite compares it with an INTEGER column. */
    private Exp findExperiment(String id) {
        String key = id.isEmpty() ? "0" : id;
        Exp e = experiments.get(key);
        if (e == null) {
            try {
                java.math.BigDecimal n = new java.math.BigDecimal(key.trim());
                if (n.signum() == 0 || n.stripTrailingZeros().scale() <= 0) {
                    e = experiments.get(n.toBigInteger().toString());
                }
            } catch (NumberFormatException ignored) {
                // not numeric: no row matches
            }
        }
        return e;
    }

    synchronized Exp getExperiment(String id) {
        Exp e = findExperiment(id);
        if (e == null) {
            throw MlflowError.notFound("No Experiment with id=" + (id.isEmpty() ? "0" : id) + " exists");
        }
        return e;
    }

    synchronized Exp getExperimentByName(String name) {
        for (Exp e : experiments.values()) {
            if (e.name.equals(name)) {
                return e;
            }
        }
        return null;
    }

    synchronized void deleteExperiment(String id) {
        Exp e = findExperiment(id);
        if (e == null || !e.lifecycleStage.equals(ACTIVE)) {
            throw MlflowError.notFound("No Experiment with id=" + id + " exists");
        }
        e.lifecycleStage = DELETED;
        e.lastUpdateTime = now();
        for (Run r : runs.values()) {
            if (r.experimentId.equals(e.id)) {
                r.lifecycleStage = DELETED;
                r.deletedTime = now();
            }
        }
    }

    synchronized void restoreExperiment(String id) {
        Exp e = findExperiment(id);
        if (e == null || !e.lifecycleStage.equals(DELETED)) {
            throw MlflowError.notFound("No Experiment with id=" + id + " exists");
        }
        e.lifecycleStage = ACTIVE;
        e.lastUpdateTime = now();
        for (Run r : runs.values()) {
            if (r.experimentId.equals(e.id)) {
                r.lifecycleStage = ACTIVE;
                r.deletedTime = null;
            }
        }
    }

    synchronized void renameExperiment(String id, String newName) {
        Exp e = getExperiment(id);
        if (!e.lifecycleStage.equals(ACTIVE)) {
            throw new MlflowError(MlflowError.INVALID_STATE, "Cannot rename a non-active experiment.");
        }
        e.name = newName;
        e.lastUpdateTime = now();
    }

    synchronized void setExperimentTag(String id, String key, String value) {
        Validation.validateExperimentTag(key, value);
        Validation.validateTag(key, value, "");
        Exp e = getExperiment(id);
        checkExperimentActive(e);
        e.tags.put(key, value);
    }

    private static void checkExperimentActive(Exp e) {
        if (!e.lifecycleStage.equals(ACTIVE)) {
            throw MlflowError.invalidParameter("The experiment " + e.id + " must be in the 'active' state. Current state"
                    + " is " + e.lifecycleStage + ".");
        }
    }

    synchronized Page<Exp> searchExperiments(String viewType, long maxResults, String filter, List<String> orderBy,
                                             String pageToken) {
        if (maxResults < 1) {
            throw MlflowError.invalidParameter("Invalid value " + maxResults + " for parameter 'max_results' supplied."
                    + " It must be a positive integer");
        }
        if (maxResults > 50000) {
            throw MlflowError.invalidParameter("Invalid value " + maxResults + " for parameter 'max_results' supplied."
                    + " It must be at most 50000");
        }
        List<Search.Clause> clauses = Search.parseExperimentFilter(filter);
        List<Search.OrderBy> order = Search.parseOrderBy(orderBy.isEmpty()
                ? List.of("creation_time DESC", "experiment_id ASC") : orderBy, false);
        int offset = Search.parseOffset(pageToken);
        List<Exp> matched = new ArrayList<>();
        for (Exp e : experiments.values()) {
            if (!stageVisible(e.lifecycleStage, viewType)) {
                continue;
            }
            boolean ok = true;
            for (Search.Clause c : clauses) {
                Object actual = switch (c.type()) {
                    case Search.TAG -> e.tags.get(c.key());
                    default -> switch (c.key()) {
                        case "name" -> e.name;
                        case "creation_time" -> (double) e.creationTime;
                        default -> (double) e.lastUpdateTime;
                    };
                };
                ok &= Search.compare(actual, c.comparator(), c.value());
            }
            if (ok) {
                matched.add(e);
            }
        }
        Comparator<Exp> cmp = null;
        for (Search.OrderBy o : order) {
            Comparator<Exp> c = switch (o.key()) {
                case "name" -> Comparator.comparing((Exp e) -> e.name, PyJson::comparePy);
                case "experiment_id" -> Comparator.comparingLong((Exp e) -> Long.parseLong(e.id));
                case "creation_time" -> Comparator.comparingLong((Exp e) -> e.creationTime);
                default -> Comparator.comparingLong((Exp e) -> e.lastUpdateTime);
            };
            if (!o.ascending()) {
                c = c.reversed();
            }
            cmp = cmp == null ? c : cmp.thenComparing(c);
        }
        matched.sort(cmp.thenComparingLong(e -> Long.parseLong(e.id)));
        return page(matched, offset, (int) maxResults);
    }

    private static <T> Page<T> page(List<T> all, int offset, int max) {
        int start = Math.min(offset, all.size());
        int end = (int) Math.min(all.size(), (long) start + max);
        String token = end < all.size() ? Search.pageToken(end) : null;
        return new Page<>(new ArrayList<>(all.subList(start, end)), token);
    }

    private static boolean stageVisible(String stage, String viewType) {
        return switch (viewType == null ? "ACTIVE_ONLY" : viewType) {
            case "DELETED_ONLY" -> stage.equals(DELETED);
            case "ALL" -> true;
            default -> stage.equals(ACTIVE);
        };
    }

    // ------------------------------------------------------------------------------------------ runs

    synchronized Run createRun(String experimentId, String userId, long startTime, List<KeyValue> tags,
                               String runName) {
        Exp e = getExperiment(experimentId);
        checkExperimentActive(e);
        String runNameTag = null;
        for (KeyValue t : tags) {
            if (t.key().equals(RUN_NAME_TAG)) {
                runNameTag = t.value();
                break;
            }
        }
        if (!runName.isEmpty() && runNameTag != null && !runName.equals(runNameTag)) {
            throw MlflowError.invalidParameter("Both 'run_name' argument and 'mlflow.runName' tag are specified, but"
                    + " with different values (run_name='" + runName + "', mlflow.runName='" + runNameTag + "').");
        }
        String name = !runName.isEmpty() ? runName : (runNameTag != null && !runNameTag.isEmpty() ? runNameTag
                : RunNames.generate(random));
        Run r = new Run();
        r.id = UUID.randomUUID().toString().replace("-", "");
        r.experimentId = e.id;
        r.name = name;
        r.userId = userId;
        r.startTime = startTime;
        r.artifactUri = appendToUriPath(e.artifactLocation, r.id, "artifacts");
        for (KeyValue t : tags) {
            r.tags.put(t.key(), t.value());
        }
        if (runNameTag == null) {
            r.tags.put(RUN_NAME_TAG, name);
        }
        runs.put(r.id, r);
        return r;
    }

    static String appendToUriPath(String uri, String... parts) {
        StringBuilder out = new StringBuilder(uri);
        for (String p : parts) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '/') {
                out.append('/');
            }
            out.append(p);
        }
        return out.toString();
    }

    synchronized Run getRun(String runId) {
        Run r = runs.get(runId);
        if (r == null) {
            throw MlflowError.notFound("Run with id=" + runId + " not found");
        }
        return r;
    }

    private static void checkRunActive(Run r) {
        if (!r.lifecycleStage.equals(ACTIVE)) {
            throw MlflowError.invalidParameter("The run " + r.id + " must be in the 'active' state. Current state is "
                    + r.lifecycleStage + ".");
        }
    }

    synchronized Run updateRunInfo(String runId, String status, Long endTime, String runName) {
        Run r = getRun(runId);
        checkRunActive(r);
        if (status != null) {
            r.status = status;
        }
        if (endTime != null) {
            r.endTime = endTime;
        }
        if (runName != null && !runName.isEmpty()) {
            r.name = runName;
            r.tags.put(RUN_NAME_TAG, runName);
        }
        return r;
    }

    synchronized void deleteRun(String runId) {
        Run r = getRun(runId);
        r.lifecycleStage = DELETED;
        r.deletedTime = now();
    }

    synchronized void restoreRun(String runId) {
        Run r = getRun(runId);
        r.lifecycleStage = ACTIVE;
        r.deletedTime = null;
    }

    synchronized void logMetric(String runId, MetricIn m) {
        Validation.validateMetric(m.key(), m.value(), m.timestamp(), m.step(), "");
        Run r = getRun(runId);
        checkRunActive(r);
        insertMetrics(r, List.of(m));
    }

    private static void insertMetrics(Run r, List<MetricIn> metrics) {
        // A point already stored (or twice in one request) is one row: the store ignores the repeat.
        Set<StoredMetric> fresh = new LinkedHashSet<>();
        for (MetricIn m : metrics) {
            StoredMetric s = new StoredMetric(m.key(), m.value(), m.timestamp(), m.step());
            if (!r.rows.contains(s)) {
                fresh.add(s);
            }
        }
        for (StoredMetric s : fresh) {
            r.history.add(s);
            r.rows.add(s);
            StoredMetric latest = r.latest.get(s.key);
            if (latest == null || s.newerThan(latest)) {
                r.latest.put(s.key, s);
            }
        }
    }

    synchronized void logParam(String runId, String key, String value) {
        String v = Validation.validateParam(key, value, "");
        Run r = getRun(runId);
        checkRunActive(r);
        String old = r.params.get(key);
        if (old == null) {
            r.params.put(key, v);
        } else if (!old.equals(v)) {
            throw MlflowError.invalidParameter("Changing param values is not allowed. Param with key='" + key + "' was"
                    + " already logged with value='" + old + "' for run ID='" + runId + "'. Attempted logging new"
                    + " value '" + v + "'.");
        }
    }

    synchronized void setTag(String runId, String key, String value) {
        String v = Validation.validateTag(key, value, "");
        Run r = getRun(runId);
        checkRunActive(r);
        if (key.equals(RUN_NAME_TAG)) {
            updateRunInfo(runId, r.status, r.endTime, v);
        } else {
            r.tags.put(key, v);
        }
    }

    synchronized void deleteTag(String runId, String key) {
        Run r = getRun(runId);
        checkRunActive(r);
        if (!r.tags.containsKey(key)) {
            throw MlflowError.notFound("No tag with name: " + key + " in run with id " + runId);
        }
        r.tags.remove(key);
    }

    synchronized void logBatch(String runId, List<MetricIn> metrics, List<KeyValue> params, List<KeyValue> tags) {
        Validation.validateRunId(runId);
        for (int i = 0; i < metrics.size(); i++) {
            MetricIn m = metrics.get(i);
            Validation.validateMetric(m.key(), m.value(), m.timestamp(), m.step(), "metrics[" + i + "]");
        }
        List<KeyValue> ps = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            KeyValue p = params.get(i);
            ps.add(new KeyValue(p.key(), Validation.validateParam(p.key(), p.value(), "params[" + i + "]")));
        }
        List<KeyValue> ts = new ArrayList<>();
        for (int i = 0; i < tags.size(); i++) {
            KeyValue t = tags.get(i);
            ts.add(new KeyValue(t.key(), Validation.validateTag(t.key(), t.value(), "tags[" + i + "]")));
        }
        Validation.validateBatchLogLimits(metrics.size(), ps.size(), ts.size());
        Validation.validateParamKeysUnique(ps.stream().map(KeyValue::key).toList());
        Run r = getRun(runId);
        checkRunActive(r);
        // params: all or nothing
        List<String> conflicts = new ArrayList<>();
        for (KeyValue p : ps) {
            String old = r.params.get(p.key());
            if (old != null && !old.equals(p.value())) {
                conflicts.add("{'key': " + PyJson.reprString(p.key()) + ", 'old_value': " + PyJson.reprString(old)
                        + ", 'new_value': " + PyJson.reprString(p.value()) + "}");
            }
        }
        if (!conflicts.isEmpty()) {
            throw MlflowError.invalidParameter("Changing param values is not allowed. Params were already logged='["
                    + String.join(", ", conflicts) + "]' for run ID='" + runId + "'.");
        }
        for (KeyValue p : ps) {
            r.params.putIfAbsent(p.key(), p.value());
        }
        insertMetrics(r, metrics);
        for (KeyValue t : ts) {
            if (t.key().equals(RUN_NAME_TAG)) {
                setTag(runId, t.key(), t.value());
            } else {
                r.tags.put(t.key(), t.value());
            }
        }
    }

    /**
     * {@code record_logged_model}: appends {@code Model.from_dict(model).get_tags_dict()} to the JSON list in the
     * {@code mlflow.log-model.history} tag.
     */
    synchronized void recordLoggedModel(String runId, ObjectNode model) {
        ObjectNode tagsDict = modelTagsDict(model);
        Run r = getRun(runId);
        checkRunActive(r);
        ArrayNode list;
        String previous = r.tags.get(LOGGED_MODELS_TAG);
        if (previous != null) {
            JsonNode parsed;
            try {
                parsed = Json.MAPPER.readTree(previous);
            } catch (Exception e) {
                throw HttpError.internal();
            }
            if (parsed == null || !parsed.isArray()) {
                throw HttpError.internal();
            }
            list = (ArrayNode) parsed;
        } else {
            list = F.arrayNode();
        }
        list.add(tagsDict);
        String value = PyJson.dumps(list);
        Validation.validateTag(LOGGED_MODELS_TAG, value, "");
        r.tags.put(LOGGED_MODELS_TAG, value);
    }

    /** {@code Model.from_dict(d).get_tags_dict()}: attribute order of {@code Model.__init__}, nulls dropped. */
    private static ObjectNode modelTagsDict(ObjectNode d) {
        ObjectNode out = F.objectNode();
        List<String> known = List.of("run_id", "artifact_path", "utc_time_created", "flavors", "signature",
                "saved_input_example_info", "model_uuid", "mlflow_version", "metadata", "model_size_bytes",
                "resources", "env_vars", "auth_policy");
        for (String k : known) {
            JsonNode v = d.get(k);
            if (k.equals("utc_time_created")) {
                boolean falsy = v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())
                        || (v.isNumber() && v.doubleValue() == 0) || (v.isBoolean() && !v.booleanValue())
                        || (v.isContainerNode() && v.isEmpty());
                out.put(k, falsy ? LocalDateTime.now(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")) : PyJson.str(v));
                continue;
            }
            if (k.equals("flavors") && (v == null || v.isNull())) {
                out.set(k, F.objectNode());
                continue;
            }
            if (v != null && !v.isNull()) {
                out.set(k, v.deepCopy());
            }
        }
        d.fields().forEachRemaining(e -> {
            if (!known.contains(e.getKey()) && !e.getValue().isNull()) {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        JsonNode flavors = out.get("flavors");
        if (!flavors.isObject()) {
            throw HttpError.internal(); // flavors.items()
        }
        flavors.fields().forEachRemaining(e -> {
            JsonNode conf = e.getValue();
            if (conf.isObject()) {
                ((ObjectNode) conf).remove("config");
            } else if ((conf.isTextual() && conf.textValue().contains("config"))
                    || (conf.isArray() && containsText(conf, "config"))) {
                throw HttpError.internal(); // del on a str or list
            } else if (!conf.isTextual() && !conf.isArray()) {
                throw HttpError.internal(); // "in" on a number, bool or None
            }
        });
        return out;
    }

    private static boolean containsText(JsonNode array, String text) {
        for (JsonNode n : array) {
            if (n.isTextual() && n.textValue().equals(text)) {
                return true;
            }
        }
        return false;
    }

    synchronized void logInputs(String runId, List<ObjectNode> datasetInputs) {
        Validation.validateRunId(runId);
        Run r = getRun(runId);
        checkRunActive(r);
        for (ObjectNode in : datasetInputs) {
            JsonNode ds = in.get("dataset");
            boolean duplicate = false;
            for (ObjectNode old : r.datasetInputs) {
                JsonNode o = old.get("dataset");
                if (o.path("name").equals(ds.path("name")) && o.path("digest").equals(ds.path("digest"))) {
                    duplicate = true;
                }
            }
            if (!duplicate) {
                r.datasetInputs.add(in);
            }
        }
    }

    synchronized Page<StoredMetric> getMetricHistory(String runId, String key, int maxResults, String pageToken) {
        int offset = Search.parseOffset(pageToken);
        List<StoredMetric> all = new ArrayList<>();
        Run r = runs.get(runId);
        if (r != null) {
            for (StoredMetric m : r.history) {
                if (m.key.equals(key)) {
                    all.add(m);
                }
            }
        }
        all.sort(Comparator.comparingLong((StoredMetric m) -> m.timestamp).thenComparingLong(m -> m.step)
                .thenComparingDouble(m -> m.sqlValue));
        return page(all, offset, maxResults);
    }

    synchronized Page<Run> searchRuns(List<String> experimentIds, String filter, String viewType, int maxResults,
                                      List<String> orderBy, String pageToken) {
        if (maxResults < 1 || maxResults > 50000) {
            throw MlflowError.invalidParameter("Invalid value " + maxResults + " for parameter 'max_results' supplied."
                    + " It must be at most 50000, but got value " + maxResults);
        }
        List<Search.Clause> clauses = Search.parseRunFilter(filter);
        List<Search.OrderBy> order = new ArrayList<>(Search.parseOrderBy(orderBy, true));
        int offset = Search.parseOffset(pageToken);
        List<Run> matched = new ArrayList<>();
        for (Run r : runs.values()) {
            if (!experimentIds.contains(r.experimentId) || !stageVisible(r.lifecycleStage, viewType)) {
                continue;
            }
            boolean ok = true;
            for (Search.Clause c : clauses) {
                ok &= Search.compare(runValue(r, c.type(), c.key()), c.comparator(), c.value());
            }
            if (ok) {
                matched.add(r);
            }
        }
        if (order.stream().noneMatch(o -> o.type().equals(Search.ATTRIBUTE) && o.key().equals("start_time"))) {
            order.add(new Search.OrderBy(Search.ATTRIBUTE, "start_time", false));
        }
        order.add(new Search.OrderBy(Search.ATTRIBUTE, "run_id", true));
        Comparator<Run> cmp = (a, b) -> 0;
        for (Search.OrderBy o : order) {
            cmp = cmp.thenComparing((a, b) -> {
                Object va = runValue(a, o.type(), o.key());
                Object vb = runValue(b, o.type(), o.key());
                if (va == null || vb == null) {
                    return va == null ? (vb == null ? 0 : 1) : -1; // nulls last
                }
                int c = va instanceof Double da ? Double.compare(da, (Double) vb)
                        : PyJson.comparePy(va.toString(), vb.toString());
                return o.ascending() ? c : -c;
            });
        }
        matched.sort(cmp);
        return page(matched, offset, maxResults);
    }

    private static Object runValue(Run r, String type, String key) {
        switch (type) {
            case Search.METRIC -> {
                StoredMetric m = r.latest.get(key);
                return m == null ? null : m.value();
            }
            case Search.PARAM -> {
                return r.params.get(key);
            }
            case Search.TAG -> {
                return r.tags.get(key);
            }
            default -> {
                return switch (key) {
                    case "run_id" -> r.id;
                    case "run_name" -> r.name;
                    case "status" -> r.status;
                    case "user_id" -> r.userId;
                    case "artifact_uri" -> r.artifactUri;
                    case "end_time" -> r.endTime == null ? null : (double) r.endTime;
                    default -> (double) r.startTime; // start_time, created
                };
            }
        }
    }

    synchronized List<Run> allRuns() {
        return new ArrayList<>(runs.values());
    }

    synchronized List<Exp> allExperiments() {
        return new ArrayList<>(experiments.values());
    }

    // ------------------------------------------------------------------------------------------ artifacts

    /** Where a proxied artifact root ({@code mlflow-artifacts:} or the HTTP route) lives under the artifact root. */
    static String proxiedRootPath(String artifactUri) {
        if (artifactUri.startsWith("mlflow-artifacts:")) {
            String rest = artifactUri.substring("mlflow-artifacts:".length());
            if (rest.startsWith("//")) {
                int slash = rest.indexOf('/', 2);
                rest = slash < 0 ? "" : rest.substring(slash);
            }
            return rest.replaceFirst("^/+", "");
        }
        String anchor = "/api/2.0/mlflow-artifacts/artifacts/";
        if ((artifactUri.startsWith("http://") || artifactUri.startsWith("https://")) && artifactUri.contains(anchor)) {
            return artifactUri.substring(artifactUri.indexOf(anchor) + anchor.length()).replaceFirst("^/+", "");
        }
        return null;
    }

    /** {@code LocalArtifactRepository.log_artifact} of one uploaded file. */
    synchronized void putArtifact(String path, byte[] bytes) {
        String p = Validation.normpath(path);
        if (p.equals(".") || p.startsWith("../")) {
            throw HttpError.internal();
        }
        // A file cannot be a directory, and a directory cannot be overwritten by a file.
        String prefix = p + "/";
        String ceiling = artifacts.ceilingKey(prefix);
        if (ceiling != null && ceiling.startsWith(prefix)) {
            throw HttpError.internal();
        }
        for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
            if (artifacts.containsKey(p.substring(0, i))) {
                throw HttpError.internal();
            }
        }
        artifacts.put(p, bytes.clone());
    }

    /** The bytes of a file, or {@code null}; throws the 500 page when the path is a directory. */
    synchronized byte[] getArtifactFile(String path) {
        String p = Validation.normpath(path);
        byte[] b = artifacts.get(p);
        if (b == null && isDirectory(p)) {
            throw HttpError.internal(); // open() on a directory
        }
        return b == null ? null : b.clone();
    }

    private boolean isDirectory(String p) {
        if (p.equals(".")) {
            return true;
        }
        String prefix = p + "/";
        String ceiling = artifacts.ceilingKey(prefix);
        return ceiling != null && ceiling.startsWith(prefix);
    }

    record FileInfo(String path, boolean isDir, long size) {
    }

    /** {@code LocalArtifactRepository.list_artifacts}: the direct children of a directory, sorted by path. */
    synchronized List<FileInfo> listArtifacts(String path) {
        String p = path == null || path.isEmpty() ? "." : Validation.normpath(path);
        if (!isDirectory(p)) {
            return List.of();
        }
        String prefix = p.equals(".") ? "" : p + "/";
        TreeMap<String, FileInfo> children = new TreeMap<>(PyJson::comparePy);
        for (Map.Entry<String, byte[]> e : artifacts.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            String rest = e.getKey().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                children.put(rest, new FileInfo(prefix + rest, false, e.getValue().length));
            } else {
                String dir = rest.substring(0, slash);
                children.putIfAbsent(dir, new FileInfo(prefix + dir, true, -1));
            }
        }
        return new ArrayList<>(children.values());
    }

    /** {@code LocalArtifactRepository.delete_artifacts}: {@code shutil.rmtree}, which fails on a file. */
    synchronized void deleteArtifacts(String path) {
        String p = Validation.normpath(path);
        if (artifacts.containsKey(p)) {
            throw HttpError.internal();
        }
        String prefix = p + "/";
        artifacts.keySet().removeIf(k -> k.startsWith(prefix));
    }

    synchronized Map<String, byte[]> artifactsUnder(String rootPath) {
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        if (rootPath == null) {
            return out;
        }
        String prefix = Validation.normpath(rootPath) + "/";
        for (Map.Entry<String, byte[]> e : artifacts.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            out.put(e.getKey().substring(prefix.length()), e.getValue().clone());
        }
        return out;
    }

    synchronized Map<String, byte[]> allArtifacts() {
        LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> out.put(k, v.clone()));
        return out;
    }

    // ------------------------------------------------------------------------------------------ logged models

    synchronized LoggedModel createLoggedModel(String experimentId, String name, String modelType, String sourceRunId,
                                               List<KeyValue> params, List<KeyValue> tags) {
        Exp e = getExperiment(experimentId);
        checkExperimentActive(e);
        LoggedModel m = new LoggedModel();
        m.id = "m-" + UUID.randomUUID().toString().replace("-", "");
        m.experimentId = e.id;
        m.name = name == null || name.isEmpty() ? RunNames.generate(random) : name;
        m.modelType = modelType == null || modelType.isEmpty() ? null : modelType;
        m.sourceRunId = sourceRunId == null || sourceRunId.isEmpty() ? null : sourceRunId;
        m.artifactUri = appendToUriPath(e.artifactLocation, "models", m.id, "artifacts");
        m.creationTime = now();
        m.lastUpdatedTime = m.creationTime;
        params.forEach(p -> m.params.put(p.key(), p.value()));
        tags.forEach(t -> m.tags.put(t.key(), t.value()));
        models.put(m.id, m);
        return m;
    }

    synchronized LoggedModel getLoggedModel(String id) {
        LoggedModel m = models.get(id);
        if (m == null) {
            throw MlflowError.notFound("Logged model with ID '" + id + "' not found.");
        }
        return m;
    }

    synchronized LoggedModel finalizeLoggedModel(String id, String status) {
        LoggedModel m = getLoggedModel(id);
        m.status = status;
        m.lastUpdatedTime = now();
        return m;
    }

    synchronized void logLoggedModelParams(String id, List<KeyValue> params) {
        LoggedModel m = getLoggedModel(id);
        params.forEach(p -> m.params.put(p.key(), p.value()));
    }

    synchronized void deleteLoggedModel(String id) {
        getLoggedModel(id);
        models.remove(id);
    }

    synchronized void logOutputs(String runId, List<ObjectNode> outputs) {
        Run r = getRun(runId);
        checkRunActive(r);
        for (ObjectNode o : outputs) {
            getLoggedModel(o.path("model_id").asText(""));
        }
        r.modelOutputs.addAll(outputs);
    }

    synchronized List<LoggedModel> allLoggedModels() {
        return new ArrayList<>(models.values());
    }

    // ------------------------------------------------------------------------------------------ users (basic auth)

    synchronized User createUser(String username, String password, boolean admin) {
        if (username == null || username.isEmpty()) {
            throw MlflowError.invalidParameter("Username cannot be empty.");
        }
        if (users.containsKey(username)) {
            throw new MlflowError(MlflowError.RESOURCE_ALREADY_EXISTS, "User (username=" + username
                    + ") already exists.");
        }
        User u = new User();
        u.id = nextUserId++;
        u.username = username;
        u.password = password;
        u.admin = admin;
        users.put(username, u);
        return u;
    }

    synchronized User user(String username) {
        User u = users.get(username);
        if (u == null) {
            throw MlflowError.notFound("User with username=" + username + " not found");
        }
        return u;
    }

    synchronized User authenticate(String username, String password) {
        User u = users.get(username);
        return u != null && u.password.equals(password) ? u : null;
    }

    synchronized void deleteUser(String username) {
        user(username);
        users.remove(username);
        experimentPermissions.keySet().removeIf(k -> k.get(1).equals(username));
    }

    synchronized String experimentPermission(String experimentId, String username) {
        return experimentPermissions.get(List.of(experimentId, username));
    }

    synchronized void createExperimentPermission(String experimentId, String username, String permission) {
        user(username);
        if (experimentPermissions.containsKey(List.of(experimentId, username))) {
            throw new MlflowError(MlflowError.RESOURCE_ALREADY_EXISTS, "Experiment permission (experiment_id="
                    + experimentId + ", username=" + username + ") already exists.");
        }
        experimentPermissions.put(List.of(experimentId, username), permission);
    }

    synchronized String getExperimentPermission(String experimentId, String username) {
        user(username);
        String p = experimentPermissions.get(List.of(experimentId, username));
        if (p == null) {
            throw MlflowError.notFound("Experiment permission with experiment_id=" + experimentId + " and username="
                    + username + " not found");
        }
        return p;
    }

    synchronized void updateExperimentPermission(String experimentId, String username, String permission) {
        getExperimentPermission(experimentId, username);
        experimentPermissions.put(List.of(experimentId, username), permission);
    }

    synchronized void deleteExperimentPermission(String experimentId, String username) {
        getExperimentPermission(experimentId, username);
        experimentPermissions.remove(List.of(experimentId, username));
    }

    /** {@code User.to_json()} with the keys sorted as Flask's {@code jsonify} sorts them. */
    synchronized ObjectNode userJson(User u) {
        ObjectNode o = F.objectNode();
        ArrayNode perms = o.putArray("experiment_permissions");
        experimentPermissions.forEach((k, v) -> {
            if (k.get(1).equals(u.username)) {
                perms.add(permissionJson(k.get(0), u.id, v));
            }
        });
        o.put("id", u.id);
        o.put("is_admin", u.admin);
        o.putArray("registered_model_permissions");
        o.put("username", u.username);
        return o;
    }

    static ObjectNode permissionJson(String experimentId, int userId, String permission) {
        ObjectNode p = F.objectNode();
        p.put("experiment_id", experimentId);
        p.put("permission", permission);
        p.put("user_id", userId);
        return p;
    }

    // ------------------------------------------------------------------------------------------ JSON views

    static ObjectNode experimentJson(Exp e) {
        ObjectNode o = F.objectNode();
        o.put("experiment_id", e.id);
        o.put("name", e.name);
        o.put("artifact_location", e.artifactLocation);
        o.put("lifecycle_stage", e.lifecycleStage);
        o.put("last_update_time", e.lastUpdateTime);
        o.put("creation_time", e.creationTime);
        if (!e.tags.isEmpty()) {
            ArrayNode tags = o.putArray("tags");
            e.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        }
        return o;
    }

    static ObjectNode runInfoJson(Run r) {
        ObjectNode o = F.objectNode();
        o.put("run_uuid", r.id);
        o.put("experiment_id", r.experimentId);
        o.put("run_name", r.name);
        o.put("user_id", r.userId);
        o.put("status", r.status);
        o.put("start_time", r.startTime);
        if (r.endTime != null) {
            o.put("end_time", r.endTime);
        }
        o.put("artifact_uri", r.artifactUri);
        o.put("lifecycle_stage", r.lifecycleStage);
        o.put("run_id", r.id);
        return o;
    }

    static ObjectNode metricJson(StoredMetric m) {
        ObjectNode o = F.objectNode();
        o.put("key", m.key);
        if (m.isNan) {
            o.put("value", "NaN");
        } else {
            o.put("value", m.sqlValue);
        }
        o.put("timestamp", m.timestamp);
        o.put("step", m.step);
        return o;
    }

    synchronized ObjectNode runJson(Run r) {
        ObjectNode o = F.objectNode();
        o.set("info", runInfoJson(r));
        ObjectNode data = o.putObject("data");
        if (!r.latest.isEmpty()) {
            ArrayNode metrics = data.putArray("metrics");
            r.latest.values().forEach(m -> metrics.add(metricJson(m)));
        }
        if (!r.params.isEmpty()) {
            ArrayNode params = data.putArray("params");
            r.params.forEach((k, v) -> params.addObject().put("key", k).put("value", v));
        }
        if (!r.tags.isEmpty()) {
            ArrayNode tags = data.putArray("tags");
            r.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        }
        ObjectNode inputs = o.putObject("inputs");
        if (!r.datasetInputs.isEmpty()) {
            ArrayNode ds = inputs.putArray("dataset_inputs");
            r.datasetInputs.forEach(d -> ds.add(d.deepCopy()));
        }
        if (mlflow3 && !r.modelOutputs.isEmpty()) {
            ArrayNode mo = o.putObject("outputs").putArray("model_outputs");
            r.modelOutputs.forEach(m -> mo.add(m.deepCopy()));
        }
        return o;
    }

    static ObjectNode loggedModelJson(LoggedModel m) {
        ObjectNode o = F.objectNode();
        ObjectNode info = o.putObject("info");
        info.put("model_id", m.id);
        info.put("experiment_id", m.experimentId);
        info.put("name", m.name);
        info.put("creation_timestamp_ms", m.creationTime);
        info.put("last_updated_timestamp_ms", m.lastUpdatedTime);
        info.put("artifact_uri", m.artifactUri);
        info.put("status", m.status);
        if (m.modelType != null) {
            info.put("model_type", m.modelType);
        }
        if (m.sourceRunId != null) {
            info.put("source_run_id", m.sourceRunId);
        }
        if (!m.tags.isEmpty()) {
            ArrayNode tags = info.putArray("tags");
            m.tags.forEach((k, v) -> tags.addObject().put("key", k).put("value", v));
        }
        ObjectNode data = o.putObject("data");
        if (!m.params.isEmpty()) {
            ArrayNode params = data.putArray("params");
            m.params.forEach((k, v) -> params.addObject().put("key", k).put("value", v));
        }
        return o;
    }

    // ------------------------------------------------------------------------------------------ snapshots

    synchronized RunState runState(Run r) {
        List<MetricPoint> points = r.history.stream().map(StoredMetric::toPoint).toList();
        LinkedHashMap<String, MetricPoint> latest = new LinkedHashMap<>();
        r.latest.forEach((k, v) -> latest.put(k, v.toPoint()));
        List<String> inputs = r.datasetInputs.stream().map(PyJson::wire).toList();
        List<String> outputs = r.modelOutputs.stream().map(n -> n.path("model_id").asText()).toList();
        return new RunState(r.id, r.experimentId, r.name, r.userId, r.status, r.startTime, r.endTime, r.artifactUri,
                r.lifecycleStage, r.params, r.tags, points, latest, artifactsUnder(proxiedRootPath(r.artifactUri)),
                inputs, outputs);
    }

    synchronized ExperimentState experimentState(Exp e) {
        return new ExperimentState(e.id, e.name, e.artifactLocation, e.lifecycleStage, e.creationTime,
                e.lastUpdateTime, e.tags);
    }

    synchronized LoggedModelState loggedModelState(LoggedModel m) {
        return new LoggedModelState(m.id, m.experimentId, m.name, m.status, m.artifactUri, m.sourceRunId, m.modelType,
                m.creationTime, m.lastUpdatedTime, m.params, m.tags, artifactsUnder(proxiedRootPath(m.artifactUri)));
    }
}
