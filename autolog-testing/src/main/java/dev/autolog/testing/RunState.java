package dev.autolog.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one run held by {@link MlflowServerDouble}: everything that arrived for it and was stored.
 *
 * <p>What is stored is what the recorded MLflow 2.22.4 server (sqlite store) would have stored: a rejected request
 * stores nothing (a log-batch is all or nothing), param values over 6000 and tag values over 8000 characters
 * are truncated, and a metric point equal in key, value, timestamp and step to one already stored is not
 * stored again. The raw requests are in {@link MlflowServerDouble#requests()}.
 *
 * @param runId          32 hex digits
 * @param experimentId   the experiment the run belongs to
 * @param runName        the run name ({@code mlflow.runName})
 * @param userId         the deprecated {@code user_id} field as sent, usually {@code ""}
 * @param status         {@code RUNNING}, {@code SCHEDULED}, {@code FINISHED}, {@code FAILED} or {@code KILLED}
 * @param startTime      as sent to {@code runs/create} (0 when omitted)
 * @param endTime        as sent to {@code runs/update}, or {@code null}
 * @param artifactUri    e.g. {@code mlflow-artifacts:/1/<run_id>/artifacts}
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param params         params in arrival order
 * @param tags           tags in the order they were first set (includes {@code mlflow.runName})
 * @param metricPoints   every stored metric point of every key, in arrival order
 * @param latestMetrics  per key, the point {@code runs/get} shows: the greatest (step, timestamp, value)
 * @param artifacts      files uploaded under {@code artifactUri} through the proxied artifact API, by path
 *                       relative to {@code artifactUri}, sorted by path
 * @param datasetInputs  the {@code runs/log-inputs} dataset inputs, each as the JSON {@code runs/get} shows
 * @param modelOutputs   MLflow 3 {@code runs/outputs} model ids, in arrival order
 */
public record RunState(String runId, String experimentId, String runName, String userId, String status,
                       long startTime, Long endTime, String artifactUri, String lifecycleStage,
                       Map<String, String> params, Map<String, String> tags, List<MetricPoint> metricPoints,
                       Map<String, MetricPoint> latestMetrics, Map<String, byte[]> artifacts,
                       List<String> datasetInputs, List<String> modelOutputs) {

    /** Copies every collection into an unmodifiable one that keeps its order. */
    public RunState {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        metricPoints = List.copyOf(metricPoints);
        latestMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(latestMetrics));
        LinkedHashMap<String, byte[]> a = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> a.put(k, v.clone()));
        artifacts = Collections.unmodifiableMap(a);
        datasetInputs = List.copyOf(datasetInputs);
        modelOutputs = List.copyOf(modelOutputs);
    }

    /** The stored points of each metric key, keys in order of first arrival, points in arrival order. */
    public Map<String, List<MetricPoint>> metrics() {
        LinkedHashMap<String, List<MetricPoint>> byKey = new LinkedHashMap<>();
        for (MetricPoint p : metricPoints) {
            byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
        }
        byKey.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(byKey);
    }

    /** The stored points of one metric key in arrival order; empty if none arrived. */
    public List<MetricPoint> metricHistory(String key) {
        return metricPoints.stream().filter(p -> p.key().equals(key)).toList();
    }

    /** A param value, or {@code null}. */
    public String param(String key) {
        return params.get(key);
    }

    /** A tag value, or {@code null}. */
    public String tag(String key) {
        return tags.get(key);
    }

    /** A copy of an artifact's bytes by path relative to the run's artifact root, or {@code null}. */
    public byte[] artifact(String relativePath) {
        byte[] b = artifacts.get(relativePath);
        return b == null ? null : b.clone();
    }

    /** The {@code mlflow.log-model.history} tag (a JSON array written by {@code runs/log-model}), or {@code null}. */
    public String loggedModelHistory() {
        return tags.get("mlflow.log-model.history");
    }

    /** Component-wise equality that compares artifact contents, not array identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RunState other && Objects.equals(withoutArtifacts(), other.withoutArtifacts())
                && Artifacts.equal(artifacts, other.artifacts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(withoutArtifacts(), Artifacts.hash(artifacts));
    }

    /** Like the record's own {@code toString}, with each artifact shown as its size. */
    @Override
    public String toString() {
        return "RunState[" + String.join(", ", List.of("runId=" + runId,
                "experimentId=" + experimentId,
                "runName=" + runName,
                "userId=" + userId,
                "status=" + status,
                "startTime=" + startTime,
                "endTime=" + endTime,
                "artifactUri=" + artifactUri,
                "lifecycleStage=" + lifecycleStage,
                "params=" + params,
                "tags=" + tags,
                "metricPoints=" + metricPoints,
                "latestMetrics=" + latestMetrics,
                "artifacts=" + Artifacts.describe(artifacts),
                "datasetInputs=" + datasetInputs,
                "modelOutputs=" + modelOutputs)) + "]";
    }

    private List<Object> withoutArtifacts() {
        return java.util.Arrays.asList(
                runId, experimentId, runName, userId, status, startTime, endTime, artifactUri, lifecycleStage,
                params, tags, metricPoints, latestMetrics, "<omitted>", datasetInputs, modelOutputs);
    }
}
