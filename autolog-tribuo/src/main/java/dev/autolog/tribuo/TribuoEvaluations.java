package dev.autolog.tribuo;

import dev.autolog.core.run.ModelRun;
import dev.autolog.core.tracking.MlflowLimits;
import dev.autolog.core.util.Reflect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a filled Tribuo evaluation into metrics, through the public evaluation interfaces (the
 * implementations are package-private):
 *
 * <ul>
 *   <li>label: {@code eval_accuracy}, macro {@code eval_precision|recall|f1}, micro
 *       {@code eval_precision_micro|recall_micro|f1_micro}, {@code eval_balanced_error_rate},
 *       {@code eval_auc} (macro ROC AUC, when the model produces probabilities), and per label
 *       {@code eval_<label>_precision|recall|f1}; plus {@code confusion_matrix.csv};
 *   <li>multi-label: the same without accuracy and AUC, plus {@code eval_jaccard}; its
 *       {@code confusion_matrix.csv} has one row of TP/FP/FN/TN per label;
 *   <li>regression: {@code eval_rmse|mae|r2|explained_variance} (macro average over dimensions)
 *       and per dimension {@code eval_<dimension>_rmse|mae|r2|explained_variance}, named by the
 *       dimension's name (never by {@code Regressor.toString()}, which embeds a value);
 *   <li>clustering: {@code eval_normalized_mi}, {@code eval_adjusted_mi};
 *   <li>anomaly: {@code eval_precision|recall|f1} of the anomalous class;
 *   <li>any other evaluation: its {@code asMap()}, as {@code eval_<metric>} (macro),
 *       {@code eval_<metric>_micro} and {@code eval_<target>_<metric>}.
 * </ul>
 *
 * The step is the evaluation's index within the run (0 for the first), so a model evaluated on
 * several datasets keeps every result.
 */
final class TribuoEvaluations {
  private static final String CLASSIFICATION = "org.tribuo.classification.evaluation.";
  static final String LABEL = CLASSIFICATION + "LabelEvaluation";
  static final String CLASSIFIER = CLASSIFICATION + "ClassifierEvaluation";
  static final String MULTI_LABEL = "org.tribuo.multilabel.evaluation.MultiLabelEvaluation";
  static final String REGRESSION = "org.tribuo.regression.evaluation.RegressionEvaluation";
  static final String CLUSTERING = "org.tribuo.clustering.evaluation.ClusteringEvaluation";
  static final String ANOMALY = "org.tribuo.anomaly.evaluation.AnomalyEvaluation";

  private TribuoEvaluations() {}

  /** Logs {@code evaluation}'s metrics (and confusion matrix) into {@code run}. */
  static void log(ModelRun run, Object evaluation) throws ReflectiveOperationException {
    long step = run.state("tribuo.evaluations", AtomicLong::new).getAndIncrement();
    for (Map.Entry<String, Double> m : metrics(evaluation).entrySet()) {
      run.logMetric(m.getKey(), m.getValue(), step);
    }
    String csv = confusionCsv(evaluation);
    if (csv != null) {
      run.logText(step == 0 ? "confusion_matrix.csv" : "confusion_matrix_" + step + ".csv", csv);
    }
  }

  static Map<String, Double> metrics(Object e) throws ReflectiveOperationException {
    Map<String, Double> m = new LinkedHashMap<>();
    if (Reflect.isA(e, LABEL)) {
      put(m, "eval_accuracy", Reflect.tryCall(e, "accuracy"));
      classifier(m, e);
      // Throws UnsupportedOperationException when the model produces no probabilities.
      put(m, "eval_auc", Reflect.tryCall(e, "averageAUCROC", false));
    } else if (Reflect.isA(e, MULTI_LABEL)) {
      classifier(m, e);
      put(m, "eval_jaccard", Reflect.tryCall(e, "jaccardScore"));
    } else if (Reflect.isA(e, REGRESSION)) {
      put(m, "eval_rmse", Reflect.tryCall(e, "averageRMSE"));
      put(m, "eval_mae", Reflect.tryCall(e, "averageMAE"));
      put(m, "eval_r2", Reflect.tryCall(e, "averageR2"));
      put(m, "eval_explained_variance", Reflect.tryCall(e, "averagedExplainedVariance"));
      perDimension(m, Reflect.tryCall(e, "rmse"), "rmse");
      perDimension(m, Reflect.tryCall(e, "mae"), "mae");
      perDimension(m, Reflect.tryCall(e, "r2"), "r2");
      perDimension(m, Reflect.tryCall(e, "explainedVariance"), "explained_variance");
    } else if (Reflect.isA(e, CLUSTERING)) {
      put(m, "eval_normalized_mi", Reflect.tryCall(e, "normalizedMI"));
      put(m, "eval_adjusted_mi", Reflect.tryCall(e, "adjustedMI"));
    } else if (Reflect.isA(e, ANOMALY)) {
      put(m, "eval_precision", Reflect.tryCall(e, "getPrecision"));
      put(m, "eval_recall", Reflect.tryCall(e, "getRecall"));
      put(m, "eval_f1", Reflect.tryCall(e, "getF1"));
    } else {
      generic(m, e);
    }
    return m;
  }

