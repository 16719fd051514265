package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.autolog.tribuo.FileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.anomaly.Event;
import org.tribuo.anomaly.evaluation.AnomalyEvaluation;
import org.tribuo.anomaly.evaluation.AnomalyEvaluator;
import org.tribuo.anomaly.example.GaussianAnomalyDataSource;
import org.tribuo.anomaly.libsvm.LibSVMAnomalyTrainer;
import org.tribuo.anomaly.libsvm.SVMAnomalyType;
import org.tribuo.classification.Label;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.classification.sgd.objectives.Hinge;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.evaluation.ClusteringEvaluation;
import org.tribuo.clustering.evaluation.ClusteringEvaluator;
import org.tribuo.clustering.example.GaussianClusterDataSource;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.multilabel.MultiLabel;
import org.tribuo.multilabel.evaluation.MultiLabelEvaluation;
import org.tribuo.multilabel.evaluation.MultiLabelEvaluator;
import org.tribuo.multilabel.example.MultiLabelDataGenerator;
import org.tribuo.multilabel.sgd.objectives.BinaryCrossEntropy;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Every Tribuo evaluator under the module's instrumentation: the metrics land in the run that trained the
 * model, and their values are the ones the evaluation object the job received reports.
 */
class TribuoEvaluationTest {
  private static final long SEED = 11L;
  private static FileStore store;
  private static Pair<Dataset<Label>, Dataset<Label>> colours;

  @BeforeAll
  static void install() throws Exception {
    store = InProcessAgent.install();
    colours = TestData.colours(SEED);
  }

  @Test
  void labelEvaluationLogsAccuracyMacroMicroPerLabelAucAndConfusionMatrixIntoTheTrainingRun() throws Exception {
    Model<Label> model = new LogisticRegressionTrainer().train(colours.getA());
    Run run = onlyRun(store.run(runIdOf(model)));
    AtomicReference<LabelEvaluation> result = new AtomicReference<>();
    assertEquals(Map.of(), InProcessAgent.newRuns(store,
        () -> result.set(new LabelEvaluator().evaluate(model, colours.getB()))), "no new run for the evaluation");
    LabelEvaluation eval = result.get();

    assertEquals(eval.accuracy(), run.value("eval_accuracy"));
    assertEquals(eval.macroAveragedPrecision(), run.value("eval_precision"));
    assertEquals(eval.macroAveragedRecall(), run.value("eval_recall"));
    assertEquals(eval.macroAveragedF1(), run.value("eval_f1"));
    assertEquals(eval.microAveragedPrecision(), run.value("eval_precision_micro"));
    assertEquals(eval.microAveragedRecall(), run.value("eval_recall_micro"));
    assertEquals(eval.microAveragedF1(), run.value("eval_f1_micro"));
    assertEquals(eval.balancedErrorRate(), run.value("eval_balanced_error_rate"));
    assertTrue(model.generatesProbabilities());
    assertEquals(eval.averageAUCROC(false), run.value("eval_auc"));
    for (String colour : TestData.COLOURS) {
      Label label = new Label(colour);
      assertEquals(eval.precision(label), run.value("eval_" + colour + "_precision"));
      assertEquals(eval.recall(label), run.value("eval_" + colour + "_recall"));
      assertEquals(eval.f1(label), run.value("eval_" + colour + "_f1"));
    }
    assertEquals(List.of(0L), run.steps("eval_accuracy"));

    List<String> lines = Files.readAllLines(run.artifact("confusion_matrix.csv"));
    List<Label> order = eval.getConfusionMatrix().getLabelOrder();
    List<String> expected = new ArrayList<>();
    StringBuilder header = new StringBuilder("true\\predicted");
    order.forEach(l -> header.append(',').append(l.getLabel()));
    expected.add(header.toString());
    for (Label truth : order) {
      StringBuilder row = new StringBuilder(truth.getLabel());
      for (Label predicted : order) {
        row.append(',').append((long) eval.confusion(predicted, truth));
      }
      expected.add(row.toString());
    }
    assertEquals(expected, lines);
    long total = 0;
    for (Label truth : order) {
      for (Label predicted : order) {
        total += (long) eval.confusion(predicted, truth);
      }
    }
    assertEquals(colours.getB().size(), total);
  }

