package dev.autolog.core.logger;

import dev.autolog.core.tracking.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** What the training thread hands to the logger's worker. Processed strictly in order. */
sealed interface TrackingEvent {

  /** Create a run; {@code parent} (nullable) becomes its {@code mlflow.parentRunId}. */
  record CreateRun(
      RunHandle run, String experimentName, long startTime, Map<String, String> tags, RunHandle parent)
      implements TrackingEvent {}

  /** One metric point. */
  record MetricPoint(RunHandle run, String key, double value, long timestamp, long step)
      implements TrackingEvent {}

  /** Params and tags (already deduplicated and within MLflow's limits). */
  record Data(RunHandle run, Map<String, String> params, Map<String, String> tags)
      implements TrackingEvent {}

  /** A status change. */
  record UpdateStatus(RunHandle run, RunStatus status, Long endTime) implements TrackingEvent {}

  /** Copy a local file into the run's artifacts; the file is deleted afterwards when {@code temporary}. */
  record Artifact(RunHandle run, String artifactPath, Path file, boolean temporary)
      implements TrackingEvent {}

  /** Record a model; its files are deleted afterwards. */
  record Model(RunHandle run, dev.autolog.core.tracking.ModelArtifact model) implements TrackingEvent {}

  /** Work that must run on the worker, in order with the events around it. */
  record Task(Runnable work) implements TrackingEvent {}

  /** Counted down once every event queued before it has been handled. */
  record Flush(CountDownLatch done) implements TrackingEvent {}
}
