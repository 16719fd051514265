package dev.autolog.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one experiment held by {@link MlflowServerDouble}.
 *
 * @param experimentId     the id, {@code "0"} for the Default experiment, then {@code "1"}, {@code "2"}, ...
 * @param name             the unique name
 * @param artifactLocation {@code mlflow-artifacts:/<id>} unless the client chose one
 * @param lifecycleStage   {@code active} or {@code deleted}
 * @param creationTime     milliseconds since the epoch, set by the double
 * @param lastUpdateTime   milliseconds since the epoch, set by the double
 * @param tags             tags in the order they were first set
 */
public record ExperimentState(String experimentId, String name, String artifactLocation, String lifecycleStage,
                              long creationTime, long lastUpdateTime, Map<String, String> tags) {

    /** Copies {@code tags} into an unmodifiable map that keeps their order. */
    public ExperimentState {
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }
}
