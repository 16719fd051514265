package dev.autolog.core.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.logger.RecordingTracker.Batch;
import dev.autolog.core.logger.RecordingTracker.Call;
import dev.autolog.core.logger.RecordingTracker.Status;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the worker is stuck, points beyond the ring's capacity spill to memory-mapped files instead
 * of being dropped, and come out in the order they were logged, with a run's end behind its points.
 */
class SpillTest {
  private static final int RING = 1000;
  private static final int SEGMENT = 1000;

  private final RecordingTracker tracker = new RecordingTracker();
  private AsyncLogger logger;

  @TempDir Path spillDir;

  @AfterEach
  void stop() {
    if (logger != null) {
      tracker.gate = null;
      logger.shutdown(5000);
    }
  }

  @Test
  void pointsBeyondTheRingSpillAcrossSegmentsAndArriveInOrderWithTheRunsEndBehindThem() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RunHandle run = startStuck(gate);
    // The ring takes 1000 points, the two spare segments 2000 more: 2900 points fill the ring and
    // cross into the second segment.
    for (int i = 0; i < 2900; i++) {
      logger.logMetric(run, "loss", i, 1000L + i, i);
    }
    logger.updateStatus(run, RunStatus.FINISHED, 5000L);
    logger.logMetric(run, "loss", 2900, 3900L, 2900);
    assertEquals(0, logger.droppedMetrics(), "nothing dropped while the spill had room");
    assertEquals(1901, logger.spilledMetrics(), "all but the ring's 1000");
    try (Stream<Path> files = Files.list(spillDir)) {
      assertEquals(List.of(), files.toList(), "segment files are deleted once mapped");
    }

    gate.countDown();
    assertTrue(logger.flush(10_000));
    List<Double> before = new ArrayList<>();
    List<Double> after = new ArrayList<>();
    boolean statusSeen = false;
    for (Call call : tracker.calls()) {
      if (call instanceof Status s) {
        assertEquals(RunStatus.FINISHED, s.status());
        statusSeen = true;
      } else if (call instanceof Batch b) {
        for (Metric m : b.metrics()) {
          (statusSeen ? after : before).add(m.value());
        }
      }
    }
    List<Double> expected = new ArrayList<>(List.of(-1.0));
    expected.addAll(range(0, 2900));
    assertEquals(expected, before, "every point logged before the run's end, in order, before it");
    assertEquals(List.of(2900.0), after);

    // Read empty, the spill steps aside: new points go to the ring again.
    logger.logMetric(run, "loss", 2901, 3901L, 2901);
    assertTrue(logger.flush(10_000));
    assertEquals(1901, logger.spilledMetrics());
    assertEquals(0, logger.droppedMetrics());
  }

  @Test
  void withoutRoomInTheSpillPointsAreDroppedAndCounted() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    RunHandle run = startStuck(gate);
    for (int i = 0; i < 3500; i++) {
      logger.logMetric(run, "loss", i, 1000L + i, i);
    }
    // 1000 in the ring, 2000 in the two spare segments; the worker is stuck and maps no more.
    assertEquals(500, logger.droppedMetrics());
    gate.countDown();
    assertTrue(logger.flush(10_000));
    long written = tracker.calls(Batch.class).stream().mapToLong(b -> b.metrics().size()).sum();
    assertEquals(3001, written);
  }

  @Test
  void theSpillHoldsNoMoreThanItsCapAndTakesPointsAgainOnceReadBelowIt() {
    Spill spill = new Spill(spillDir, 100, 1000, 150 * 32); // room for one 100-event segment, not two
    RunHandle run = new RunHandle("r");
    spill.prepareSpares();
    for (int i = 0; i < 100; i++) {
      assertTrue(spill.offerMetric(run, "m", i, i, i), "point " + i);
    }
    assertFalse(spill.offerMetric(run, "m", 100, 100, 100), "past the cap: refused, for the caller to count");
    assertTrue(spill.unavailableReason().contains("reached its cap of 0 MB (journal_max_mb)"), spill.unavailableReason());
    List<Double> read = new ArrayList<>();
    EventRing.Reader reader = new EventRing.Reader() {
      @Override
      public void metric(RunHandle r, String key, double value, long timestamp, long step) {
        read.add(value);
      }

      @Override
      public void event(TrackingEvent event) {}
    };
    assertEquals(100, spill.drain(reader, 1000));
    assertEquals(range(0, 100), read);
    assertEquals(0, spill.drain(reader, 1000), "the full segment is released once read");
    spill.prepareSpares();
    assertTrue(spill.offerMetric(run, "m", 100, 100, 100), "room again below the cap");
    spill.close();
    assertFalse(spill.offerMetric(run, "m", 101, 101, 101), "closed: refused, never written to an unmapped page");
  }

  /**
   * Starts a logger with a run and point -1, and waits until the worker is stuck writing that point
   * until {@code gate} opens; it mapped its spare segments before. Nothing is written meanwhile.
   */
  private RunHandle startStuck(CountDownLatch gate) throws InterruptedException {
    logger = new AsyncLogger(tracker, RING, spillDir, 1L << 30, SEGMENT);
    tracker.gate = gate;
    logger.start();
    RunHandle run = new RunHandle("r");
    logger.createRun(run, null, 1L, Map.of("mlflow.runName", "r"), null);
    logger.logMetric(run, "loss", -1, 999L, -1);
    long deadline = System.currentTimeMillis() + 10_000;
    while (!tracker.waitingAtGate && System.currentTimeMillis() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(tracker.waitingAtGate, "the worker is writing the first point");
    return run;
  }

  private static List<Double> range(int from, int to) {
    List<Double> values = new ArrayList<>();
    for (int i = from; i < to; i++) {
      values.add((double) i);
    }
    return values;
  }
}
