package dev.autolog.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.ForwardingTracker;
import dev.autolog.core.logger.RecordingTracker;
import dev.autolog.core.logger.RecordingTracker.Batch;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.Metric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunks of one write go out several requests at a time where the tracker allows it, and none is lost. */
class ConcurrentBatchesTest {
  @TempDir Path temp;

  /** A tracker whose batches must meet in pairs: sent one at a time, the first would wait in vain. */
  private static final class PairedTracker extends ForwardingTracker {
    final RecordingTracker recorded;
    final CyclicBarrier pairs = new CyclicBarrier(2);
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger failuresLeft = new AtomicInteger();

    PairedTracker() {
      this(new RecordingTracker());
    }

    private PairedTracker(RecordingTracker recorded) {
      super(recorded);
      this.recorded = recorded;
    }

    @Override
    public boolean concurrentBatches() {
      return true;
    }

    @Override
    public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
        throws IOException {
      threads.add(Thread.currentThread().getName());
      try {
        pairs.await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("batches were not sent at the same time", e);
      }
      if (failuresLeft.getAndDecrement() > 0) {
        throw new java.net.SocketTimeoutException("timeout");
      }
      super.logBatch(runId, metrics, params, tags);
    }
  }

  private static long delivered(RecordingTracker tracker) {
    return tracker.calls(Batch.class).stream().mapToLong(b -> b.metrics().size()).sum();
  }

  @Test
  void chunksOfOneWriteAreSentConcurrently() {
    PairedTracker tracker = new PairedTracker();
    AsyncLogger logger = new AsyncLogger(tracker, 100_000, temp.resolve("journal"), 1 << 30);
    RunHandle run = new RunHandle("wide");
    logger.createRun(run, null, 1L, Map.of("mlflow.runName", "wide"), null);
    for (int i = 0; i < 4000; i++) {
      logger.logMetric(run, "loss", i, 1L, i);
    }
    logger.start(); // everything is queued: the worker takes it in one write of four 1000-point chunks
    assertTrue(logger.flush(10_000));
    assertEquals(4000, delivered(tracker.recorded));
    assertTrue(tracker.threads.size() >= 2, tracker.threads.toString());
    assertTrue(tracker.threads.stream().allMatch(t -> t.startsWith("autolog-sender-")), tracker.threads.toString());
    logger.shutdown(1000);
  }

  @Test
  void aChunkThatFailsGoesToTheJournalAndArrivesLater() throws Exception {
    PairedTracker tracker = new PairedTracker();
    tracker.failuresLeft.set(1);
    AsyncLogger logger = new AsyncLogger(tracker, 100_000, temp.resolve("journal"), 1 << 30);
    RunHandle run = new RunHandle("retried");
    logger.createRun(run, null, 1L, Map.of("mlflow.runName", "retried"), null);
    for (int i = 0; i < 2000; i++) {
      logger.logMetric(run, "loss", i, 1L, i);
    }
    logger.start();
    assertTrue(logger.flush(10_000));
    assertEquals(1000, delivered(tracker.recorded), "one chunk arrived, the other waits in the journal");
    // The journaled chunk is retried alone; a partner thread meets it at the barrier.
    Thread partner = new Thread(() -> {
      try {
        tracker.pairs.await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the test fails below if the chunk never came
      }
    });
    partner.start();
    logger.shutdown(10_000);
    partner.join();
    assertEquals(2000, delivered(tracker.recorded), "nothing lost");
    assertEquals(2000, tracker.recorded.calls(Batch.class).stream().flatMap(b -> b.metrics().stream())
        .map(Metric::step).distinct().count(), "nothing twice");
  }
}
