package dev.autolog.core.delivery;

import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One call to a tracker, in a form that can wait in the {@link Journal}. Runs are named by run
 * keys the agent chooses, because a run that waits in the journal has no tracker id yet.
 */
public sealed interface Op {

  /** The key of the run this call is about. */
  String runKey();

  /** The number of metric points the call carries: what is lost if it is lost. */
  default int metricPoints() {
    return 0;
  }

  /** Create a run; {@code parentKey} (nullable) names its parent run. */
  record CreateRun(String runKey, String experimentName, String runName, long startTime, Map<String, String> tags,
      String parentKey) implements Op {}

  /** Records that the run {@code runKey} was created as {@code info}; tells a later replay its id. */
  record BindRun(String runKey, RunInfo info) implements Op {}

  /** Metrics, params and tags of one run, within MLflow's per-request limits. */
  record LogBatch(String runKey, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      implements Op {
    @Override
    public int metricPoints() {
      return metrics.size();
    }
  }

  /** A status change; {@code endTime} is null for RUNNING. */
  record UpdateRun(String runKey, RunStatus status, Long endTime) implements Op {}

  /** Copy a local file into the run's artifacts. */
  record LogArtifact(String runKey, String artifactPath, Path file) implements Op {}

  /** Record a model of the run. */
  record LogModel(String runKey, ModelArtifact model) implements Op {}
}
