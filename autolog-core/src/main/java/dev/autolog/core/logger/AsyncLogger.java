package dev.autolog.core.logger;

import dev.autolog.core.delivery.Delivery;
import dev.autolog.core.delivery.Op;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The batched asynchronous logger: training threads put events into an {@link EventRing} and return
 * at once; one daemon worker thread takes them in order, merges consecutive data of a run into
 * batches that respect MLflow's limits, and hands them to a {@link Delivery}, which calls the
 * {@link Tracker} or, while it cannot take data, keeps them in a journal on disk.
 *
 * <p>Training threads never do I/O here, never wait for the worker, and allocate nothing to record
 * a metric point. The ring holds at most {@code metricCapacity} points; past it, events go to a
 * {@link Spill} (memory-mapped files, off the heap) until the worker catches up, in the same order.
 * Only a point that finds neither room in the ring nor a spill segment (the disk refused) is
 * dropped, and counted (never in silence). Run lifecycle events are never dropped.
 */
public final class AsyncLogger {
  private static final int MAX_DRAIN = 10_000;
  private static final long TICK_MILLIS = 100;
  /**
   * How long points and params wait on the worker for others to share a write with. A job logging
   * a point per iteration at a few hundred iterations a second would otherwise make one write (one
   * request, or one append per metric file) per point. Run lifecycle events, artifacts and flushes
   * write what waits at once, in order.
   */
  static final long LINGER_NANOS = 100_000_000L;
  /** Points waiting that are written without lingering further: a full MLflow log-batch request. */
  private static final int LINGER_MAX_POINTS = MlflowLimits.MAX_METRICS_PER_BATCH;
  /**
   * Events taken in one look that count as a burst: after one the worker looks again every
   * millisecond for a while, since the ring may fill fast. A trickle (a point per training
   * iteration) does not: the worker then looks every {@link #IDLE_PARK_NANOS}, which a point, lingering
   * anyway, can wait for. Looking every millisecond cost the DL4J sample's longer job about a
   * thousand wake-ups a second on a two-core machine, each taking a core from training.
   */
  private static final int BURST_EVENTS = 1_000;
  private static final long BUSY_PARK_NANOS = 1_000_000L;
  private static final long IDLE_PARK_NANOS = 20_000_000L;
  /** How long one retry of journaled data may hold the worker before it looks at new events. */
  private static final long RETRY_BUDGET_MILLIS = 1000;
  /** How long the exiting thread waits for an aborted worker to journal what it holds. */
  private static final long WORKER_STOP_MILLIS = 2000;
  /** Events per spill segment: 128 MB files, sparse until written. */
  static final int SPILL_SEGMENT_RECORDS = 1 << 22;
  /** The spill's disk cap for a logger without a journal (whose cap it shares otherwise). */
  private static final long DEFAULT_MAX_SPILL_BYTES = 1L << 30;

  private final Tracker tracker;
  private final int metricCapacity;
  private final EventRing ring;
  private final Spill spill;
  private final AtomicLong droppedMetrics = new AtomicLong();
  private final Delivery delivery;
  private final Map<String, RunHandle> handles = new ConcurrentHashMap<>();
  private final Thread worker;
  private volatile Runnable ticker = () -> {};
  private volatile boolean stopped;

  /**
   * A logger writing to {@code tracker}, buffering at most {@code metricCapacity} metric points,
   * without a journal: what the tracker cannot take is lost, and counted.
   */
  public AsyncLogger(Tracker tracker, int metricCapacity) {
    this(tracker, metricCapacity, null, 0);
  }

  /**
   * A logger writing to {@code tracker}, buffering at most {@code metricCapacity} metric points in
   * memory; while the tracker cannot take data, it waits in a journal in {@code journalDir} of at
   * most {@code maxJournalBytes}.
   */
  public AsyncLogger(Tracker tracker, int metricCapacity, Path journalDir, long maxJournalBytes) {
    this(tracker, metricCapacity, journalDir, maxJournalBytes, SPILL_SEGMENT_RECORDS);
  }

