package dev.autolog.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one MLflow 3 LoggedModel held by {@link MlflowServerDouble} (only in {@code mlflow3(true)} mode).
 *
 * @param modelId          {@code m-} followed by 32 hex digits
 * @param experimentId     the experiment it belongs to
 * @param name             the name sent, or a generated {@code <adjective>-<noun>-<n>}
 * @param status           {@code LOGGED_MODEL_PENDING}, {@code LOGGED_MODEL_READY} or {@code LOGGED_MODEL_UPLOAD_FAILED}
 * @param artifactUri      {@code <experiment artifact location>/models/<model_id>/artifacts}
 * @param sourceRunId      the run that produced it, or {@code null}
 * @param modelType        the model type sent, or {@code null}
 * @param creationTimestampMs   set by the double
 * @param lastUpdatedTimestampMs set by the double
 * @param params           params in arrival order
 * @param tags             tags in arrival order
 * @param artifacts        artifacts uploaded under {@code artifactUri}, by path relative to it (copies)
 */
public record LoggedModelState(String modelId, String experimentId, String name, String status, String artifactUri,
                               String sourceRunId, String modelType, long creationTimestampMs,
                               long lastUpdatedTimestampMs, Map<String, String> params, Map<String, String> tags,
                               Map<String, byte[]> artifacts) {

    /** Copies the maps into unmodifiable ones that keep their order. */
    public LoggedModelState {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        LinkedHashMap<String, byte[]> a = new LinkedHashMap<>();
        artifacts.forEach((k, v) -> a.put(k, v.clone()));
        artifacts = Collections.unmodifiableMap(a);
    }

    /** Component-wise equality that compares artifact contents, not array identity. */
    @Override
    public boolean equals(Object o) {
        return o instanceof LoggedModelState other && Objects.equals(withoutArtifacts(), other.withoutArtifacts())
                && Artifacts.equal(artifacts, other.artifacts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(withoutArtifacts(), Artifacts.hash(artifacts));
    }

    /** Like the record's own {@code toString}, with each artifact shown as its size. */
    @Override
    public String toString() {
        return "LoggedModelState[" + String.join(", ", List.of("modelId=" + modelId,
                "experimentId=" + experimentId,
                "name=" + name,
                "status=" + status,
                "artifactUri=" + artifactUri,
                "sourceRunId=" + sourceRunId,
                "modelType=" + modelType,
                "creationTimestampMs=" + creationTimestampMs,
                "lastUpdatedTimestampMs=" + lastUpdatedTimestampMs,
                "params=" + params,
                "tags=" + tags,
                "artifacts=" + Artifacts.describe(artifacts))) + "]";
    }

    private List<Object> withoutArtifacts() {
        return java.util.Arrays.asList(
                modelId, experimentId, name, status, artifactUri, sourceRunId, modelType, creationTimestampMs,
                lastUpdatedTimestampMs, params, tags, "<omitted>");
    }
}