  @Test
  void everyEvaluateOverloadIsOneEvaluationAndLaterOnesTakeTheNextStep() throws Exception {
    Model<Label> model = new CARTClassificationTrainer(4).train(colours.getA());
    Run run = onlyRun(store.run(runIdOf(model)));
    LabelEvaluator evaluator = new LabelEvaluator();
    // (Model, Dataset) and (Model, DataSource) call (Model, List<Prediction>, DataProvenance) inside.
    LabelEvaluation onTest = evaluator.evaluate(model, colours.getB());
    LabelEvaluation onTrain = evaluator.evaluate(model, colours.getA());
    LabelEvaluation fromPredictions = evaluator.evaluate(model, model.predict(colours.getB()), colours.getB().getProvenance());
    InProcessAgent.flush();
    assertEquals(List.of(0L, 1L, 2L), run.steps("eval_accuracy"));
    List<double[]> accuracy = run.metric("eval_accuracy");
    assertEquals(onTest.accuracy(), accuracy.get(0)[0]);
    assertEquals(onTrain.accuracy(), accuracy.get(1)[0]);
    assertEquals(fromPredictions.accuracy(), accuracy.get(2)[0]);
    assertTrue(Files.isRegularFile(run.artifact("confusion_matrix.csv")));
    assertTrue(Files.isRegularFile(run.artifact("confusion_matrix_1.csv")));
    assertTrue(Files.isRegularFile(run.artifact("confusion_matrix_2.csv")));
    // CART trees here do not produce probabilities: no AUC.
    assertFalse(model.generatesProbabilities());
    assertFalse(run.metricKeys().contains("eval_auc"), run.metricKeys().toString());
  }

  @Test
  void regressionMetricsAreMacroAveragesAndPerDimensionByDimensionName() throws Exception {
    Pair<Dataset<Regressor>, Dataset<Regressor>> data = TestData.regression(SEED);
    Model<Regressor> model = new org.tribuo.regression.sgd.linear.LinearSGDTrainer(
        new SquaredLoss(), new AdaGrad(0.1), 5, 1000, 1, SEED).train(data.getA());
    RegressionEvaluation eval = new RegressionEvaluator().evaluate(model, data.getB());
    InProcessAgent.flush();
    Run run = onlyRun(store.run(runIdOf(model)));
    assertEquals(eval.averageRMSE(), run.value("eval_rmse"));
    assertEquals(eval.averageMAE(), run.value("eval_mae"));
    assertEquals(eval.averageR2(), run.value("eval_r2"));
    assertEquals(eval.averagedExplainedVariance(), run.value("eval_explained_variance"));
    assertEquals(2, eval.rmse().size());
    for (Regressor dimension : eval.rmse().keySet()) {
      String name = dimension.getNames()[0];
      assertTrue(name.equals("load") || name.equals("cost"), name);
      assertEquals(eval.rmse(dimension), run.value("eval_" + name + "_rmse"));
      assertEquals(eval.mae(dimension), run.value("eval_" + name + "_mae"));
      assertEquals(eval.r2(dimension), run.value("eval_" + name + "_r2"));
      assertEquals(eval.explainedVariance(dimension), run.value("eval_" + name + "_explained_variance"));
    }
    for (String key : run.metricKeys()) {
      assertFalse(key.contains("="), "a Regressor's toString() (which embeds a value) in " + key);
    }
    assertFalse(Files.exists(run.artifact("confusion_matrix.csv")));
  }

  @Test
  void clusteringEvaluationLogsNormalizedAndAdjustedMutualInformation() throws Exception {
    Dataset<ClusterID> train = new MutableDataset<>(new GaussianClusterDataSource(300, SEED));
    Dataset<ClusterID> test = new MutableDataset<>(new GaussianClusterDataSource(100, SEED + 1));
    Model<ClusterID> model = new KMeansTrainer(5, 10, KMeansTrainer.Distance.EUCLIDEAN, 1, SEED).train(train);
    ClusteringEvaluation eval = new ClusteringEvaluator().evaluate(model, test);
    InProcessAgent.flush();
    Run run = onlyRun(store.run(runIdOf(model)));
    assertEquals(eval.normalizedMI(), run.value("eval_normalized_mi"));
    assertEquals(eval.adjustedMI(), run.value("eval_adjusted_mi"));
    assertTrue(eval.normalizedMI() > 0.3, "K-means found the clusters: " + eval.normalizedMI());
  }

  @Test
  void anomalyEvaluationLogsPrecisionRecallAndF1() throws Exception {
    SVMParameters<Event> params = new SVMParameters<>(new SVMAnomalyType(SVMAnomalyType.SVMMode.ONE_CLASS), KernelType.RBF);
    params.setGamma(1.0);
    params.setNu(0.1);
    Model<Event> model = new LibSVMAnomalyTrainer(params).train(new MutableDataset<>(new GaussianAnomalyDataSource(300, 0.0f, SEED)));
    AnomalyEvaluation eval = new AnomalyEvaluator().evaluate(model, new MutableDataset<>(new GaussianAnomalyDataSource(200, 0.2f, SEED + 1)));
    InProcessAgent.flush();
    Run run = onlyRun(store.run(runIdOf(model)));
    assertEquals(eval.getPrecision(), run.value("eval_precision"));
    assertEquals(eval.getRecall(), run.value("eval_recall"));
    assertEquals(eval.getF1(), run.value("eval_f1"));
    assertTrue(eval.getTruePositives() > 0, "some anomalies were found");
  }