  /** As above, spilling in segments of {@code spillSegmentRecords} events. */
  AsyncLogger(Tracker tracker, int metricCapacity, Path journalDir, long maxJournalBytes, int spillSegmentRecords) {
    this.tracker = tracker;
    this.metricCapacity = metricCapacity;
    this.delivery = new Delivery(tracker, journalDir, maxJournalBytes, this::runCreated);
    this.ring = new EventRing(metricCapacity);
    // Next to the journal (owner-only), or in the temp directory for a logger without one.
    this.spill = new Spill(journalDir != null ? journalDir : Path.of(System.getProperty("java.io.tmpdir")),
        spillSegmentRecords, MAX_DRAIN, maxJournalBytes > 0 ? maxJournalBytes : DEFAULT_MAX_SPILL_BYTES);
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
    handles.put(run.key(), run);
    submit(new TrackingEvent.CreateRun(run, experimentName, startTime, tags, parent));
  }

  /**
   * Queues one metric point: in the ring, or in the spill while the ring is full or the spill has
   * points the worker has not read yet (so points keep their order). Drops it, and counts the drop,
   * only when neither has room.
   */
  public void logMetric(RunHandle run, String key, double value, long timestamp, long step) {
    if (Thread.currentThread() == worker) {
      handle(List.of(new TrackingEvent.MetricPoint(run, key, value, timestamp, step)));
    } else if ((spill.active() || !ring.offerMetric(run, key, value, timestamp, step))
        && !spill.offerMetric(run, key, value, timestamp, step)) {
      droppedMetrics.incrementAndGet();
    }
    // No wake-up: the worker looks at the ring within a few milliseconds, and a point needs no hurry.
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
    enqueue(new TrackingEvent.Task(work));
  }

  private void submit(TrackingEvent event) {
    if (Thread.currentThread() == worker) {
      // Everything queued before the running task is already handled, so handling inline keeps order.
      handle(List.of(event));
    } else {
      enqueue(event);
    }
  }

  /** Adds an event to the ring and wakes the worker: events other than points are worth handling at once. */
  private void enqueue(TrackingEvent event) {
    if (!spill.offerEvent(event)) { // behind the spilled points, while there are any
      ring.add(event);
    }
    LockSupport.unpark(worker);
  }