  /** Macro and micro precision, recall and F1, balanced error rate, and per-label values. */
  private static void classifier(Map<String, Double> m, Object e) {
    put(m, "eval_precision", Reflect.tryCall(e, "macroAveragedPrecision"));
    put(m, "eval_recall", Reflect.tryCall(e, "macroAveragedRecall"));
    put(m, "eval_f1", Reflect.tryCall(e, "macroAveragedF1"));
    put(m, "eval_precision_micro", Reflect.tryCall(e, "microAveragedPrecision"));
    put(m, "eval_recall_micro", Reflect.tryCall(e, "microAveragedRecall"));
    put(m, "eval_f1_micro", Reflect.tryCall(e, "microAveragedF1"));
    put(m, "eval_balanced_error_rate", Reflect.tryCall(e, "balancedErrorRate"));
    for (Object label : labels(e)) {
      String name = outputName(label);
      put(m, "eval_" + name + "_precision", Reflect.tryCall(e, "precision", label));
      put(m, "eval_" + name + "_recall", Reflect.tryCall(e, "recall", label));
      put(m, "eval_" + name + "_f1", Reflect.tryCall(e, "f1", label));
    }
  }

  /** The labels of a classifier evaluation, in its confusion matrix's order. */
  static List<Object> labels(Object e) {
    Object matrix = Reflect.tryCall(e, "getConfusionMatrix");
    Object order = Reflect.tryCall(matrix, "getLabelOrder");
    if (!(order instanceof Collection<?>)) {
      order = Reflect.tryCall(Reflect.tryCall(matrix, "getDomain"), "getDomain");
    }
    return order instanceof Collection<?> c ? new ArrayList<>(c) : List.of();
  }

  private static void perDimension(Map<String, Double> m, Object byDimension, String metric) {
    if (byDimension instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        put(m, "eval_" + outputName(entry.getKey()) + "_" + metric, entry.getValue());
      }
    }
  }

  /** Every entry of {@code Evaluation.asMap()}, for evaluation types not listed above. */
  private static void generic(Map<String, Double> m, Object e) {
    Object all = Reflect.tryCall(e, "asMap");
    if (!(all instanceof Map<?, ?> map)) {
      return;
    }
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      Object id = entry.getKey();
      Object metric = Reflect.tryCall(id, "getB");
      Object target = Reflect.tryCall(id, "getA");
      if (metric == null || target == null) {
        continue;
      }
      String name = metric.toString().toLowerCase(java.util.Locale.ROOT);
      Object average = Reflect.tryCall(target, "getAverageTarget");
      Object output = Reflect.tryCall(target, "getOutputTarget");
      if (average instanceof Optional<?> avg && avg.isPresent()) {
        put(m, "MICRO".equals(avg.get().toString()) ? "eval_" + name + "_micro" : "eval_" + name, entry.getValue());
      } else if (output instanceof Optional<?> out && out.isPresent()) {
        put(m, "eval_" + outputName(out.get()) + "_" + name, entry.getValue());
      }
    }
  }

  /**
   * A readable, value-free name for an output used as a metric target: a label's name, a
   * regression dimension's name, a cluster's id.
   */
  static String outputName(Object output) {
    Object name = Reflect.tryCall(output, "getLabel"); // Label
    if (name == null) {
      name = Reflect.tryCall(output, "getLabelString"); // MultiLabel
    }
    if (name == null) {
      Object names = Reflect.tryCall(output, "getNames"); // Regressor
      if (names instanceof String[] array && array.length > 0) {
        name = String.join(",", array);
      }
    }
    if (name == null) {
      name = Reflect.tryCall(output, "getID"); // ClusterID
    }
    return String.valueOf(name == null ? output : name);
  }

  /**
   * The confusion matrix as CSV: for a label evaluation, rows are true labels and columns
   * predicted labels; for a multi-label evaluation, one row of TP, FP, FN, TN per label. Null for
   * other evaluations.
   */
  static String confusionCsv(Object e) throws ReflectiveOperationException {
    if (!Reflect.isA(e, CLASSIFIER)) {
      return null;
    }
    List<Object> labels = labels(e);
    StringBuilder sb = new StringBuilder();
    if (Reflect.isA(e, LABEL)) {
      Object matrix = Reflect.call(e, "getConfusionMatrix");
      sb.append(csv("true\\predicted"));
      for (Object predicted : labels) {
        sb.append(',').append(csv(outputName(predicted)));
      }
      sb.append('\n');
      for (Object truth : labels) {
        sb.append(csv(outputName(truth)));
        for (Object predicted : labels) {
          sb.append(',').append(count(Reflect.call(matrix, "confusion", predicted, truth)));
        }
        sb.append('\n');
      }
    } else {
      sb.append("label,tp,fp,fn,tn\n");
      for (Object label : labels) {
        sb.append(csv(outputName(label)));
        for (String stat : new String[] {"tp", "fp", "fn", "tn"}) {
          sb.append(',').append(count(Reflect.call(e, stat, label)));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String count(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
    return "";
  }

  private static String csv(String field) {
    if (field.contains(",") || field.contains("\"") || field.contains("\n")) {
      return '"' + field.replace("\"", "\"\"") + '"';
    }
    return field;
  }

  private static void put(Map<String, Double> m, String key, Object value) {
    if (value instanceof Number n) {
      m.put(MlflowLimits.sanitizeKey(key), n.doubleValue());
    }
  }
}
