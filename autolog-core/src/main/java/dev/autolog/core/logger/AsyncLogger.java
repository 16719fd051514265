package dev.autolog.core.logger;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.MlflowLimits;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batched asynchronous logger: training threads enqueue {@link TrackingEvent}s and return at
 * once; one daemon worker thread drains the queue, merges consecutive data of a run into batches
 * that respect MLflow's limits, and calls the {@link Tracker}.
 *
 * <p>Training threads never do I/O here and never hold a lock while the worker does. Metric points
 * are bounded by {@code metricCapacity}; past it new points are dropped and counted (never in
 * silence). Run lifecycle events are never dropped.
 */
public final class AsyncLogger {
  private static final int MAX_DRAIN = 10_000;
  private static final long TICK_MILLIS = 100;

  private final Tracker tracker;
  private final int metricCapacity;
  private final LinkedBlockingQueue<TrackingEvent> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedMetrics = new AtomicInteger();
  private final AtomicLong droppedMetrics = new AtomicLong();
  private final AtomicLong failedWrites = new AtomicLong();
  private final Thread worker;
  private volatile Runnable ticker = () -> {};
  private volatile boolean stopped;
  private volatile boolean healthy = true;

  /** A logger writing to {@code tracker}, buffering at most {@code metricCapacity} metric points. */
  public AsyncLogger(Tracker tracker, int metricCapacity) {
    this.tracker = tracker;
    this.metricCapacity = metricCapacity;
    this.worker = new Thread(this::runWorker, "autolog-logger");
    worker.setDaemon(true);
    // The worker must not pin the job's class loaders, nor pick up the job's context loader.
    worker.setContextClassLoader(null);
  }

  /** Starts the worker thread. */
  public void start() {
    worker.start();
  }

  /** Sets work the worker runs about every 100 ms between events (run deadlines, for instance). */
  public void setTicker(Runnable ticker) {
    this.ticker = ticker;
  }

  /** The tracker events go to. */
  public Tracker tracker() {
    return tracker;
  }

  /** Queues the creation of a run. */
  public void createRun(
      RunHandle run, String experimentName, long startTime, Map<String, String> tags, RunHandle parent) {
    submit(new TrackingEvent.CreateRun(run, experimentName, startTime, tags, parent));
  }

  /** Queues one metric point; drops it (and counts the drop) when the buffer is full. */
  public void logMetric(RunHandle run, String key, double value, long timestamp, long step) {
    if (queuedMetrics.incrementAndGet() > metricCapacity) {
      queuedMetrics.decrementAndGet();
      droppedMetrics.incrementAndGet();
      return;
    }
    submit(new TrackingEvent.MetricPoint(run, key, value, timestamp, step));
  }

  /** Queues params and tags. */
  public void logData(RunHandle run, Map<String, String> params, Map<String, String> tags) {
    submit(new TrackingEvent.Data(run, params, tags));
  }

  /** Queues a status change. */
  public void updateStatus(RunHandle run, RunStatus status, Long endTime) {
    submit(new TrackingEvent.UpdateStatus(run, status, endTime));
  }

  /** Queues an artifact copy. */
  public void logArtifact(RunHandle run, String artifactPath, Path file, boolean temporary) {
    submit(new TrackingEvent.Artifact(run, artifactPath, file, temporary));
  }

  /** Queues the recording of a model; its files are deleted once handled. */
  public void logModel(RunHandle run, dev.autolog.core.tracking.ModelArtifact model) {
    submit(new TrackingEvent.Model(run, model));
  }

  /**
   * Queues work to run on the worker thread, after everything queued before it. Events that the
   * work itself submits are handled at once, before anything queued after the work.
   */
  public void runOnWorker(Runnable work) {
    submit(new TrackingEvent.Task(work));
  }

  /**
   * Queues work behind everything queued so far, even when called on the worker itself (where
   * {@link #runOnWorker} would run it at once, ahead of queued events).
   */
  public void runAfterQueued(Runnable work) {
    queue.add(new TrackingEvent.Task(work));
  }

  private void submit(TrackingEvent event) {
    if (Thread.currentThread() == worker) {
      // Everything queued before the running task is already handled, so handling inline keeps order.
      handle(new ArrayList<>(List.of(event)));
    } else {
      queue.add(event);
    }
  }

