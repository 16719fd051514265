package dev.autolog.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.util.Pair;
import dev.autolog.tribuo.FileStore.Run;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.evaluation.CrossValidation;
import org.tribuo.evaluation.DescriptiveStats;
import org.tribuo.evaluation.EvaluationAggregator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.evaluation.RegressionEvaluation;
import org.tribuo.regression.evaluation.RegressionEvaluator;
import org.tribuo.regression.baseline.DummyRegressionTrainer;

/**
 * CrossValidation.evaluate(): one parent run, one child run per fold holding the fold's training
 * and evaluation, and on the parent the folds' mean and standard deviation, checked against
 * Tribuo's own EvaluationAggregator.
 */
class TribuoCrossValidationTest {
  private static final long SEED = 5L;
  private static FileStore store;

  @BeforeAll
  static void install() throws Exception {
    store = InProcessAgent.install();
  }

  @Test
  void parentRunWithOneChildRunPerFoldAndFoldStatistics() throws Exception {
    Dataset<Label> data = TestData.colours(SEED).getA();
    CrossValidation<Label, LabelEvaluation> cv =
        new CrossValidation<>(new LogisticRegressionTrainer(), data, new LabelEvaluator(), 3, 99L);
    List<Pair<LabelEvaluation, Model<Label>>> folds = new ArrayList<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> folds.addAll(cv.evaluate()));
    assertEquals(4, runs.size(), runs.keySet().toString());

    List<Run> ordered = List.copyOf(runs.values());
    Run parent = ordered.get(0);
    assertTrue(parent.name().matches("CrossValidation-\\d+"), parent.name());
    assertEquals("tribuo", parent.tag("mlflow.autologging"));
    assertEquals("3", parent.param("cv.k"));
    assertEquals("99", parent.param("cv.seed"));
    assertEquals(LabelEvaluator.class.getName(), parent.param("cv.evaluator"));
    assertEquals(LogisticRegressionTrainer.class.getName(), parent.param("trainer.class-name"));
    assertEquals(LogisticRegressionTrainer.class.getName(), parent.tag("tribuo.trainer"));
    assertEquals("300", parent.param("dataset.num-examples"), "the whole dataset");
    assertNull(parent.tag("mlflow.parentRunId"));

    List<LabelEvaluation> evaluations = folds.stream().map(Pair::getA).toList();
    for (int fold = 0; fold < 3; fold++) {
      Run child = ordered.get(fold + 1);
      assertEquals(Integer.toString(fold), child.tag("tribuo.cv.fold"));
      assertTrue(child.name().matches("LogisticRegressionTrainer-\\d+"), child.name());
      assertEquals(3, child.awaitEnd());
      assertEquals(parent.id(), child.tag("mlflow.parentRunId"), "fold " + fold);
      // The fold's training data (two thirds) and its evaluation on the held-out third.
      assertEquals("200", child.param("dataset.num-examples"));
      assertEquals(evaluations.get(fold).accuracy(), child.value("eval_accuracy"));
      assertEquals(evaluations.get(fold).macroAveragedF1(), child.value("eval_f1"));
      assertTrue(Files.isRegularFile(child.artifact("model/model.tribuo")));
      assertTrue(Files.isRegularFile(child.artifact("confusion_matrix.csv")));
      assertEquals(folds.get(fold).getB().getProvenance().getTrainingTime().toString(), child.tag("trained-at"));
    }

