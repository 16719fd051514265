package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.samples.MlflowFileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The legacy Tribuo sample, unchanged, under the real shaded agent jar in a forked JVM, logging into
 * the embedded default (./mlruns of the working directory). Expected values come from what the job
 * printed on stdout and what Tribuo itself logged on stderr (the SGD loss lines).
 */
class TribuoAutologEndToEndTest {
  /** java.util.logging's default first line: "Nov 27, 2026 12:04:42 AM org.tribuo.X method". */
  static final Pattern JUL_TIMESTAMP = Pattern.compile("(?m)^[A-Z][a-z]{2} \\d{1,2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M ");
  private static final Pattern LOSS_LINE = Pattern.compile("^INFO: At iteration (\\d+), average loss = (\\S+)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path plainDir;
  @TempDir static Path agentDir;

  static ForkedJob.Result plain;
  static ForkedJob.Result withAgent;
  static Map<String, Run> runs;
  static List<String> startOrder;
  static final Map<String, String> printed = new HashMap<>();
  /** The SGD loss lines Tribuo logged, one list of {iteration, value} per SGD training, in order. */
  static final List<List<double[]>> sgdTrainings = new ArrayList<>();

  @BeforeAll
  static void runSampleWithAndWithoutAgent() throws Exception {
    plain = ForkedJob.of(TribuoLegacyJob.class).runIn(plainDir);
    // ONNX export on (it is off by default), so the ONNX files of the exportable models are checked too.
    withAgent = ForkedJob.of(TribuoLegacyJob.class).withAgent("tribuo.log_onnx=true").runIn(agentDir);
    assertEquals(0, plain.exitCode(), plain::toString);
    assertEquals(0, withAgent.exitCode(), withAgent::toString);
    MlflowFileStore store = new MlflowFileStore(withAgent.mlruns());
    assertEquals(Map.of("Default", "0"), store.experiments());
    runs = store.runs("0");
    startOrder = runs.keySet().stream()
        .sorted((a, b) -> Long.compare(start(a), start(b)) != 0 ? Long.compare(start(a), start(b)) : a.compareTo(b))
        .toList();
    for (String line : withAgent.stdout().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        printed.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    for (String line : withAgent.stderr().split("\n")) {
      if (line.startsWith("INFO: Training SGD model with ")) {
        sgdTrainings.add(new ArrayList<>());
      }
      Matcher m = LOSS_LINE.matcher(line);
      if (m.matches()) {
        sgdTrainings.get(sgdTrainings.size() - 1).add(new double[] {Long.parseLong(m.group(1)), Double.parseDouble(m.group(2))});
      }
    }
  }

  @Test
  void jobOutputIsIdenticalWithAndWithoutTheAgent() {
    assertEquals(plain.stdout(), withAgent.stdout());
    assertTrue(withAgent.stdout().endsWith("done\n"));
    // Tribuo's own java.util.logging output (loss lines included) is unchanged, timestamps aside.
    String plainLog = JUL_TIMESTAMP.matcher(plain.stderr()).replaceAll("");
    String agentLog = JUL_TIMESTAMP.matcher(withAgent.stderrWithoutAgent()).replaceAll("");
    assertEquals(plainLog, agentLog);
    assertTrue(plainLog.contains("INFO: At iteration 1000, average loss = "), plainLog);
    assertFalse(plain.stderr().contains("[autolog]"));
  }

  @Test
  void oneRunPerOutermostTrainCallAndOneForTheRestoredModel() {
    assertEquals(List.of(
            "LogisticRegressionTrainer-1", "CARTClassificationTrainer-1", "XGBoostClassificationTrainer-1", // classification
            "LinearSGDTrainer-1", // regression
            "KMeansTrainer-1", // clustering
            "CrossValidation-1", "LogisticRegressionTrainer-2", "LogisticRegressionTrainer-3", "LogisticRegressionTrainer-4",
            "BaggingTrainer-1", "TransformTrainer-1", // wrappers: their inner trainers open no run
            "LinearSGDTrainer-2", "LinearSGDModel-1"), // reuse: trained, then restored from its file
        startOrder);
    for (Run run : runs.values()) {
      assertEquals(3, run.status(), run.name() + " should be FINISHED");
      assertEquals("tribuo", run.tag("mlflow.autologging"));
      assertEquals(TribuoLegacyJob.class.getName(), run.tag("mlflow.source.name"));
      assertEquals("4.3.2", run.tag("tribuo.version"));
      assertTrue(Files.isRegularFile(run.artifact("provenance.json")) || run.name().startsWith("CrossValidation"), run.name());
    }
    List<String> agentLines = withAgent.agentLines();
    assertFalse(agentLines.stream().anyMatch(l -> l.contains("WARN") || l.contains("ERROR")), String.join("\n", agentLines));
    assertEquals(runs.size(), agentLines.stream().filter(l -> l.contains("View run ")).count());
  }

  @Test
  void logisticRegressionRunHoldsProvenanceParamsLossEvaluationAndModel() throws Exception {
    Run run = runs.get("LogisticRegressionTrainer-1");
    assertEquals("org.tribuo.classification.sgd.linear.LogisticRegressionTrainer", run.tag("tribuo.trainer"));
    assertEquals("org.tribuo.classification.sgd.linear.LogisticRegressionTrainer", run.param("trainer.class-name"));
    assertEquals("5", run.param("trainer.epochs"));
    assertEquals("1000", run.param("trainer.loggingInterval"));
    assertEquals("org.tribuo.math.optimisers.AdaGrad", run.param("trainer.optimiser.class-name"));
    assertEquals("org.tribuo.classification.sgd.objectives.LogMulticlass", run.param("trainer.objective.class-name"));
    assertEquals("12345", run.param("trainer.seed"));
    assertEquals(printed.get("classification.train.size"), run.param("dataset.num-examples"));
    assertEquals(printed.get("classification.features"), run.param("dataset.num-features"));
    assertEquals("3", run.param("dataset.num-outputs"));
    assertEquals("org.tribuo.data.csv.CSVDataSource", run.param("dataset.datasource.source.class-name"));
    assertTrue(run.param("dataset.datasource.source.dataPath").endsWith("colours.csv"));
    assertEquals("42", run.param("dataset.datasource.seed"));
    assertEquals("org.tribuo.classification.sgd.linear.LinearSGDModel", run.param("model_class"));
    // Values that differ on every run are tags.
    assertNull(run.param("dataset.datasource.source.file-modified-time"));
    assertTrue(run.tag("dataset.datasource.source.file-modified-time").matches("\\d{4}-\\d{2}-\\d{2}T.*"));
    assertTrue(run.tag("trained-at").matches("\\d{4}-\\d{2}-\\d{2}T.*"));

    // The loss is what Tribuo logged (a log-likelihood), negated: lower is better.
    assertLoss(run, sgdTrainings.get(0), -1);
    assertEquals(List.of(1000L, 2000L, 3000L), run.steps("loss"));
    assertEquals(1, run.metric("training_time_ms").size());

    assertLabelEvaluation(run, "classification.lr", 0);
    assertEquals(printed.get("classification.lr.auc"), fmt(run.last("eval_auc")));
    assertModel(run, "org.tribuo.classification.sgd.linear.LinearSGDModel", true);
    JsonNode provenance = JSON.readTree(run.artifact("provenance.json").toFile());
    assertEquals("5", provenance.get("trainer").get("epochs").asText());
    assertEquals("600", provenance.get("dataset").get("num-examples").asText());
  }

  @Test
  void treeAndBoostedTreeRunsHaveNoLossAndNoOnnxFile() throws Exception {
    Run cart = runs.get("CARTClassificationTrainer-1");
    assertEquals("6", cart.param("trainer.maxDepth"));
    assertTrue(cart.metric("loss").isEmpty());
    assertLabelEvaluation(cart, "classification.cart", 0);
    assertEquals("n/a", printed.get("classification.cart.auc"));
    assertFalse(cart.metricKeys().contains("eval_auc"), "CART trees give no probabilities here");
    assertModel(cart, "org.tribuo.common.tree.TreeModel", false);

    Run xgb = runs.get("XGBoostClassificationTrainer-1");
    assertEquals("10", xgb.param("trainer.numTrees"));
    assertLabelEvaluation(xgb, "classification.xgboost", 0);
    assertEquals(printed.get("classification.xgboost.auc"), fmt(xgb.last("eval_auc")));
    assertModel(xgb, "org.tribuo.common.xgboost.XGBoostModel", false);
  }

  @Test
  void regressionRunHasPerDimensionMetricsByNameAndTheLossAsLogged() {
    Run run = runs.get("LinearSGDTrainer-1");
    assertEquals("org.tribuo.regression.sgd.linear.LinearSGDTrainer", run.tag("tribuo.trainer"));
    assertEquals("300", run.param("dataset.num-examples"));
    assertEquals("2", run.param("dataset.num-outputs"));
    assertEquals(printed.get("regression.rmse"), fmt(run.last("eval_rmse")));
    assertEquals(printed.get("regression.mae"), fmt(run.last("eval_mae")));
    assertEquals(printed.get("regression.r2"), fmt(run.last("eval_r2")));
    assertEquals(printed.get("regression.explainedVariance"), fmt(run.last("eval_explained_variance")));
    for (String dimension : List.of("load", "cost")) {
      assertEquals(printed.get("regression." + dimension + ".rmse"), fmt(run.last("eval_" + dimension + "_rmse")));
      assertEquals(printed.get("regression." + dimension + ".r2"), fmt(run.last("eval_" + dimension + "_r2")));
    }
    // Squared loss is logged as the loss itself: 300 examples * 10 epochs / 200 = 15 points.
    assertLoss(run, sgdTrainings.get(1), 1);
    assertEquals(15, run.metric("loss").size());
    assertFalse(Files.exists(run.artifact("confusion_matrix.csv")));
  }

  @Test
  void clusteringRunHasMutualInformation() {
    Run run = runs.get("KMeansTrainer-1");
    assertEquals("5", run.param("trainer.centroids"));
    assertEquals("500", run.param("dataset.num-examples"));
    assertEquals(printed.get("clustering.normalizedMI"), fmt(run.last("eval_normalized_mi")));
    assertEquals(printed.get("clustering.adjustedMI"), fmt(run.last("eval_adjusted_mi")));
    assertEquals("org.tribuo.clustering.kmeans.KMeansModel", run.param("model_class"));
  }

  @Test
  void crossValidationIsAParentRunWithOneChildPerFold() {
    Run parent = runs.get("CrossValidation-1");
    assertEquals("3", parent.param("cv.k"));
    assertEquals("42", parent.param("cv.seed"));
    assertEquals("org.tribuo.classification.evaluation.LabelEvaluator", parent.param("cv.evaluator"));
    assertEquals("600", parent.param("dataset.num-examples"));
    assertEquals(printed.get("cross-validation.accuracy.mean"), fmt(parent.last("eval_accuracy_mean")));
    assertEquals(printed.get("cross-validation.accuracy.std"), fmt(parent.last("eval_accuracy_std")));
    assertEquals(printed.get("cross-validation.f1.mean"), fmt(parent.last("eval_f1_mean")));
    assertEquals(printed.get("cross-validation.f1.std"), fmt(parent.last("eval_f1_std")));
    assertNull(parent.tag("mlflow.parentRunId"));
    assertFalse(Files.exists(parent.artifact("model")));
    for (int fold = 0; fold < 3; fold++) {
      Run child = runs.get("LogisticRegressionTrainer-" + (fold + 2));
      assertEquals(parent.id(), child.tag("mlflow.parentRunId"));
      assertEquals(Integer.toString(fold), child.tag("tribuo.cv.fold"));
      assertEquals("400", child.param("dataset.num-examples"));
      assertEquals(printed.get("cross-validation.fold" + fold + ".accuracy"), fmt(child.last("eval_accuracy")));
      assertLoss(child, sgdTrainings.get(2 + fold), -1);
      assertTrue(Files.isRegularFile(child.artifact("model/model.tribuo")));
    }
  }

  @Test
  void wrapperTrainersAreOneRunEach() throws Exception {
    Run bagging = runs.get("BaggingTrainer-1");
    assertEquals("5", bagging.param("trainer.numMembers"));
    assertEquals("org.tribuo.classification.dtree.CARTClassificationTrainer", bagging.param("trainer.innerTrainer.class-name"));
    assertEquals("4", bagging.param("trainer.innerTrainer.maxDepth"));
    assertLabelEvaluation(bagging, "ensemble.bagging", 0);
    // An ensemble of trees is ONNXExportable in name only: no ONNX file, and no warning about it.
    assertModel(bagging, "org.tribuo.ensemble.WeightedEnsembleModel", false);

    Run transform = runs.get("TransformTrainer-1");
    assertEquals("org.tribuo.classification.sgd.linear.LogisticRegressionTrainer", transform.param("trainer.innerTrainer.class-name"));
    assertEquals("org.tribuo.transform.transformations.MeanStdDevTransformation",
        transform.param("trainer.transformations.globalTransformations.0.class-name"));
    assertLabelEvaluation(transform, "ensemble.standardised", 0);
    assertLoss(transform, sgdTrainings.get(5), -1);
    assertModel(transform, "org.tribuo.transform.TransformedModel", false);
  }

  @Test
  void reusedModelLogsEachEvaluationAndTheRestoredCopyGetsItsOwnRun() throws Exception {
    Run trained = runs.get("LinearSGDTrainer-2");
    assertEquals("org.tribuo.classification.sgd.objectives.Hinge", trained.param("trainer.objective.class-name"));
    assertEquals(List.of(0L, 1L), trained.steps("eval_accuracy"));
    assertLabelEvaluation(trained, "reuse.test", 0);
    assertLabelEvaluation(trained, "reuse.train", 1);
    assertFalse(trained.metricKeys().contains("eval_auc"), "a hinge model gives no probabilities");
    assertTrue(Files.isRegularFile(trained.artifact("confusion_matrix_1.csv")));
    assertLoss(trained, sgdTrainings.get(6), -1);
    assertModel(trained, "org.tribuo.classification.sgd.linear.LinearSGDModel", true);

    Run restored = runs.get("LinearSGDModel-1");
    assertEquals(printed.get("reuse.restored.class"), "LinearSGDModel");
    assertLabelEvaluation(restored, "reuse.restored", 0);
    assertEquals("org.tribuo.classification.sgd.linear.LinearSGDTrainer", restored.tag("tribuo.trainer"));
    assertEquals("org.tribuo.classification.sgd.objectives.Hinge", restored.param("trainer.objective.class-name"));
    assertEquals(trained.tag("trained-at"), restored.tag("trained-at"), "the provenance travelled with the model file");
    assertTrue(restored.metric("training_time_ms").isEmpty());
    assertFalse(Files.exists(restored.artifact("model")));
  }

  /** The label metrics of the evaluation the job printed under {@code prefix}, logged at {@code step}. */
  private static void assertLabelEvaluation(Run run, String prefix, int step) throws Exception {
    assertEquals(printed.get(prefix + ".accuracy"), fmt(point(run, "eval_accuracy", step)), run.name());
    assertEquals(printed.get(prefix + ".f1"), fmt(point(run, "eval_f1", step)), run.name());
    assertEquals(printed.get(prefix + ".balancedErrorRate"), fmt(point(run, "eval_balanced_error_rate", step)), run.name());
    for (String colour : TribuoLegacyJob.COLOURS) {
      assertEquals(printed.get(prefix + "." + colour + ".f1"), fmt(point(run, "eval_" + colour + "_f1", step)), run.name());
    }
    for (String key : List.of("eval_precision", "eval_recall", "eval_precision_micro", "eval_recall_micro", "eval_f1_micro",
        "eval_red_precision", "eval_blue_recall")) {
      assertTrue(run.metricKeys().contains(key), key + " in " + run.metricKeys());
    }
    String csv = step == 0 ? "confusion_matrix.csv" : "confusion_matrix_" + step + ".csv";
    List<String> lines = Files.readAllLines(run.artifact(csv));
    assertEquals("true\\predicted,red,green,blue", lines.get(0));
    assertTrue(lines.get(1).startsWith("red,"), lines.get(1));
    double redRed = Double.parseDouble(lines.get(1).split(",")[1]);
    assertEquals(printed.get(prefix + ".confusion.red.red"), fmt(redRed));
  }

  private static double point(Run run, String key, int step) {
    for (double[] p : run.metric(key)) {
      if ((long) p[2] == step) {
        return p[1];
      }
    }
    throw new AssertionError(key + " has no step " + step + " in " + run.name());
  }

  /** The run's loss points are Tribuo's logged loss lines: same iterations, value times {@code sign}. */
  private static void assertLoss(Run run, List<double[]> logged, double sign) {
    List<double[]> loss = run.metric("loss");
    assertEquals(logged.size(), loss.size(), run.name());
    assertFalse(logged.isEmpty());
    for (int i = 0; i < logged.size(); i++) {
      assertEquals((long) logged.get(i)[0], (long) loss.get(i)[2], run.name());
      assertEquals(sign * logged.get(i)[1], loss.get(i)[1], run.name());
    }
  }

  private static void assertModel(Run run, String modelClass, boolean onnx) throws Exception {
    Path data = run.artifact("model/model.tribuo");
    assertTrue(Files.size(data) > 0, run.name());
    String mlmodel = Files.readString(run.artifact("model/MLmodel"));
    assertTrue(mlmodel.contains("flavors:\n  tribuo:\n    data: model.tribuo\n    format: protobuf\n"), mlmodel);
    assertTrue(mlmodel.contains("    model_class: " + modelClass + "\n"), mlmodel);
    assertTrue(mlmodel.contains("    tribuo_version: 4.3.2\n"), mlmodel);
    assertTrue(mlmodel.contains("run_id: " + run.id()), mlmodel);
    assertEquals(onnx, mlmodel.contains("    onnx: model.onnx\n"), mlmodel);
    assertEquals(onnx, Files.exists(run.artifact("model/model.onnx")), run.name());
    long size = Files.size(data) + (onnx ? Files.size(run.artifact("model/model.onnx")) : 0);
    assertTrue(mlmodel.contains("model_size_bytes: " + size), mlmodel);
    JsonNode history = JSON.readTree(run.tag("mlflow.log-model.history"));
    assertEquals(run.id(), history.get(0).get("run_id").asText());
    assertEquals("model", history.get(0).get("artifact_path").asText());
    assertEquals(modelClass, run.param("model_class"));
  }

  private static long start(String runName) {
    return Long.parseLong(runs.get(runName).meta().get("start_time"));
  }

  private static String fmt(double x) {
    return TribuoLegacyJob.fmt(x);
  }
}
