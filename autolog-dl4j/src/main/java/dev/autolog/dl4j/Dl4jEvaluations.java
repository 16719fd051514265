package dev.autolog.dl4j;

import dev.autolog.core.run.ModelRun;
import dev.autolog.core.util.Reflect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns filled ND4J evaluations into metrics: classification (accuracy, macro precision, recall,
 * F1), regression (MSE, MAE, RMSE, R² averaged and per column), ROC (AUC and AUPRC). The step is
 * the run's iteration count, so evaluation points line up with the loss curve.
 */
final class Dl4jEvaluations {
  private static final String PKG = "org.nd4j.evaluation.";

  private Dl4jEvaluations() {}

  /** Logs the metrics of every evaluation in {@code result} (an array, or a map of arrays). */
  static void log(ModelRun run, Object result) {
    long step = run.iterations();
    for (Object evaluation : evaluations(result)) {
      for (Map.Entry<String, Double> m : metrics(evaluation).entrySet()) {
        run.logMetric(m.getKey(), m.getValue(), step);
      }
    }
  }

  static List<Object> evaluations(Object result) {
    List<Object> out = new ArrayList<>();
    if (result instanceof Object[] array) {
      for (Object o : array) {
        if (o != null) {
          out.add(o);
        }
      }
    } else if (result instanceof Map<?, ?> map) {
      for (Object v : map.values()) {
        out.addAll(evaluations(v));
      }
    }
    return out;
  }

  static Map<String, Double> metrics(Object e) {
    Map<String, Double> m = new LinkedHashMap<>();
    if (Reflect.isA(e, PKG + "classification.Evaluation")) {
      put(m, "eval_accuracy", Reflect.tryCall(e, "accuracy"));
      put(m, "eval_precision", Reflect.tryCall(e, "precision"));
      put(m, "eval_recall", Reflect.tryCall(e, "recall"));
      put(m, "eval_f1", Reflect.tryCall(e, "f1"));
    } else if (Reflect.isA(e, PKG + "regression.RegressionEvaluation")) {
      put(m, "eval_mse", Reflect.tryCall(e, "averageMeanSquaredError"));
      put(m, "eval_mae", Reflect.tryCall(e, "averageMeanAbsoluteError"));
      put(m, "eval_rmse", Reflect.tryCall(e, "averagerootMeanSquaredError"));
      put(m, "eval_r2", Reflect.tryCall(e, "averageRSquared"));
      Object n = Reflect.tryCall(e, "numColumns");
      if (n instanceof Integer columns && columns > 1) {
        Object names = Reflect.tryCall(e, "getColumnNames");
        for (int c = 0; c < columns; c++) {
          String col = names instanceof List<?> l && c < l.size() && l.get(c) != null ? l.get(c).toString() : "col_" + c;
          put(m, "eval_mse_" + col, Reflect.tryCall(e, "meanSquaredError", c));
          put(m, "eval_mae_" + col, Reflect.tryCall(e, "meanAbsoluteError", c));
          put(m, "eval_rmse_" + col, Reflect.tryCall(e, "rootMeanSquaredError", c));
          put(m, "eval_r2_" + col, Reflect.tryCall(e, "rSquared", c));
        }
      }
    } else if (Reflect.isA(e, PKG + "classification.ROCMultiClass")) {
      put(m, "eval_auc", Reflect.tryCall(e, "calculateAverageAUC"));
      put(m, "eval_auprc", Reflect.tryCall(e, "calculateAverageAUCPR"));
    } else if (Reflect.isA(e, PKG + "classification.ROCBinary")) {
      put(m, "eval_auc", Reflect.tryCall(e, "calculateAverageAuc"));
      put(m, "eval_auprc", Reflect.tryCall(e, "calculateAverageAUCPR"));
    } else if (Reflect.isA(e, PKG + "classification.ROC")) {
      put(m, "eval_auc", Reflect.tryCall(e, "calculateAUC"));
      put(m, "eval_auprc", Reflect.tryCall(e, "calculateAUCPR"));
    } else if (Reflect.isA(e, PKG + "classification.EvaluationBinary")) {
      put(m, "eval_accuracy", Reflect.tryCall(e, "averageAccuracy"));
      put(m, "eval_precision", Reflect.tryCall(e, "averagePrecision"));
      put(m, "eval_recall", Reflect.tryCall(e, "averageRecall"));
      put(m, "eval_f1", Reflect.tryCall(e, "averageF1"));
    }
    return m;
  }

  private static void put(Map<String, Double> m, String key, Object value) {
    if (value instanceof Number n) {
      m.put(dev.autolog.core.tracking.MlflowLimits.sanitizeKey(key), n.doubleValue());
    }
  }
}
