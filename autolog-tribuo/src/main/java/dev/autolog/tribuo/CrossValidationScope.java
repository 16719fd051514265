package dev.autolog.tribuo;

import dev.autolog.core.run.ModelRun;
import dev.autolog.core.util.Reflect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code CrossValidation.evaluate()} call: the parent run, and the fold runs it adopts. The
 * scope object itself is the parent run's key in the RunManager, so every call is a run of its own.
 *
 * <p>The parent run holds the cross-validation's settings ({@code cv.k}, {@code cv.seed},
 * {@code cv.evaluator}), the trainer's and the whole dataset's params as a training run would, and,
 * when the call returns, {@code <metric>_mean} and {@code <metric>_std} (sample standard deviation,
 * as Tribuo's {@code EvaluationAggregator}) of every metric the folds' evaluations have. Each fold's
 * run is a child ({@code mlflow.parentRunId}) tagged {@code tribuo.cv.fold} (0-based).
 *
 * <p>Fold runs are opened as children of the parent run ({@code RunManager.enterTraining} with a
 * parent), so the tracker creates them with their {@code mlflow.parentRunId}.
 */
final class CrossValidationScope {
  private int folds;
  ModelRun parent;

  /** Params and tags of the parent run, from the CrossValidation object's fields. */
  void describe(Object crossValidation) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("cv.k", Reflect.tryCall(crossValidation, "getK"));
    Object splitter = Reflect.field(crossValidation, "splitter");
    params.put("cv.seed", splitter == null ? null : Reflect.field(splitter, "seed"));
    Object evaluator = Reflect.field(crossValidation, "evaluator");
    params.put("cv.evaluator", evaluator == null ? null : evaluator.getClass().getName());
    parent.logParams(params);
    Object trainer = Reflect.field(crossValidation, "trainer");
    Object data = Reflect.field(crossValidation, "data");
    if (trainer != null) {
      TribuoTraining.start(parent, trainer, data, null, null);
    }
  }

  /** Tags {@code run}, a fold's training run (already a child of the parent run), with its fold. */
  synchronized void adopt(ModelRun run) {
    run.setTag("tribuo.cv.fold", Integer.toString(folds++));
  }

  /** Mean and sample standard deviation over the folds of each metric, from evaluate()'s result. */
  void logFoldSummary(Object result) throws ReflectiveOperationException {
    if (!(result instanceof List<?> pairs)) {
      return;
    }
    Map<String, List<Double>> byMetric = new LinkedHashMap<>();
    for (Object pair : pairs) {
      Object evaluation = Reflect.tryCall(pair, "getA");
      if (evaluation == null) {
        continue;
      }
      for (Map.Entry<String, Double> m : TribuoEvaluations.metrics(evaluation).entrySet()) {
        byMetric.computeIfAbsent(m.getKey(), k -> new ArrayList<>()).add(m.getValue());
      }
    }
    for (Map.Entry<String, List<Double>> e : byMetric.entrySet()) {
      double[] stats = meanAndStd(e.getValue());
      parent.logMetric(e.getKey() + "_mean", stats[0], 0);
      parent.logMetric(e.getKey() + "_std", stats[1], 0);
    }
  }

  /** {mean, sample standard deviation (0 for one value)}. */
  static double[] meanAndStd(List<Double> values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    double mean = sum / values.size();
    if (values.size() < 2) {
      return new double[] {mean, 0};
    }
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return new double[] {mean, Math.sqrt(squares / (values.size() - 1))};
  }
}
