package dev.autolog.core.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.logger.RecordingTracker.Artifact;
import dev.autolog.core.logger.RecordingTracker.Batch;
import dev.autolog.core.logger.RecordingTracker.Call;
import dev.autolog.core.logger.RecordingTracker.Created;
import dev.autolog.core.logger.RecordingTracker.Status;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.MlflowLimits;
import dev.autolog.core.tracking.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsyncLoggerTest {
  private final RecordingTracker tracker = new RecordingTracker();
  private AsyncLogger logger;

  @TempDir Path temp;

  @AfterEach
  void stopWorker() {
    if (logger != null) {
      logger.shutdown(1000);
    }
  }

  private AsyncLogger newLogger(int metricCapacity) {
    logger = new AsyncLogger(tracker, metricCapacity);
    return logger;
  }

  private static Map<String, String> runName(String name) {
    return Map.of("mlflow.runName", name);
  }

  @Test
  void aRunIsCreatedBeforeItsDataAndItsStatus() {
    AsyncLogger l = newLogger(1000);
    RunHandle run = new RunHandle("r");
    l.createRun(run, "exp", 5L, runName("r"), null);
    l.logData(run, Map.of("p", "1"), Map.of("t", "x"));
    l.logMetric(run, "loss", 0.5, 10L, 0);
    l.logMetric(run, "loss", 0.25, 11L, 1);
    l.updateStatus(run, RunStatus.FINISHED, 20L);
    l.start();
    assertTrue(l.flush(5000));

    List<Call> calls = tracker.calls();
    assertEquals(3, calls.size(), calls.toString());
    Created created = assertInstanceOf(Created.class, calls.get(0));
    assertEquals(new Created(run.info().runId(), "exp", "r", 5L, runName("r")), created);
    assertEquals(new Batch(created.runId(), List.of(new Metric("loss", 0.5, 10L, 0), new Metric("loss", 0.25, 11L, 1)),
        Map.of("p", "1"), Map.of("t", "x")), calls.get(1));
    assertEquals(new Status(created.runId(), RunStatus.FINISHED, 20L), calls.get(2));
  }

  @Test
  void dataQueuedAfterAStatusChangeIsWrittenAfterIt() {
    AsyncLogger l = newLogger(1000);
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    l.logMetric(run, "m", 1, 1L, 0);
    l.updateStatus(run, RunStatus.FINISHED, 2L);
    l.logMetric(run, "m", 2, 3L, 1);
    l.start();
    assertTrue(l.flush(5000));

    List<Call> calls = tracker.calls();
    assertEquals(List.of(Created.class, Batch.class, Status.class, Batch.class),
        calls.stream().map(Object::getClass).toList());
    assertEquals(1.0, ((Batch) calls.get(1)).metrics().get(0).value());
    assertEquals(2.0, ((Batch) calls.get(3)).metrics().get(0).value());
  }

  @Test
  void batchesAreSplitToMlflowsPerRequestLimits() {
    AsyncLogger l = newLogger(10_000);
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    for (int i = 0; i < 2500; i++) {
      l.logMetric(run, "m", i, i, i);
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < 250; i++) {
      params.put("p" + i, "v" + i);
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < 150; i++) {
      tags.put("t" + i, "v" + i);
    }
    l.logData(run, params, Map.of());
    l.logData(run, Map.of(), tags);
    l.start();
    assertTrue(l.flush(10_000));

    List<Batch> batches = tracker.calls(Batch.class);
    List<Double> values = new ArrayList<>();
    Map<String, String> allParams = new LinkedHashMap<>();
    Map<String, String> allTags = new LinkedHashMap<>();
    for (Batch b : batches) {
      assertTrue(b.metrics().size() <= MlflowLimits.MAX_METRICS_PER_BATCH);
      assertTrue(b.params().size() <= MlflowLimits.MAX_PARAMS_PER_BATCH);
      assertTrue(b.tags().size() <= MlflowLimits.MAX_TAGS_PER_BATCH);
      assertTrue(b.metrics().size() + b.params().size() + b.tags().size() <= MlflowLimits.MAX_ENTITIES_PER_BATCH);
      b.metrics().forEach(m -> values.add(m.value()));
      allParams.putAll(b.params());
      allTags.putAll(b.tags());
    }
    assertEquals(LongStream.range(0, 2500).mapToObj(i -> (double) i).toList(), values);
    assertEquals(new ArrayList<>(params.entrySet()), new ArrayList<>(allParams.entrySet()));
    assertEquals(new ArrayList<>(tags.entrySet()), new ArrayList<>(allTags.entrySet()));
    assertTrue(batches.size() >= 3, "250 params need at least 3 calls");
  }

  @Test
  void flushReturnsOnceEverythingQueuedIsHandled() {
    AsyncLogger l = newLogger(1000);
    CountDownLatch gate = new CountDownLatch(1);
    tracker.gate = gate;
    l.start();
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    l.logMetric(run, "m", 1, 1L, 0);
    // The tracker is slow: it answers only 200 ms from now.
    new Thread(() -> {
      sleep(200);
      gate.countDown();
    }).start();

    assertTrue(l.flush(5000));
    assertEquals(1, tracker.calls(Batch.class).size());
  }

  @Test
  void pointsLoggedOneAtATimeShareWritesAndAFlushWritesThemAtOnce() {
    AsyncLogger l = newLogger(1000);
    l.start();
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    assertTrue(l.flush(5000));
    // A point every millisecond or so for 300 ms, as per-iteration logging of a fast model does.
    long end = System.nanoTime() + 300_000_000L;
    int logged = 0;
    while (System.nanoTime() < end) {
      l.logMetric(run, "loss", logged, logged, logged);
      logged++;
      sleep(1);
    }
    l.logMetric(run, "last", 1, 1L, 0);
    assertTrue(l.flush(5000));

    List<Batch> batches = tracker.calls(Batch.class);
    List<Metric> written = batches.stream().flatMap(b -> b.metrics().stream()).toList();
    assertEquals(logged + 1, written.size(), "every point is written once, the last by the flush");
    assertEquals(new Metric("last", 1, 1L, 0), written.get(written.size() - 1));
    // One write per point would be ~300; lingering up to 100 ms makes it a handful (300 ms / 100 ms, plus the flush).
    assertTrue(batches.size() <= 10, batches.size() + " writes for " + (logged + 1) + " points");
    assertTrue(logged > 50, "the loop logged " + logged + " points");
  }

  @Test
  void flushGivesUpAfterItsTimeout() {
    AsyncLogger l = newLogger(1000);
    l.start();
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    CountDownLatch gate = new CountDownLatch(1);
    tracker.gate = gate;
    l.logMetric(run, "m", 1, 1L, 0);

    assertFalse(l.flush(100));
    gate.countDown();
    assertTrue(l.flush(5000));
  }

  @Test
  void metricsBeyondTheCapacityAreDroppedAndCountedWithoutBlocking() {
    AsyncLogger l = newLogger(1000);
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    // The worker is not started, so nothing drains: with the run's creation waiting too, the 1000th
    // point onwards must be dropped at once.
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
      for (int i = 0; i < 1005; i++) {
        l.logMetric(run, "m", i, i, i);
      }
    });
    assertEquals(6, l.droppedMetrics());

    l.start();
    assertTrue(l.flush(5000));
    List<Double> written = tracker.calls(Batch.class).stream()
        .flatMap(b -> b.metrics().stream()).map(Metric::value).toList();
    assertEquals(LongStream.range(0, 999).mapToObj(i -> (double) i).toList(), written);

    // Written points free their room again.
    l.logMetric(run, "m", 1, 1L, 1);
    assertTrue(l.flush(5000));
    assertEquals(6, l.droppedMetrics());
  }

  @Test
  void aTrackerThatThrowsDoesNotStopTheWorker() {
    AsyncLogger l = newLogger(1000);
    l.start();
    tracker.failBatch = b -> b.params().containsKey("bad");
    RunHandle a = new RunHandle("a");
    l.createRun(a, null, 1L, runName("a"), null);
    l.logData(a, Map.of("bad", "1"), Map.of());
    assertTrue(l.flush(5000));

    l.logData(a, Map.of("good", "1"), Map.of());
    RunHandle b = new RunHandle("b");
    l.createRun(b, null, 2L, runName("b"), null);
    l.logMetric(b, "m", 3, 3L, 0);
    assertTrue(l.flush(5000));

    assertEquals(1, l.failedWrites());
    List<Batch> batches = tracker.calls(Batch.class);
    assertEquals(2, batches.size(), batches.toString());
    assertEquals(Map.of("good", "1"), batches.get(0).params());
    assertEquals(b.info().runId(), batches.get(1).runId());
  }

  @Test
  void aTrackerThatThrowsRuntimeExceptionsDoesNotStopTheWorkerEither() {
    AsyncLogger l = newLogger(1000);
    l.start();
    tracker.failBatch = batch -> {
      if (batch.params().containsKey("boom")) {
        throw new IllegalStateException("boom");
      }
      return false;
    };
    RunHandle a = new RunHandle("a");
    l.createRun(a, null, 1L, runName("a"), null);
    l.logData(a, Map.of("boom", "1"), Map.of());
    assertTrue(l.flush(5000));
    l.updateStatus(a, RunStatus.FINISHED, 9L);
    assertTrue(l.flush(5000));

    assertEquals(new Status(a.info().runId(), RunStatus.FINISHED, 9L), tracker.calls(Status.class).get(0));
  }

  @Test
  void anOutOfMemoryErrorInTheWorkerCostsOnlyTheBatchItHitAndIsReportedOnce() {
    AsyncLogger l = newLogger(1000);
    l.start();
    tracker.failBatch = b -> {
      if (b.params().containsKey("huge")) {
        throw new OutOfMemoryError("Java heap space");
      }
      return false;
    };
    RunHandle a = new RunHandle("a");
    l.createRun(a, null, 1L, runName("a"), null);
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 3; i++) {
        l.logData(a, Map.of("huge", "x" + i), Map.of());
        assertTrue(l.flush(5000));
      }
    } finally {
      System.setErr(original);
    }
    l.logMetric(a, "after", 1, 2L, 0);
    l.updateStatus(a, RunStatus.FINISHED, 3L);
    assertTrue(l.flush(5000), "the worker survived");

    assertEquals(List.of("after"), tracker.calls(Batch.class).stream()
        .flatMap(b -> b.metrics().stream()).map(Metric::key).toList());
    assertEquals(RunStatus.FINISHED, tracker.calls(Status.class).get(0).status());
    long lines = err.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("OutOfMemoryError")).count();
    assertEquals(1, lines, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRunTheTrackerCannotCreateLosesItsDataButOtherRunsDoNot() {
    AsyncLogger l = newLogger(1000);
    tracker.failExperiment = "broken"::equals;
    RunHandle lost = new RunHandle("lost");
    RunHandle kept = new RunHandle("kept");
    l.createRun(lost, "broken", 1L, runName("lost"), null);
    l.logData(lost, Map.of("p", "1"), Map.of());
    l.createRun(kept, "fine", 1L, runName("kept"), null);
    l.logData(kept, Map.of("p", "2"), Map.of());
    l.start();
    assertTrue(l.flush(5000));

    assertTrue(lost.creationFailed());
    assertNull(lost.info());
    assertEquals(1, l.failedWrites());
    List<Batch> batches = tracker.calls(Batch.class);
    assertEquals(1, batches.size());
    assertEquals(kept.info().runId(), batches.get(0).runId());
  }

  @Test
  void workRunsOnTheWorkerAndWhatItQueuesIsHandledBeforeLaterEvents() {
    AsyncLogger l = newLogger(1000);
    RunHandle run = new RunHandle("r");
    AtomicReference<String> thread = new AtomicReference<>();
    AtomicBoolean onWorker = new AtomicBoolean();
    l.createRun(run, null, 1L, runName("r"), null);
    l.runOnWorker(() -> {
      thread.set(Thread.currentThread().getName());
      onWorker.set(l.isWorkerThread());
      l.logData(run, Map.of(), Map.of("from", "task"));
      l.updateStatus(run, RunStatus.FINISHED, 2L);
    });
    // Queued before the worker even starts, so only inline handling puts the task's events first.
    l.updateStatus(run, RunStatus.KILLED, 3L);
    l.start();
    assertTrue(l.flush(5000));

    String id = run.info().runId();
    assertEquals(List.of(
        new Created(id, null, "r", 1L, runName("r")),
        new Batch(id, List.of(), Map.of(), Map.of("from", "task")),
        new Status(id, RunStatus.FINISHED, 2L),
        new Status(id, RunStatus.KILLED, 3L)), tracker.calls());
    assertEquals("autolog-logger", thread.get());
    assertTrue(onWorker.get());
    assertFalse(l.isWorkerThread());
  }

  @Test
  void aFailingTaskDoesNotStopTheWorker() {
    AsyncLogger l = newLogger(1000);
    l.start();
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    l.runOnWorker(() -> {
      throw new IllegalStateException("task failed");
    });
    l.updateStatus(run, RunStatus.FINISHED, 2L);
    assertTrue(l.flush(5000));
    assertEquals(1, tracker.calls(Status.class).size());
  }

  @Test
  void childRunsNameTheirParent() {
    AsyncLogger l = newLogger(1000);
    RunHandle parent = new RunHandle("job");
    RunHandle child = new RunHandle("child");
    l.createRun(parent, null, 1L, runName("job"), null);
    l.createRun(child, null, 2L, runName("child"), parent);
    l.start();
    assertTrue(l.flush(5000));

    assertEquals(parent.info().runId(), tracker.created("child").tags().get("mlflow.parentRunId"));
    assertNull(tracker.created("job").tags().get("mlflow.parentRunId"));
  }

  @Test
  void temporaryArtifactsAreDeletedOnceCopied() throws Exception {
    AsyncLogger l = newLogger(1000);
    l.start();
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    Path temporary = Files.writeString(temp.resolve("tmp.txt"), "temporary");
    Path kept = Files.writeString(temp.resolve("kept.txt"), "kept");
    l.logArtifact(run, "dir/tmp.txt", temporary, true);
    l.logArtifact(run, "kept.txt", kept, false);
    assertTrue(l.flush(5000));

    String id = run.info().runId();
    assertEquals(List.of(new Artifact(id, "dir/tmp.txt", "temporary", "autolog-logger"),
        new Artifact(id, "kept.txt", "kept", "autolog-logger")), tracker.calls(Artifact.class));
    assertFalse(Files.exists(temporary));
    assertTrue(Files.exists(kept));
  }

  @Test
  void theTickerRunsOnTheWorker() throws InterruptedException {
    AsyncLogger l = newLogger(1000);
    CountDownLatch ticked = new CountDownLatch(2);
    AtomicReference<String> thread = new AtomicReference<>();
    l.setTicker(() -> {
      thread.set(Thread.currentThread().getName());
      ticked.countDown();
    });
    l.start();
    assertTrue(ticked.await(5, TimeUnit.SECONDS));
    assertEquals("autolog-logger", thread.get());
  }

  @Test
  void shutdownDeliversWhatIsQueuedAndClosesTheTracker() {
    AsyncLogger l = newLogger(1000);
    l.start();
    RunHandle run = new RunHandle("r");
    l.createRun(run, null, 1L, runName("r"), null);
    l.logMetric(run, "m", 1, 1L, 0);
    l.updateStatus(run, RunStatus.FINISHED, 2L);
    logger = null;
    l.shutdown(5000);

    assertTrue(tracker.closed());
    assertEquals(List.of(Created.class, Batch.class, Status.class),
        tracker.calls().stream().map(Object::getClass).toList());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
