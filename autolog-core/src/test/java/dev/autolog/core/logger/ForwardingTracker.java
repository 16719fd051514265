package dev.autolog.core.logger;

import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A tracker that forwards every call to another; tests override the calls they change. */
public abstract class ForwardingTracker implements Tracker {
  protected final Tracker delegate;

  protected ForwardingTracker(Tracker delegate) {
    this.delegate = delegate;
  }

  @Override
  public String getOrCreateExperiment(String name) throws IOException {
    return delegate.getOrCreateExperiment(name);
  }

  @Override
  public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
      throws IOException {
    return delegate.createRun(experimentId, runName, startTime, tags);
  }

  @Override
  public RunInfo findRun(String experimentId, String runName, long startTime) throws IOException {
    return delegate.findRun(experimentId, runName, startTime);
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException {
    delegate.logBatch(runId, metrics, params, tags);
  }

  @Override
  public void updateRun(String runId, RunStatus status, Long endTime) throws IOException {
    delegate.updateRun(runId, status, endTime);
  }

  @Override
  public void logArtifact(RunInfo run, String artifactPath, Path file) throws IOException {
    delegate.logArtifact(run, artifactPath, file);
  }

  @Override
  public void logModel(RunInfo run, ModelArtifact model) throws IOException {
    delegate.logModel(run, model);
  }

  @Override
  public String runLocation(RunInfo run) {
    return delegate.runLocation(run);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
