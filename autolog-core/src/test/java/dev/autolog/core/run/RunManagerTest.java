package dev.autolog.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.config.ConfigResult;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RecordingTracker;
import dev.autolog.core.logger.RecordingTracker.Artifact;
import dev.autolog.core.logger.RecordingTracker.Call;
import dev.autolog.core.logger.RecordingTracker.Created;
import dev.autolog.core.logger.RecordingTracker.Status;
import dev.autolog.core.tracking.RunStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunManagerTest {
  private static final String LONG_GRACE = "finish_grace_ms=60000,flush_timeout_ms=2000";
  private static final String SHORT_GRACE = "finish_grace_ms=50,flush_timeout_ms=2000";

  /** A model whose instances are equal when their ids are: runs must still go by identity. */
  private record Model(int id) {}

  @TempDir Path dir;
  private final RecordingTracker tracker = new RecordingTracker();
  private RunManager manager;
  private AsyncLogger logger;

  @AfterEach
  void shutDown() {
    if (manager != null) {
      manager.shutdown();
    }
  }

  private RunManager manager(String agentArgs) {
    ConfigResult result = ConfigLoader.load(agentArgs, Map.of(), Map.of(), dir, dir);
    assertEquals(List.of(), result.errors());
    logger = new AsyncLogger(tracker, 10_000);
    manager = new RunManager(result.config(), logger, new RunContext("tester", "Train", "train-job", null));
    manager.installTicker();
    logger.start();
    return manager;
  }

  private ModelRun train(RunManager m, Object model) {
    ModelRun run = m.enterTraining(model, "dl4j", "Model");
    m.exitTraining(model, run, null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    return run;
  }

  private List<Status> statuses(ModelRun run) {
    return tracker.callsFor(id(run)).stream().filter(Status.class::isInstance).map(Status.class::cast).toList();
  }

  private static String id(ModelRun run) {
    return run.handle().info().runId();
  }

  @Test
  void eachModelInstanceGetsItsOwnRunEvenWhenModelsAreEqual() {
    RunManager m = manager(LONG_GRACE);
    Model a = new Model(1);
    Model b = new Model(1);
    ModelRun runA = train(m, a);
    ModelRun runB = train(m, b);

    assertNotSame(runA, runB);
    assertSame(runA, m.runOf(a));
    assertSame(runB, m.runOf(b));
    assertEquals(List.of("Model-1", "Model-2"), tracker.calls(Created.class).stream().map(Created::runName).toList());
  }

  @Test
  void theRunCarriesConfiguredAndSystemTagsInTheConfiguredExperiment() {
    RunManager m = manager(LONG_GRACE + ",experiment_name=demo,tags=team:ml");
    ModelRun run = train(m, new Model(1));

    Created created = tracker.created("Model-1");
    assertEquals(id(run), created.runId());
    assertEquals("demo", created.experimentName());
    assertEquals(Map.of("team", "ml", "mlflow.user", "tester", "mlflow.source.name", "Train",
        "mlflow.source.type", "LOCAL", "mlflow.autologging", "dl4j", "mlflow.runName", "Model-1"), created.tags());
  }

  @Test
  void aSecondCallWithinTheGraceContinuesTheRunWithoutStatusChanges() {
    RunManager m = manager(LONG_GRACE);
    Model model = new Model(1);
    ModelRun first = train(m, model);
    ModelRun second = train(m, model);

    assertSame(first, second);
    assertEquals(2, second.calls());
    assertTrue(second.isRunning());
    assertEquals(1, tracker.calls(Created.class).size());
    assertEquals(List.of(), tracker.calls(Status.class));
  }

  @Test
  void afterTheGraceTheRunFinishesWithItsFinisherAndTheLastExitTime() {
    RunManager m = manager(SHORT_GRACE);
    Model model = new Model(1);
    AtomicReference<String> sinkRunId = new AtomicReference<>();
    AtomicReference<String> finisherThread = new AtomicReference<>();
    ModelRun run = m.enterTraining(model, "dl4j", "Model");
    run.setFinisher(sink -> {
      sinkRunId.set(sink.runId());
      finisherThread.set(Thread.currentThread().getName());
      sink.addText("model/summary.txt", "trained");
    });
    long before = System.currentTimeMillis();
    m.exitTraining(model, run, null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    long after = System.currentTimeMillis();

    await(() -> !statuses(run).isEmpty());
    List<Call> calls = tracker.callsFor(id(run));
    assertEquals(3, calls.size(), calls.toString());
    assertEquals("model/summary.txt", assertInstanceOf(Artifact.class, calls.get(1)).path());
    assertEquals("trained", ((Artifact) calls.get(1)).content());
    Status finished = assertInstanceOf(Status.class, calls.get(2));
    assertEquals(RunStatus.FINISHED, finished.status());
    assertTrue(finished.endTime() >= before && finished.endTime() <= after, "end time is the call's exit time");
    assertEquals(id(run), sinkRunId.get());
    assertEquals("autolog-logger", finisherThread.get());
    assertFalse(run.isRunning());
  }

  @Test
  void aCallAfterTheRunFinishedResumesIt() {
    RunManager m = manager(SHORT_GRACE);
    Model model = new Model(1);
    ModelRun run = train(m, model);
    await(() -> statuses(run).size() == 1);

    ModelRun again = m.enterTraining(model, "dl4j", "Model");
    assertSame(run, again);
    assertTrue(again.isRunning());
    m.exitTraining(model, again, null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    assertEquals(new Status(id(run), RunStatus.RUNNING, null), statuses(run).get(1));

    // ...and it finishes again after the next grace.
    await(() -> statuses(run).size() == 3);
    assertEquals(RunStatus.FINISHED, statuses(run).get(2).status());
    assertEquals(1, tracker.calls(Created.class).size());
  }

  @Test
  void aCallThatThrowsFailsTheRunAtOnceAndTheNextCallOpensANewRun() {
    RunManager m = manager(LONG_GRACE);
    Model model = new Model(1);
    ModelRun run = m.enterTraining(model, "dl4j", "Model");
    run.setFinisher(sink -> sink.addText("never.txt", "x"));
    long before = System.currentTimeMillis();
    m.exitTraining(model, run, new IllegalStateException("diverged"));
    logger.flush(2000); // the manager flushes at most once a second after a call
    long after = System.currentTimeMillis();

    List<Status> statuses = statuses(run);
    assertEquals(1, statuses.size());
    assertEquals(RunStatus.FAILED, statuses.get(0).status());
    assertTrue(statuses.get(0).endTime() >= before && statuses.get(0).endTime() <= after);
    assertEquals(List.of(), tracker.calls(Artifact.class)); // no finisher for a failed run
    assertNull(m.runOf(model));

    ModelRun next = train(m, model);
    assertNotSame(run, next);
    assertEquals("Model-2", next.name());
    assertEquals(2, tracker.calls(Created.class).size());
  }

  @Test
  void shutdownKillsARunInsideACallAndFinishesAnIdleOne() {
    RunManager m = manager(LONG_GRACE);
    Model busy = new Model(1);
    Model idle = new Model(2);
    ModelRun busyRun = m.enterTraining(busy, "dl4j", "Model");
    busyRun.setFinisher(sink -> sink.addText("busy.txt", "x"));
    ModelRun idleRun = m.enterTraining(idle, "dl4j", "Model");
    idleRun.setFinisher(sink -> sink.addText("idle.txt", "done"));
    m.exitTraining(idle, idleRun, null);
    logger.flush(2000); // the manager flushes at most once a second after a call

    manager = null;
    m.shutdown();

    assertEquals(List.of(RunStatus.KILLED), statuses(busyRun).stream().map(Status::status).toList());
    assertEquals(List.of(RunStatus.FINISHED), statuses(idleRun).stream().map(Status::status).toList());
    assertEquals(List.of("idle.txt"), tracker.calls(Artifact.class).stream().map(Artifact::path).toList());
    assertTrue(tracker.closed());
  }

  @Test
  void runPerCallGivesEveryCallARunOfItsOwnFinishedRightAway() {
    RunManager m = manager(LONG_GRACE + ",run_per_call=true");
    Model model = new Model(1);
    ModelRun first = train(m, model);
    ModelRun second = train(m, model);

    assertNotSame(first, second);
    assertEquals(List.of(RunStatus.FINISHED), statuses(first).stream().map(Status::status).toList());
    assertEquals(List.of(RunStatus.FINISHED), statuses(second).stream().map(Status::status).toList());
    assertEquals(List.of("Model-1", "Model-2"), tracker.calls(Created.class).stream().map(Created::runName).toList());
  }

  @Test
  void nestedRunsAreChildrenOfOneParentNamedAfterTheJob() {
    RunManager m = manager(LONG_GRACE + ",nested=true");
    ModelRun first = train(m, new Model(1));
    ModelRun second = train(m, new Model(2));

    List<Created> created = tracker.calls(Created.class);
    assertEquals(List.of("train-job", "Model-1", "Model-2"), created.stream().map(Created::runName).toList());
    String parentId = created.get(0).runId();
    assertNull(created.get(0).tags().get("mlflow.parentRunId"));
    assertEquals(parentId, tracker.created("Model-1").tags().get("mlflow.parentRunId"));
    assertEquals(parentId, tracker.created("Model-2").tags().get("mlflow.parentRunId"));

    manager = null;
    m.shutdown();
    assertEquals(List.of(RunStatus.FINISHED), tracker.callsFor(parentId).stream()
        .filter(Status.class::isInstance).map(c -> ((Status) c).status()).toList());
    assertEquals(RunStatus.FINISHED, statuses(first).get(0).status());
    assertEquals(RunStatus.FINISHED, statuses(second).get(0).status());
  }

  @Test
  void runNamesCountUpPerBaseName() {
    RunManager m = manager(LONG_GRACE + ",run_per_call=true");
    Object model = new Object();
    m.exitTraining(model, m.enterTraining(model, "dl4j", "Net"), null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    m.exitTraining(model, m.enterTraining(model, "dl4j", "Net"), null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    m.exitTraining(model, m.enterTraining(model, "dl4j", "Tree"), null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    assertEquals(List.of("Net-1", "Net-2", "Tree-1"),
        tracker.calls(Created.class).stream().map(Created::runName).toList());
  }

  @Test
  void aConfiguredRunNameIsUsedAsIsThenNumberedFromTwo() {
    RunManager m = manager(LONG_GRACE + ",run_per_call=true,run_name=x");
    Object model = new Object();
    for (int i = 0; i < 3; i++) {
      m.exitTraining(model, m.enterTraining(model, "dl4j", "Net"), null);
      logger.flush(2000); // the manager flushes at most once a second after a call
    }
    assertEquals(List.of("x", "x-2", "x-3"), tracker.calls(Created.class).stream().map(Created::runName).toList());
  }

  @Test
  void runInfoFileDescribesTheEndedRun() throws IOException {
    RunManager m = manager(LONG_GRACE + ",run_per_call=true,run_info_file=out/run.json");
    ModelRun run = train(m, new Model(1));

    JsonNode json = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile());
    assertEquals(id(run), json.path("run_id").asText());
    assertEquals("Model-1", json.path("run_name").asText());
    assertEquals(run.handle().info().experimentId(), json.path("experiment_id").asText());
    assertEquals("FINISHED", json.path("status").asText());
    assertEquals("mem://" + id(run), json.path("location").asText());
  }

  @Test
  void runInfoFileReportsAFailedRun() throws IOException {
    RunManager m = manager(LONG_GRACE + ",run_info_file=run.json");
    Model model = new Model(1);
    ModelRun run = m.enterTraining(model, "dl4j", "Model");
    m.exitTraining(model, run, new RuntimeException("boom"));
    logger.flush(2000); // the manager flushes at most once a second after a call

    JsonNode json = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
    assertEquals(id(run), json.path("run_id").asText());
    assertEquals("FAILED", json.path("status").asText());
  }

  @Test
  void evaluatingATrainedModelUsesItsRun() {
    RunManager m = manager(LONG_GRACE);
    Model model = new Model(1);
    ModelRun trained = train(m, model);

    ModelRun evaluated = m.enterEvaluation(model, "dl4j", "Model");
    assertSame(trained, evaluated);
    // A failing evaluation does not fail the model's training run.
    m.exitEvaluation(model, evaluated, new RuntimeException("bad data"));
    logger.flush(2000); // the manager flushes at most once a second after a call
    assertTrue(trained.isRunning());
    assertEquals(1, tracker.calls(Created.class).size());
    assertEquals(List.of(), tracker.calls(Status.class));
  }

  @Test
  void evaluatingAnUntrainedModelOpensARunEndedLikeATrainingRun() {
    RunManager m = manager(SHORT_GRACE);
    Model model = new Model(1);
    ModelRun run = m.enterEvaluation(model, "dl4j", "Model");
    assertSame(run, m.runOf(model));
    m.exitEvaluation(model, run, null);
    logger.flush(2000); // the manager flushes at most once a second after a call
    assertEquals(List.of("Model-1"), tracker.calls(Created.class).stream().map(Created::runName).toList());

    await(() -> !statuses(run).isEmpty());
    assertEquals(RunStatus.FINISHED, statuses(run).get(0).status());
  }

  @Test
  void aFailingEvaluationOfAnUntrainedModelFailsItsRun() {
    RunManager m = manager(LONG_GRACE);
    Model model = new Model(1);
    ModelRun run = m.enterEvaluation(model, "dl4j", "Model");
    m.exitEvaluation(model, run, new RuntimeException("bad data"));
    logger.flush(2000); // the manager flushes at most once a second after a call
    assertEquals(List.of(RunStatus.FAILED), statuses(run).stream().map(Status::status).toList());
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within 5 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }
}