  @Test
  void multiLabelEvaluationLogsMacroMicroJaccardPerLabelAndAPerLabelConfusionTable() throws Exception {
    Pair<Dataset<MultiLabel>, Dataset<MultiLabel>> data = MultiLabelDataGenerator.generateDataset();
    Model<MultiLabel> model = new org.tribuo.multilabel.sgd.linear.LinearSGDTrainer(
        new BinaryCrossEntropy(), new AdaGrad(0.1), 5, SEED).train(data.getA());
    MultiLabelEvaluation eval = new MultiLabelEvaluator().evaluate(model, data.getB());
    InProcessAgent.flush();
    Run run = onlyRun(store.run(runIdOf(model)));
    assertEquals(eval.macroAveragedF1(), run.value("eval_f1"));
    assertEquals(eval.microAveragedPrecision(), run.value("eval_precision_micro"));
    assertEquals(eval.balancedErrorRate(), run.value("eval_balanced_error_rate"));
    assertEquals(eval.jaccardScore(), run.value("eval_jaccard"));
    List<String> lines = Files.readAllLines(run.artifact("confusion_matrix.csv"));
    assertEquals("label,tp,fp,fn,tn", lines.get(0));
    List<MultiLabel> labels = eval.getConfusionMatrix().getLabelOrder();
    assertEquals(labels.size() + 1, lines.size());
    for (int i = 0; i < labels.size(); i++) {
      MultiLabel label = labels.get(i);
      assertEquals(eval.recall(label), run.value("eval_" + label.getLabelString() + "_recall"));
      assertEquals(label.getLabelString() + "," + (long) eval.tp(label) + "," + (long) eval.fp(label) + ","
          + (long) eval.fn(label) + "," + (long) eval.tn(label), lines.get(i + 1));
    }
  }

  @Test
  void aModelNotTrainedInThisJvmGetsOneRunOfItsOwnDescribedByItsProvenance(@TempDir Path dir) throws Exception {
    Model<Label> original = new LinearSGDTrainer(new Hinge(), new AdaGrad(0.5), 3, 1000, 1, SEED).train(colours.getA());
    Path file = dir.resolve("hinge.tribuo");
    original.serializeToFile(file);
    @SuppressWarnings("unchecked")
    Model<Label> restored = (Model<Label>) Model.deserializeFromFile(file);
    List<LabelEvaluation> evals = new ArrayList<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> {
      evals.add(new LabelEvaluator().evaluate(restored, colours.getB()));
      evals.add(new LabelEvaluator().evaluate(restored, colours.getA()));
    });
    assertEquals(1, runs.size(), runs.keySet().toString());
    Run run = runs.values().iterator().next();
    assertTrue(run.name().matches(restored.getClass().getSimpleName() + "-\\d+"), run.name());
    assertEquals(List.of(evals.get(0).accuracy(), evals.get(1).accuracy()),
        run.metric("eval_accuracy").stream().map(p -> p[0]).toList());
    assertEquals(LinearSGDTrainer.class.getName(), run.tag("tribuo.trainer"));
    assertEquals(LinearSGDTrainer.class.getName(), run.param("trainer.class-name"));
    assertEquals(Hinge.class.getName(), run.param("trainer.objective.class-name"));
    assertEquals("300", run.param("dataset.num-examples"));
    assertEquals(original.getProvenance().getTrainingTime().toString(), run.tag("trained-at"));
    assertEquals(restored.getClass().getName(), run.param("model_class"));
    assertTrue(Files.isRegularFile(run.artifact("provenance.json")));
    assertTrue(run.metric("training_time_ms").isEmpty(), "it was not trained here");
    assertEquals(3, run.awaitEnd(), "FINISHED");
    assertFalse(Files.exists(run.artifact("model")), "an evaluated model is not re-logged");
    assertNull(run.tag("mlflow.parentRunId"));
  }

  /** The id of the run the model was trained in, after a flush. */
  private static String runIdOf(Model<?> model) {
    InProcessAgent.flush();
    return dev.autolog.core.Autolog.runtime().runs().runOf(model).handle().info().runId();
  }

  private static Run onlyRun(Run run) {
    assertEquals("tribuo", run.tag("mlflow.autologging"));
    return run;
  }
}
