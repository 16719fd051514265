package dev.autolog.core.tracking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A place runs are recorded: the local MLflow file store, or (later) an MLflow REST server.
 *
 * <p>Only the logger's worker thread calls a tracker, so implementations need not be thread-safe,
 * except {@link #logBatch} where {@link #concurrentBatches} says so.
 * Every method may block on I/O; none is ever called on a training thread. Inputs are already
 * valid for MLflow (see {@link MlflowLimits}).
 */
public interface Tracker {

  /** Returns the id of the experiment called {@code name}, creating it when missing; null means MLflow's "Default". */
  String getOrCreateExperiment(String name) throws IOException;

  /** Creates a RUNNING run. {@code tags} includes {@code mlflow.runName}. */
  RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
      throws IOException;

  /**
   * The run of {@code experimentId} called {@code runName} that started at {@code startTime}, or
   * null when there is none or the tracker cannot search. A replay asks before it creates a run
   * whose creation may have reached the tracker although its answer was lost.
   */
  default RunInfo findRun(String experimentId, String runName, long startTime) throws IOException {
    return null;
  }

  /** Records metrics, params and tags of one run. Params are never re-logged with another value. */
  void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException;

  /** Sets a run's status; {@code endTime} is null for a RUNNING run. */
  void updateRun(String runId, RunStatus status, Long endTime) throws IOException;

  /** Copies {@code file} to the run's artifacts at {@code artifactPath} (a relative, '/'-separated path). */
  void logArtifact(RunInfo run, String artifactPath, Path file) throws IOException;

  /**
   * Records a trained model of the run: its files and an {@code MLmodel} file, registered the way
   * this tracker's MLflow lists models (the run's model history, or an MLflow 3 LoggedModel).
   */
  void logModel(RunInfo run, ModelArtifact model) throws IOException;

  /** Where a person can look at the run: a URL or a path. */
  String runLocation(RunInfo run);

  /** A one-line description of this tracker for messages; never contains a secret. */
  String describe();

  /** Whether {@link #logBatch} may be called from several threads at once (a REST tracker's may). */
  default boolean concurrentBatches() {
    return false;
  }

  /**
   * Makes requests in progress fail at once. Called from another thread at exit, when the worker
   * is stuck in a request past the deadline.
   */
  default void abort() {}

  /** Releases resources; called once at shutdown. */
  default void close() {}
}
