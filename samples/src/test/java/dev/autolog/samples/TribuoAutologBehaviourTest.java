package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.samples.MlflowFileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How Tribuo runs end and how settings change them, each on one section of the unchanged sample
 * under the real agent jar in a forked JVM.
 */
class TribuoAutologBehaviourTest {
  @TempDir Path dir;
  @TempDir Path plainDir;

  @Test
  void modelsAreSavedInTribuosFormatOnlyUnlessOnnxIsAskedFor() throws Exception {
    // The regression model (linear SGD) is ONNXExportable; the end-to-end test turns the export on.
    ForkedJob.Result agent = ForkedJob.of(TribuoLegacyJob.class).args("regression").withAgent(null).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Run run = agent.onlyRun();
    assertEquals("org.tribuo.regression.sgd.linear.LinearSGDModel", run.param("model_class"));
    assertTrue(Files.size(run.artifact("model/model.tribuo")) > 0);
    assertFalse(Files.exists(run.artifact("model/model.onnx")), "ONNX export is off by default");
    assertFalse(Files.readString(run.artifact("model/MLmodel")).contains("onnx"));
  }

  @Test
  void failingTrainIsAFailedRunAndTheJobFailsExactlyAsWithoutTheAgent() throws Exception {
    ForkedJob.Result plain = ForkedJob.of(TribuoLegacyJob.class).args("classification", "--fail").runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(TribuoLegacyJob.class).args("classification", "--fail").withAgent(null).runIn(dir);

    assertEquals(1, plain.exitCode(), plain::toString);
    assertEquals(plain.exitCode(), agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    // The same exception and stack trace: the inlined hook calls add no frames.
    assertEquals(withoutTimestamps(plain.stderr()), withoutTimestamps(agent.stderrWithoutAgent()));
    assertTrue(agent.stderr().contains(
        "java.lang.IllegalArgumentException: The supplied Dataset contained unknown Outputs, and this Trainer is supervised."));

    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    assertEquals(List.of("LogisticRegressionTrainer-1"), List.copyOf(runs.keySet()));
    Run run = runs.get("LogisticRegressionTrainer-1");
    assertEquals(4, run.status(), "FAILED");
    assertEquals("601", run.param("dataset.num-examples"), "params are read before training");
    assertEquals("5", run.param("trainer.epochs"));
    assertTrue(run.metric("training_time_ms").isEmpty());
    assertFalse(Files.exists(run.artifact("model")), "a failed run logs no model");
    assertTrue(agent.agentLines().stream().anyMatch(l -> l.contains("View run LogisticRegressionTrainer-1 (FAILED)")));
  }

  @Test
  void nestedRunsPutTheCrossValidationUnderTheJobRunAndTheFoldsUnderTheCrossValidation() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(TribuoLegacyJob.class).args("cross-validation")
        .withAgent("nested=true,experiment_name=tribuo jobs").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    MlflowFileStore store = new MlflowFileStore(agent.mlruns());
    Map<String, Run> runs = store.runs(store.experiments().get("tribuo jobs"));
    assertEquals(5, runs.size(), runs.keySet().toString());
    Run job = runs.get("TribuoLegacyJob");
    Run cv = runs.get("CrossValidation-1");
    assertNull(job.tag("mlflow.parentRunId"));
    assertEquals(job.id(), cv.tag("mlflow.parentRunId"));
    for (String fold : List.of("LogisticRegressionTrainer-1", "LogisticRegressionTrainer-2", "LogisticRegressionTrainer-3")) {
      assertEquals(cv.id(), runs.get(fold).tag("mlflow.parentRunId"), fold);
      assertEquals(3, runs.get(fold).status());
    }
    assertEquals(3, cv.status());
    assertEquals(3, job.status());
  }

  @Test
  void logModelsFalseKeepsEverythingButTheModel() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(TribuoLegacyJob.class).args("regression").withAgent("log_models=false").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    Run run = runs.get("LinearSGDTrainer-1");
    assertEquals(1, runs.size(), runs.keySet().toString());
    assertFalse(Files.exists(run.artifact("model")));
    assertTrue(Files.isRegularFile(run.artifact("provenance.json")));
    assertEquals(15, run.metric("loss").size());
    assertTrue(run.metricKeys().contains("eval_rmse"));
  }

  @Test
  void tribuoDisabledIsANoOp() throws Exception {
    ForkedJob.Result plain = ForkedJob.of(TribuoLegacyJob.class).args("clustering").runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(TribuoLegacyJob.class).args("clustering")
        .withAgent(null).jvmArg("-Dautolog.tribuo.enabled=false").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    assertFalse(Files.exists(agent.mlruns()), "nothing recorded");
  }

  private static String withoutTimestamps(String stderr) {
    return TribuoAutologEndToEndTest.JUL_TIMESTAMP.matcher(stderr).replaceAll("");
  }
}