    DescriptiveStats accuracy = EvaluationAggregator.summarize(evaluations, LabelEvaluation::accuracy);
    DescriptiveStats f1 = EvaluationAggregator.summarize(evaluations, LabelEvaluation::macroAveragedF1);
    assertEquals(accuracy.getMean(), parent.value("eval_accuracy_mean"), 1e-12);
    assertEquals(accuracy.getStandardDeviation(), parent.value("eval_accuracy_std"), 1e-12);
    assertEquals(f1.getMean(), parent.value("eval_f1_mean"), 1e-12);
    assertEquals(f1.getStandardDeviation(), parent.value("eval_f1_std"), 1e-12);
    DescriptiveStats redRecall = EvaluationAggregator.summarize(evaluations, e -> e.recall(new Label("red")));
    assertEquals(redRecall.getMean(), parent.value("eval_red_recall_mean"), 1e-12);
    assertEquals(redRecall.getStandardDeviation(), parent.value("eval_red_recall_std"), 1e-12);
    // Every fold metric has its mean and std on the parent, and nothing else is a metric there.
    List<String> expected = new ArrayList<>();
    for (String key : ordered.get(1).metricKeys()) {
      if (key.startsWith("eval_")) {
        expected.add(key + "_mean");
        expected.add(key + "_std");
      }
    }
    assertEquals(expected.stream().sorted().toList(), parent.metricKeys().stream().sorted().toList());
    assertEquals(3, parent.awaitEnd());
    assertFalse(Files.exists(parent.artifact("model")), "the parent trained no model");
  }

  @Test
  void regressionCrossValidationAggregatesRegressionMetrics() throws Exception {
    Dataset<Regressor> data = TestData.regression(SEED).getA();
    CrossValidation<Regressor, RegressionEvaluation> cv =
        new CrossValidation<>(DummyRegressionTrainer.createMeanTrainer(), data, new RegressionEvaluator(), 4);
    List<RegressionEvaluation> evaluations = new ArrayList<>();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> cv.evaluate().forEach(p -> evaluations.add(p.getA())));
    assertEquals(5, runs.size(), runs.keySet().toString());
    Run parent = runs.values().iterator().next();
    DescriptiveStats rmse = EvaluationAggregator.summarize(evaluations, RegressionEvaluation::averageRMSE);
    assertEquals(rmse.getMean(), parent.value("eval_rmse_mean"), 1e-12);
    assertEquals(rmse.getStandardDeviation(), parent.value("eval_rmse_std"), 1e-12);
    assertTrue(parent.metricKeys().contains("eval_load_r2_mean"), parent.metricKeys().toString());
  }

  @Test
  void failingFoldFailsItsRunAndTheParentAndTheExceptionReachesTheCaller() throws Exception {
    MutableDataset<Label> broken = TestData.colours(new java.util.Random(SEED), 60, "broken");
    broken.add(new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, TestData.FEATURES, new double[] {0, 0, 0, 0}));
    CrossValidation<Label, LabelEvaluation> cv =
        new CrossValidation<>(new LogisticRegressionTrainer(), broken, new LabelEvaluator(), 2);
    // (A fold's DatasetView does not count the unknown output, so Tribuo fails inside the SGD loop.)
    Map<String, Run> runs = InProcessAgent.newRuns(store,
        () -> assertThrows(ArrayIndexOutOfBoundsException.class, cv::evaluate));
    assertEquals(2, runs.size(), "the parent and the first fold, which failed: " + runs.keySet());
    List<Run> ordered = List.copyOf(runs.values());
    assertEquals(4, ordered.get(0).awaitEnd(), "parent FAILED");
    assertEquals(4, ordered.get(1).awaitEnd(), "fold FAILED");
    assertEquals(ordered.get(0).id(), ordered.get(1).tag("mlflow.parentRunId"));
  }

  @Test
  void trainingAfterTheCrossValidationIsNotAChild() throws Exception {
    Dataset<Label> data = TestData.colours(SEED + 1).getA();
    new CrossValidation<>(new LogisticRegressionTrainer(), data, new LabelEvaluator(), 2).evaluate();
    Map<String, Run> runs = InProcessAgent.newRuns(store, () -> new LogisticRegressionTrainer().train(data));
    assertEquals(1, runs.size(), runs.keySet().toString());
    Run run = runs.values().iterator().next();
    assertEquals(3, run.awaitEnd());
    assertNull(run.tag("mlflow.parentRunId"));
    assertNull(run.tag("tribuo.cv.fold"));
  }
}
