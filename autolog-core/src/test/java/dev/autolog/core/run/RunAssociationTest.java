package dev.autolog.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RecordingTracker;
import dev.autolog.core.logger.RecordingTracker.Created;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs opened for a call and tied to the model the call returns, and runs with an explicit parent. */
class RunAssociationTest {
  @TempDir Path dir;
  private final RecordingTracker tracker = new RecordingTracker();
  private AsyncLogger logger;
  private RunManager manager;

  @AfterEach
  void shutDown() {
    manager.shutdown();
  }

  private RunManager manager(String args) {
    logger = new AsyncLogger(tracker, 10_000);
    manager = new RunManager(ConfigLoader.load(args, Map.of(), Map.of(), dir, dir).config(), logger,
        new RunContext("tester", "Train", "job", null));
    manager.installTicker();
    logger.start();
    return manager;
  }

  @Test
  void aModelReturnedByACallJoinsTheCallsRunForLaterEvaluations() {
    RunManager m = manager("finish_grace_ms=60000");
    Object call = new Object();
    Object model = new Object();
    ModelRun run = m.enterTraining(call, "tribuo", "Trainer");
    m.exitTraining(call, run, null);
    assertNull(m.runOf(model));
    m.associate(model, run);
    assertSame(run, m.runOf(model));
    assertSame(run, m.enterEvaluation(model, "tribuo", "Model"));
    logger.flush(2000);
    assertEquals(1, tracker.calls(Created.class).size(), "the evaluation opened no run of its own");
  }

  @Test
  void aRunOpenedWithAParentIsItsChildEvenWhenNestingIsOn() {
    RunManager m = manager("finish_grace_ms=60000,nested=true");
    Object cv = new Object();
    ModelRun parent = m.enterTraining(cv, "tribuo", "CrossValidation");
    Object fold = new Object();
    ModelRun child = m.enterTraining(fold, "tribuo", "Trainer", parent);
    m.exitTraining(fold, child, null);
    m.exitTraining(cv, parent, null);
    logger.flush(2000);
    List<Created> created = tracker.calls(Created.class);
    assertEquals(List.of("job", "CrossValidation-1", "Trainer-1"), created.stream().map(Created::runName).toList());
    String jobId = created.get(0).runId();
    assertEquals(jobId, created.get(1).tags().get("mlflow.parentRunId"), "nested: the job's run is the default parent");
    assertEquals(parent.handle().info().runId(), created.get(2).tags().get("mlflow.parentRunId"));
  }
}