  /**
   * Waits until everything queued so far has been handled, at most {@code timeoutMillis}.
   *
   * @return whether everything was handled in time
   */
  public boolean flush(long timeoutMillis) {
    if (stopped || Thread.currentThread() == worker) {
      return ring.isEmpty() && spill.pending() == 0;
    }
    CountDownLatch done = new CountDownLatch(1);
    enqueue(new TrackingEvent.Flush(done));
    try {
      return done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether data reaches the tracker as it comes (no data waits in the journal). */
  public boolean healthy() {
    return !delivery.hasBacklog();
  }

  /**
   * Delivers what is queued within {@code timeoutMillis}, then stops the worker and closes the
   * tracker. What the tracker could not take by then stays in the journal for the next start or
   * {@code sync}; the caller never waits longer than the timeout (plus a local journal write when
   * the worker is stuck in a request).
   */
  public void shutdown(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    boolean handled = flush(timeoutMillis);
    if (handled && !delivery.hasBacklog()) {
      // Fast path: nothing waits.
    } else if (handled) {
      awaitOnWorker(() -> delivery.drainUntil(deadline), deadline);
    }
    stopped = true;
    if (!handled) {
      spillQueue();
    }
    worker.interrupt();
    spill.close();
    delivery.close();
    reportDrops();
    tracker.close();
  }

  /** Runs {@code work} on the worker and waits for it until {@code deadline}. */
  private void awaitOnWorker(Runnable work, long deadline) {
    CountDownLatch done = new CountDownLatch(1);
    enqueue(new TrackingEvent.Task(() -> {
      try {
        work.run();
      } finally {
        done.countDown();
      }
    }));
    try {
      done.await(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The worker is stuck in a request past the exit deadline: journal its request and everything
   * still queued, on this thread. Queued tasks (end-of-run artifacts) are skipped: they may need
   * the worker's state; their loss is reported.
   */
  private void spillQueue() {
    delivery.spillForExit();
    // The stuck request fails at once; the worker journals the events it holds and stops.
    tracker.abort();
    try {
      worker.join(WORKER_STOP_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<TrackingEvent> rest = new ArrayList<>();
    ring.drainTo(rest);
    long skipped = rest.stream().filter(e -> e instanceof TrackingEvent.Task).count();
    rest.removeIf(e -> e instanceof TrackingEvent.Task || e instanceof TrackingEvent.Flush);
    handle(rest);
    skipped += journalSpill();
    AgentLog.warn(tracker.describe() + " did not take the data within the exit deadline; the rest went to the"
        + " journal" + (skipped > 0 ? " (" + skipped + " end-of-run steps, such as model artifacts, were skipped)" : ""));
  }

  /**
   * At exit, with the worker stopped: hands what is left in the spill to the delivery (the journal,
   * the tracker being stuck), a chunk at a time, skipping tasks as {@link #spillQueue} does.
   *
   * @return the tasks skipped
   */
  private long journalSpill() {
    long[] skipped = {0};
    BatchingReader batches = new BatchingReader();
    EventRing.Reader reader = withEvents(batches, event -> {
      if (event instanceof TrackingEvent.Task) {
        skipped[0]++;
      } else if (!(event instanceof TrackingEvent.Flush)) {
        batches.event(event);
      }
    });
    while (spill.drain(reader, MAX_DRAIN) > 0) {
      batches.writePending();
    }
    return skipped[0];
  }

  /** Metric points that went to the spill because the ring was full (all of them delivered or journaled). */
  public long spilledMetrics() {
    return spill.spilledPoints();
  }

  /** Metric points dropped because neither the ring nor the spill had room. */
  public long droppedMetrics() {
    return droppedMetrics.get();
  }

  /** Tracker calls that failed (the data then waits in the journal, or was refused and reported). */
  public long failedWrites() {
    return delivery.failedAttempts();
  }

  /** Metric points that could neither reach the tracker nor the journal. */
  public long lostMetrics() {
    return delivery.lostPoints();
  }

  /** Whether the calling thread is the worker. */
  public boolean isWorkerThread() {
    return Thread.currentThread() == worker;
  }

  private void runWorker() {
    BatchingReader reader = new BatchingReader();
    EventRing.Reader fromRing = withEvents(reader, event -> {
      if (!(event instanceof TrackingEvent.Data) && spill.pending() > 0) {
        // Queued here only because the spill had no room for it: what spilled came before it.
        while (spill.drain(reader, MAX_DRAIN) > 0) {
          reader.writePending();
        }
      }
      reader.event(event);
    });
    long nextTick = 0;
    int idleRounds = 0;
    long lingerStart = 0;
    while (!stopped) {
      try {
        spill.prepareSpares();
        int taken = ring.drain(fromRing, MAX_DRAIN);
        if (taken < MAX_DRAIN) {
          // The ring is read empty: what spilled is younger than all of it.
          taken += spill.drain(reader, MAX_DRAIN - taken);
        }
        if (reader.isEmpty()) {
          lingerStart = 0; // written (a control event writes what waits before it)
        } else if (lingerStart == 0) {
          lingerStart = System.nanoTime();
        }
        if (lingerStart != 0
            && (reader.points >= LINGER_MAX_POINTS || System.nanoTime() - lingerStart >= LINGER_NANOS)) {
          reader.writePending();
          lingerStart = 0;
        }
        if (taken == 0) {
          // Idle: look again soon after a burst, rarely otherwise (points wake no one), and not past
          // the moment lingering points are due.
          long park = idleRounds++ < 50 ? BUSY_PARK_NANOS : IDLE_PARK_NANOS;
          if (lingerStart != 0) {
            park = Math.min(park, Math.max(0, lingerStart + LINGER_NANOS - System.nanoTime()));
          }
          LockSupport.parkNanos(park);
        } else if (taken >= BURST_EVENTS) {
          idleRounds = 0;
        }
        long now = System.currentTimeMillis();
        if (now >= nextTick) {
          nextTick = now + TICK_MILLIS;
          delivery.retryDue(RETRY_BUDGET_MILLIS);
          ticker.run();
        }
      } catch (Throwable t) {
        // The worker must survive anything, including an OutOfMemoryError in one batch.
        reader.discardPending();
        AgentLog.warnOnce("worker-" + t.getClass().getName(), "logger worker error: " + AgentLog.describe(t));
      }
    }
    try {
      // Stopped at exit: what still lingers goes out (to the journal if the tracker is stuck), not with the thread.
      reader.writePending();
    } catch (Throwable t) {
      AgentLog.warnOnce("worker-" + t.getClass().getName(), "logger worker error: " + AgentLog.describe(t));
    }
  }

  /** A reader that hands metric points to {@code batches} and every other event to {@code events}. */
  private static EventRing.Reader withEvents(BatchingReader batches, Consumer<TrackingEvent> events) {
    return new EventRing.Reader() {
      @Override
      public void metric(RunHandle run, String key, double value, long timestamp, long step) {
        batches.metric(run, key, value, timestamp, step);
      }

      @Override
      public void event(TrackingEvent event) {
        events.accept(event);
      }
    };
  }

  /** Handles events taken off the ring elsewhere (inline on the worker, or at exit), in order. */
  private void handle(List<TrackingEvent> events) {
    BatchingReader reader = new BatchingReader();
    for (TrackingEvent event : events) {
      if (event instanceof TrackingEvent.MetricPoint m) {
        reader.metric(m.run(), m.key(), m.value(), m.timestamp(), m.step());
      } else {
        reader.event(event);
      }
    }
    reader.writePending();
  }

  /**
   * Merges consecutive metric points, params and tags of each run into batches; any other event
   * first writes the batches gathered so far, so it sees all earlier data written.
   */
  private final class BatchingReader implements EventRing.Reader {
    private final Map<RunHandle, Batch> pending = new LinkedHashMap<>();
    /** Metric points in {@link #pending}. */
    int points;

    @Override
    public void metric(RunHandle run, String key, double value, long timestamp, long step) {
      pending.computeIfAbsent(run, r -> new Batch()).metrics.add(new Metric(key, value, timestamp, step));
      points++;
    }

    @Override
    public void event(TrackingEvent event) {
      if (event instanceof TrackingEvent.Data d) {
        Batch b = pending.computeIfAbsent(d.run(), r -> new Batch());
        b.params.putAll(d.params());
        b.tags.putAll(d.tags());
      } else {
        writePending();
        handleControl(event);
      }
    }

    void writePending() {
      writeBatches(pending);
      points = 0;
    }

    void discardPending() {
      pending.clear();
      points = 0;
    }

    boolean isEmpty() {
      return pending.isEmpty();
    }
  }

  private void handleControl(TrackingEvent event) {
    if (event instanceof TrackingEvent.CreateRun c) {
      delivery.submit(new Op.CreateRun(c.run().key(), c.experimentName(), c.run().name(), c.startTime(), c.tags(),
          c.parent() == null ? null : c.parent().key()), false);
    } else if (event instanceof TrackingEvent.UpdateStatus u) {
      delivery.submit(new Op.UpdateRun(u.run().key(), u.status(), u.endTime()), false);
    } else if (event instanceof TrackingEvent.Artifact a) {
      delivery.submit(new Op.LogArtifact(a.run().key(), a.artifactPath(), a.file()), a.temporary());
      if (a.temporary()) {
        deleteTemporary(a.file()); // unless the journal took it over
      }
    } else if (event instanceof TrackingEvent.Model m) {
      delivery.submit(new Op.LogModel(m.run().key(), m.model()), true);
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

  private void runCreated(String runKey, RunInfo info) {
    // Needed only until the tracker answers: a job opening thousands of runs keeps none of them here.
    RunHandle handle = handles.remove(runKey);
    if (handle != null) {
      if (info == null) {
        handle.markCreationFailed();
      } else {
        handle.created(info);
      }
    }
  }

  private void writeBatches(Map<RunHandle, Batch> pending) {
    if (pending.isEmpty()) {
      return;
    }
    List<Op.LogBatch> chunks = new ArrayList<>();
    for (Map.Entry<RunHandle, Batch> e : pending.entrySet()) {
      chunk(e.getKey().key(), e.getValue(), chunks);
    }
    pending.clear();
    delivery.submitBatches(chunks);
  }

  /** Splits a batch to MLflow's per-request limits. */
  private static void chunk(String runKey, Batch b, List<Op.LogBatch> chunks) {
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
      chunks.add(new Op.LogBatch(runKey, List.copyOf(metrics), p, t));
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

  private void reportDrops() {
    long dropped = droppedMetrics.get();
    if (dropped > 0) {
      AgentLog.warn(dropped + " metric points were dropped: more than " + metricCapacity
          + " were waiting to be written, and " + spill.unavailableReason());
    }
  }

  private static final class Batch {
    final List<Metric> metrics = new ArrayList<>();
    final Map<String, String> params = new LinkedHashMap<>();
    final Map<String, String> tags = new LinkedHashMap<>();
  }
}