  /**
   * Waits until everything queued so far has been handled, at most {@code timeoutMillis}.
   *
   * @return whether everything was handled in time
   */
  public boolean flush(long timeoutMillis) {
    if (stopped || Thread.currentThread() == worker) {
      return queue.isEmpty();
    }
    CountDownLatch done = new CountDownLatch(1);
    queue.add(new TrackingEvent.Flush(done));
    try {
      return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Like {@link #flush}, but returns at once while the tracker is failing: a training loop must not
   * wait on a tracker that is down (the data stays queued).
   */
  public boolean flushIfHealthy(long timeoutMillis) {
    return healthy ? flush(timeoutMillis) : queue.isEmpty();
  }

  /** Whether the tracker's last call succeeded. */
  public boolean healthy() {
    return healthy;
  }

  /** Flushes within {@code timeoutMillis}, then stops the worker and closes the tracker. */
  public void shutdown(long timeoutMillis) {
    boolean complete = flush(timeoutMillis);
    stopped = true;
    worker.interrupt();
    if (!complete) {
      AgentLog.warn(
          "could not deliver everything within " + timeoutMillis + " ms at exit; "
              + queue.size() + " queued events were not written to " + tracker.describe());
    }
    reportDrops();
    tracker.close();
  }

  /** Metric points dropped because the buffer was full. */
  public long droppedMetrics() {
    return droppedMetrics.get();
  }

  /** Tracker calls that failed. */
  public long failedWrites() {
    return failedWrites.get();
  }

  /** Whether the calling thread is the worker. */
  public boolean isWorkerThread() {
    return Thread.currentThread() == worker;
  }

  private void runWorker() {
    List<TrackingEvent> drained = new ArrayList<>();
    while (!stopped) {
      try {
        TrackingEvent first = queue.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          drained.add(first);
          queue.drainTo(drained, MAX_DRAIN);
          handle(drained);
          drained.clear();
        }
        ticker.run();
      } catch (InterruptedException e) {
        if (stopped) {
          return;
        }
      } catch (Throwable t) {
        // The worker must survive anything, including an OutOfMemoryError in one batch.
        drained.clear();
        AgentLog.warnOnce("worker-" + t.getClass().getName(), "logger worker error: " + AgentLog.describe(t));
      }
    }
  }

  private void handle(List<TrackingEvent> events) {
    Map<RunHandle, Batch> pending = new LinkedHashMap<>();
    for (TrackingEvent event : events) {
      if (event instanceof TrackingEvent.MetricPoint m) {
        queuedMetrics.decrementAndGet();
        pending.computeIfAbsent(m.run(), r -> new Batch()).metrics.add(
            new Metric(m.key(), m.value(), m.timestamp(), m.step()));
      } else if (event instanceof TrackingEvent.Data d) {
        Batch b = pending.computeIfAbsent(d.run(), r -> new Batch());
        b.params.putAll(d.params());
        b.tags.putAll(d.tags());
      } else {
        // Anything else must see all earlier data written first.
        writeBatches(pending);
        handleControl(event);
      }
    }
    writeBatches(pending);
  }

  private void handleControl(TrackingEvent event) {
    if (event instanceof TrackingEvent.CreateRun c) {
      createRunNow(c);
    } else if (event instanceof TrackingEvent.UpdateStatus u) {
      RunInfo info = u.run().info();
      if (info != null) {
        guard("update status of run " + u.run(), () -> tracker.updateRun(info.runId(), u.status(), u.endTime()));
      }
    } else if (event instanceof TrackingEvent.Artifact a) {
      RunInfo info = a.run().info();
      if (info != null) {
        guard("log artifact " + a.artifactPath(), () -> tracker.logArtifact(info, a.artifactPath(), a.file()));
      }
      if (a.temporary()) {
        deleteTemporary(a.file());
      }
    } else if (event instanceof TrackingEvent.Model m) {
      RunInfo info = m.run().info();
      if (info != null) {
        guard("log model " + m.model().artifactPath(), () -> tracker.logModel(info, m.model()));
      }
      m.model().files().values().forEach(AsyncLogger::deleteTemporary);
    } else if (event instanceof TrackingEvent.Task t) {
      try {
        t.work().run();
      } catch (Throwable e) {
        AgentLog.warnOnce("task-" + e.getClass().getName(), "autolog task failed: " + AgentLog.describe(e));
      }
    } else if (event instanceof TrackingEvent.Flush f) {
      f.done().countDown();
    }
  }

  /** Deletes a temporary file, and its directory when that is one of ours and now empty. */
  private static void deleteTemporary(Path file) {
    try {
      Files.deleteIfExists(file);
      Path dir = file.getParent();
      if (dir != null && dir.getFileName().toString().startsWith("autolog-")) {
        Files.deleteIfExists(dir);
      }
    } catch (Exception ignored) {
      // A leftover temp file or a non-empty directory is harmless.
    }
  }

  private void createRunNow(TrackingEvent.CreateRun c) {
    try {
      String experimentId = tracker.getOrCreateExperiment(c.experimentName());
      Map<String, String> tags = new LinkedHashMap<>(c.tags());
      if (c.parent() != null && c.parent().info() != null) {
        tags.put("mlflow.parentRunId", c.parent().info().runId());
      }
      RunInfo info = tracker.createRun(experimentId, c.run().name(), c.startTime(), tags);
      c.run().created(info);
    } catch (Exception e) {
      c.run().markCreationFailed();
      healthy = false;
      failedWrites.incrementAndGet();
      // One line per kind of failure: every later run would fail the same way.
      AgentLog.warnOnce("create-run-" + e.getClass().getName() + e.getMessage(),
          "could not create run " + c.run().name() + " in " + tracker.describe() + "; its data is dropped"
              + " (later runs failing the same way are not reported again): " + AgentLog.describe(e));
    }
  }

  private void writeBatches(Map<RunHandle, Batch> pending) {
    for (Map.Entry<RunHandle, Batch> e : pending.entrySet()) {
      RunInfo info = e.getKey().info();
      Batch b = e.getValue();
      if (info == null) {
        if (!e.getKey().creationFailed()) {
          AgentLog.warnOnce("no-run-" + e.getKey().name(), "data for run " + e.getKey().name() + " arrived before the run existed; dropped");
        }
        continue;
      }
      writeChunked(info, b);
    }
    pending.clear();
  }

  /** Splits a batch to MLflow's per-request limits. */
  private void writeChunked(RunInfo info, Batch b) {
    List<Map.Entry<String, String>> params = new ArrayList<>(b.params.entrySet());
    List<Map.Entry<String, String>> tags = new ArrayList<>(b.tags.entrySet());
    int mi = 0;
    int pi = 0;
    int ti = 0;
    while (mi < b.metrics.size() || pi < params.size() || ti < tags.size()) {
      int pn = Math.min(MlflowLimits.MAX_PARAMS_PER_BATCH, params.size() - pi);
      int tn = Math.min(MlflowLimits.MAX_TAGS_PER_BATCH, tags.size() - ti);
      int mn = Math.min(
          Math.min(MlflowLimits.MAX_METRICS_PER_BATCH, MlflowLimits.MAX_ENTITIES_PER_BATCH - pn - tn),
          b.metrics.size() - mi);
      List<Metric> metrics = b.metrics.subList(mi, mi + mn);
      Map<String, String> p = toMap(params.subList(pi, pi + pn));
      Map<String, String> t = toMap(tags.subList(ti, ti + tn));
      guard("log to run " + info.runId(), () -> tracker.logBatch(info.runId(), metrics, p, t));
      mi += mn;
      pi += pn;
      ti += tn;
    }
  }

  private static Map<String, String> toMap(List<Map.Entry<String, String>> entries) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : entries) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  private void guard(String what, IoAction action) {
    try {
      action.run();
      healthy = true;
    } catch (Exception e) {
      healthy = false;
      failedWrites.incrementAndGet();
      AgentLog.warnOnce("write-" + e.getClass().getName() + e.getMessage(), "could not " + what + ": " + AgentLog.describe(e));
    }
  }

  private void reportDrops() {
    long dropped = droppedMetrics.get();
    if (dropped > 0) {
      AgentLog.warn(dropped + " metric points were dropped because more than " + metricCapacity
          + " were waiting to be written (raise queue_capacity)");
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws Exception;
  }

  private static final class Batch {
    final List<Metric> metrics = new ArrayList<>();
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
  }
}
