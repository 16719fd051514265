package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.samples.MlflowFileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy DL4J sample, unchanged, under the real shaded agent jar in a forked JVM, logging into
 * the embedded default (./mlruns of the working directory). Every expectation about counts comes
 * from what the sample does (see Dl4jLegacyJob): 150 train examples in batches of 16 = 10
 * iterations per epoch.
 */
class Dl4jAutologEndToEndTest {
  private static final int ITERATIONS_PER_EPOCH = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path plainDir;
  @TempDir static Path agentDir;

  static ForkedJob.Result plain;
  static ForkedJob.Result withAgent;
  static Map<String, Run> runs;
  static Map<String, String> printed = new HashMap<>();

  @BeforeAll
  static void runSampleWithAndWithoutAgent() throws Exception {
    plain = ForkedJob.of(Dl4jLegacyJob.class).runIn(plainDir);
    withAgent = ForkedJob.of(Dl4jLegacyJob.class).withAgent(null).runIn(agentDir);
    assertEquals(0, plain.exitCode(), plain::toString);
    assertEquals(0, withAgent.exitCode(), withAgent::toString);
    MlflowFileStore store = new MlflowFileStore(withAgent.mlruns());
    assertEquals(Map.of("Default", "0"), store.experiments());
    runs = store.runs("0");
    for (String line : withAgent.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        printed.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
  }

  @Test
  void jobOutputIsIdenticalWithAndWithoutTheAgent() {
    assertEquals(plain.stdout(), withAgent.stdout());
    assertTrue(withAgent.stdout().endsWith("done\n"));
    // Besides the agent's own prefixed lines, stderr is unchanged too.
    assertEquals(plain.stderr(), withAgent.stderrWithoutAgent());
    assertFalse(plain.stderr().contains("[autolog]"));
  }

  @Test
  void agentSaysWhereRunsGoAndWhereEachRunIs() {
    List<String> lines = withAgent.agentLines();
    assertTrue(lines.get(0).contains("local MLflow file store " + withAgent.mlruns()), lines.get(0));
    long views = lines.stream().filter(l -> l.contains("View run ")).count();
    assertEquals(runs.size(), views, String.join("\n", lines));
    for (Run run : runs.values()) {
      assertTrue(lines.stream().anyMatch(l -> l.contains("View run " + run.name() + " (FINISHED) at: " + run.dir())),
          "no View line for " + run.name());
    }
  }

  @Test
  void oneRunPerModelInstance() {
    // classifier, epoch-loop (8 calls), regression, graph and its early-stopping twin, early stopping,
    // reuse: trained, cloned, restored.
    assertEquals(List.of("MultiLayerNetwork-1", "MultiLayerNetwork-2", "MultiLayerNetwork-3", "ComputationGraph-1",
            "ComputationGraph-2", "MultiLayerNetwork-4", "MultiLayerNetwork-5", "MultiLayerNetwork-6",
            "MultiLayerNetwork-7"),
        runs.keySet().stream().sorted((a, b) -> Long.compare(start(a), start(b))).toList());
    for (Run run : runs.values()) {
      assertEquals(3, run.status(), run.name() + " should be FINISHED");
      assertEquals("dl4j", run.tag("mlflow.autologging"));
      assertEquals("LOCAL", run.tag("mlflow.source.type"));
      assertEquals(Dl4jLegacyJob.class.getName(), run.tag("mlflow.source.name"));
      assertEquals(System.getProperty("user.name"), run.tag("mlflow.user"));
      Map<String, String> meta = run.meta();
      assertEquals(run.id(), meta.get("run_id"));
      assertEquals("'0'", meta.get("experiment_id"));
      assertEquals(run.name(), meta.get("run_name"));
      assertTrue(Long.parseLong(meta.get("end_time")) >= Long.parseLong(meta.get("start_time")));
    }
  }

  @Test
  void classifierRunHoldsParamsLossEvaluationAndModel() throws Exception {
    Run run = runs.get("MultiLayerNetwork-1");
    assertEquals("MultiLayerNetwork", run.param("model_class"));
    assertEquals("15", run.param("epochs"));
    assertEquals("16", run.param("batch_size"));
    assertEquals("42", run.param("seed"));
    assertEquals("STOCHASTIC_GRADIENT_DESCENT", run.param("optimization_algo"));
    assertEquals("Adam", run.param("updater"));
    assertEquals("0.01", run.param("learning_rate"));
    assertEquals("0.9", run.param("updater.beta1"));
    assertEquals("0.999", run.param("updater.beta2"));
    assertEquals("1.0E-4", run.param("l2"));
    assertEquals("2", run.param("num_layers"));
    assertEquals(printed.get("classifier.params"), run.param("num_params"));
    assertEquals("DenseLayer", run.param("layer.layer0.type"));
    assertEquals("4", run.param("layer.layer0.n_in"));
    assertEquals("16", run.param("layer.layer0.n_out"));
    assertEquals("relu", run.param("layer.layer0.activation"));
    assertEquals("Xavier", run.param("layer.layer0.weight_init"));
    assertEquals("retain=0.9", run.param("layer.layer0.dropout"));
    assertEquals("OutputLayer", run.param("layer.layer1.type"));
    assertEquals("softmax", run.param("layer.layer1.activation"));
    assertTrue(run.param("layer.layer1.loss").contains("MCXENT"), run.param("layer.layer1.loss"));

    int iterations = 15 * ITERATIONS_PER_EPOCH;
    assertEquals(range(iterations), run.steps("loss"));
    assertEquals(range(15), run.steps("epoch_loss"));
    assertTrue(run.last("epoch_loss") < run.metric("epoch_loss").get(0)[1], "training should lower the loss");

    assertEquals(List.of((long) iterations), run.steps("eval_accuracy"));
    assertEquals(printed.get("classifier.accuracy"), fmt(run.last("eval_accuracy")));
    assertEquals(printed.get("classifier.f1"), fmt(run.last("eval_f1")));
    assertEquals(printed.get("classifier.averageAUC"), fmt(run.last("eval_auc")));
    assertTrue(run.metricKeys().containsAll(List.of("eval_precision", "eval_recall", "eval_auprc")));

    assertModelArtifacts(run, "org.deeplearning4j.nn.multilayer.MultiLayerNetwork");
  }

  @Test
  void epochLoopOfEightCallsIsOneContinuousRun() {
    Run run = runs.get("MultiLayerNetwork-2");
    assertEquals(printed.get("epoch-loop.iterationCount"), Integer.toString(run.metric("loss").size()));
    assertEquals(range(5 * ITERATIONS_PER_EPOCH + 3), run.steps("loss"));
    assertEquals(range(5), run.steps("epoch_loss"));
    assertEquals("1", run.param("epochs"));
    assertEquals(printed.get("epoch-loop.accuracy"), fmt(run.last("eval_accuracy")));
  }

  @Test
  void regressionRunHoldsRegressionMetricsAndScheduledLearningRate() {
    Run run = runs.get("MultiLayerNetwork-3");
    assertEquals(range(100), run.steps("loss"));
    assertEquals(printed.get("regression.averageMSE"), fmt(run.last("eval_mse")));
    assertEquals(printed.get("regression.averageR2"), fmt(run.last("eval_r2")));
    for (String key : List.of("eval_mae", "eval_rmse", "eval_mse_col_0", "eval_r2_col_1", "eval_rmse_col_1")) {
      assertTrue(run.metricKeys().contains(key), key + " in " + run.metricKeys());
    }
    // ExponentialSchedule(EPOCH, 0.01, 0.9): 0.01 in epoch 0, 0.009 in epoch 1, ...
    List<double[]> lr = run.metric("learning_rate");
    assertEquals(100, lr.size());
    assertEquals(0.01, lr.get(0)[1], 1e-12);
    assertEquals(0.009, lr.get(ITERATIONS_PER_EPOCH)[1], 1e-12);
    assertEquals(0.01 * Math.pow(0.9, 9), lr.get(99)[1], 1e-12);
  }

  @Test
  void computationGraphRunIsOneRunDespitePerBatchInnerFits() throws Exception {
    Run run = runs.get("ComputationGraph-1");
    assertEquals(range(100), run.steps("loss"));
    assertEquals(range(10), run.steps("epoch_loss"));
    assertEquals("ComputationGraph", run.param("model_class"));
    assertEquals("DenseLayer", run.param("layer.hidden.type"));
    assertEquals("OutputLayer", run.param("layer.out.type"));
    assertEquals(printed.get("graph.params"), run.param("num_params"));
    assertEquals(printed.get("graph.accuracy"), fmt(run.last("eval_accuracy")));
    assertModelArtifacts(run, "org.deeplearning4j.nn.graph.ComputationGraph");
  }

  @Test
  void earlyStoppingSessionIsOneRunWithItsHistory() {
    Run run = runs.get("MultiLayerNetwork-4");
    assertEquals(range(120), run.steps("loss"));
    assertEquals(range(12), run.steps("early_stopping.score"));
    assertEquals(Double.parseDouble(printed.get("early-stopping.bestEpoch")), run.last("early_stopping.best_epoch"));
    assertEquals(Double.parseDouble(printed.get("early-stopping.totalEpochs")), run.last("early_stopping.total_epochs"));
    assertEquals(printed.get("early-stopping.bestScore"), fmt(run.last("early_stopping.best_score")));
    assertEquals(printed.get("early-stopping.terminationReason"), run.tag("early_stopping.termination_reason"));
    assertEquals(printed.get("early-stopping.terminationDetails"), run.tag("early_stopping.termination_details"));
    assertEquals("MaxEpochsTerminationCondition(12); ScoreImprovementEpochTerminationCondition(maxEpochsWithNoImprovement=4, minImprovement=0.0)",
        run.param("early_stopping.epoch_termination_conditions"));
    assertEquals("1", run.param("early_stopping.evaluate_every_n_epochs"));
    assertEquals("DataSetLossCalculator", run.param("early_stopping.score_calculator"));
    // The score calculator's evaluations are part of training, not user evaluations.
    assertFalse(run.metricKeys().stream().anyMatch(k -> k.startsWith("eval_")), run.metricKeys().toString());
  }

  @Test
  void graphEarlyStoppingSessionIsOneRunToo() {
    Run run = runs.get("ComputationGraph-2");
    int epochs = Integer.parseInt(printed.get("graph.earlyStopping.totalEpochs"));
    assertEquals(5, epochs);
    assertEquals(range(epochs * ITERATIONS_PER_EPOCH), run.steps("loss"));
    assertEquals(range(epochs), run.steps("early_stopping.score"));
    assertEquals(Double.parseDouble(printed.get("graph.earlyStopping.bestEpoch")), run.last("early_stopping.best_epoch"));
    assertEquals("MaxEpochsTerminationCondition(5)", run.param("early_stopping.epoch_termination_conditions"));
    assertEquals("ComputationGraph", run.param("model_class"));
  }

  @Test
  void clonedConfigurationAndRestoredModelGetRunsOfTheirOwn() {
    Run trained = runs.get("MultiLayerNetwork-5");
    Run cloned = runs.get("MultiLayerNetwork-6");
    Run restored = runs.get("MultiLayerNetwork-7");
    assertEquals(range(30), trained.steps("loss"));
    // Its configuration's counters start at 30, but the run's steps start at 0.
    assertEquals("50", printed.get("reuse.cloned.iterationCount"));
    assertEquals(range(20), cloned.steps("loss"));
    assertTrue(restored.metric("loss").isEmpty());
    assertEquals(printed.get("reuse.restored.accuracy"), fmt(restored.last("eval_accuracy")));
    assertEquals("MultiLayerNetwork", restored.param("model_class"));
  }

  private static void assertModelArtifacts(Run run, String modelClass) throws Exception {
    Path zip = run.artifact("model/model.zip");
    assertTrue(Files.size(zip) > 0);
    try (ZipFile z = new ZipFile(zip.toFile())) {
      assertNotNull(z.getEntry("configuration.json"), "ModelSerializer zip holds the configuration");
      assertNotNull(z.getEntry("coefficients.bin"), "ModelSerializer zip holds the parameters");
    }
    String mlmodel = Files.readString(run.artifact("model/MLmodel"));
    assertTrue(mlmodel.contains("flavors:\n  dl4j:\n    data: model.zip\n    dl4j_version: 1.0.0-M2.1\n"), mlmodel);
    assertTrue(mlmodel.contains("model_class: " + modelClass), mlmodel);
    assertTrue(mlmodel.contains("run_id: " + run.id()), mlmodel);
    assertTrue(mlmodel.contains("model_size_bytes: " + Files.size(zip)), mlmodel);
    JsonNode history = JSON.readTree(run.tag("mlflow.log-model.history"));
    assertEquals(run.id(), history.get(0).get("run_id").asText());
    assertEquals("model", history.get(0).get("artifact_path").asText());
    assertTrue(Files.readString(run.artifact("model_summary.txt")).contains("Total Parameters:"));
    JsonNode config = JSON.readTree(run.artifact("model_config.json").toFile());
    assertTrue(config.size() > 0);
  }

  private static long start(String runName) {
    return Long.parseLong(runs.get(runName).meta().get("start_time"));
  }

  private static List<Long> range(int n) {
    return LongStream.range(0, n).boxed().toList();
  }

  private static String fmt(double x) {
    return Dl4jLegacyJob.fmt(x);
  }

  @Test
  void runsAreNotNestedByDefault() {
    for (Run run : runs.values()) {
      assertNull(run.tag("mlflow.parentRunId"), run.name() + ": runs are not nested by default");
    }
  }
}
