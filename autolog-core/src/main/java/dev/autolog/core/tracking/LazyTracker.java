package dev.autolog.core.tracking;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A tracker created on its first use, which is on the logger's worker. Loading a REST tracker
 * loads Jackson, OkHttp and the Kotlin runtime (hundreds of classes); a job pays for that only
 * once it trains, and never on its start-up path.
 */
public final class LazyTracker implements Tracker {
  private final String description;
  private final Supplier<Tracker> factory;
  private volatile Tracker tracker;

  /** A tracker described as {@code description} until {@code factory} has made the real one. */
  public LazyTracker(String description, Supplier<Tracker> factory) {
    this.description = description;
    this.factory = factory;
  }

  private synchronized Tracker tracker() {
    if (tracker == null) {
      tracker = factory.get();
    }
    return tracker;
  }

  @Override
  public String getOrCreateExperiment(String name) throws IOException {
    return tracker().getOrCreateExperiment(name);
  }

  @Override
  public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
      throws IOException {
    return tracker().createRun(experimentId, runName, startTime, tags);
  }

  @Override
  public RunInfo findRun(String experimentId, String runName, long startTime) throws IOException {
    return tracker().findRun(experimentId, runName, startTime);
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException {
    tracker().logBatch(runId, metrics, params, tags);
  }

  @Override
  public void updateRun(String runId, RunStatus status, Long endTime) throws IOException {
    tracker().updateRun(runId, status, endTime);
  }

  @Override
  public void logArtifact(RunInfo run, String artifactPath, Path file) throws IOException {
    tracker().logArtifact(run, artifactPath, file);
  }

  @Override
  public void logModel(RunInfo run, ModelArtifact model) throws IOException {
    tracker().logModel(run, model);
  }

  @Override
  public String runLocation(RunInfo run) {
    return tracker().runLocation(run);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public boolean concurrentBatches() {
    return tracker().concurrentBatches();
  }

  @Override
  public void abort() {
    Tracker t = tracker;
    if (t != null) {
      t.abort();
    }
  }

  @Override
  public synchronized void close() {
    if (tracker != null) {
      tracker.close();
    }
  }
}
