package dev.autolog.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.ForwardingTracker;
import dev.autolog.core.logger.RecordingTracker;
import dev.autolog.core.logger.RecordingTracker.Status;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracker slower than the grace period: the worker is still creating runs when their grace ends.
 * The end of each run must still be written after its creation, never dropped.
 */
class SlowTrackerTest {
  @TempDir Path dir;

  @Test
  void runsFinishedWhileTheirCreationIsStillQueuedEndFinished() throws InterruptedException {
    RecordingTracker recording = new RecordingTracker();
    Tracker slow = new SlowCreation(recording, 300);
    AsyncLogger logger = new AsyncLogger(slow, 10_000);
    RunManager manager = new RunManager(
        ConfigLoader.load("finish_grace_ms=20,flush_timeout_ms=5000", Map.of(), Map.of(), dir, dir).config(),
        logger, new RunContext("tester", "Train", "job", null));
    manager.installTicker();
    logger.start();
    List<Object> models = List.of(new Object(), new Object(), new Object());
    for (Object model : models) {
      manager.exitTraining(model, manager.enterTraining(model, "dl4j", "Net"), null);
      Thread.sleep(50); // the worker takes each creation on its own, the next ones wait in the queue
    }
    // Three creations take 900 ms; every grace period (20 ms) ends long before.
    long deadline = System.currentTimeMillis() + 5000;
    while (recording.calls(Status.class).size() < 3 && System.currentTimeMillis() < deadline) {
      logger.flush(100);
    }
    List<Status> statuses = recording.calls(Status.class);
    assertEquals(3, statuses.size(), recording.calls().toString());
    statuses.forEach(s -> assertEquals(RunStatus.FINISHED, s.status()));
    manager.shutdown();
  }

  /** Delegates to another tracker, taking {@code delayMillis} to create each run. */
  private static final class SlowCreation extends ForwardingTracker {
    private final long delayMillis;

    SlowCreation(Tracker delegate, long delayMillis) {
      super(delegate);
      this.delayMillis = delayMillis;
    }

    @Override
    public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
        throws IOException {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return delegate.createRun(experimentId, runName, startTime, tags);
    }

    @Override
    public String describe() {
      return "slow " + delegate.describe();
    }
  }
}
