package dev.autolog.dl4j;

import dev.autolog.core.run.ModelRun;
import dev.autolog.core.util.Reflect;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Reads early-stopping trainers, their configuration and their result. */
final class EarlyStopping {
  private EarlyStopping() {}

  /** The network a trainer trains (BaseEarlyStoppingTrainer's protected field {@code model}). */
  static Object model(Object trainer) {
    return Reflect.field(trainer, "model");
  }

  /** Termination conditions, evaluation frequency and score calculator, as params. */
  static Map<String, Object> params(Object trainer) {
    Map<String, Object> params = new LinkedHashMap<>();
    Object conf = Reflect.field(trainer, "esConfig");
    if (conf == null) {
      return params;
    }
    params.put("early_stopping.epoch_termination_conditions",
        join(Reflect.tryCall(conf, "getEpochTerminationConditions")));
    params.put("early_stopping.iteration_termination_conditions",
        join(Reflect.tryCall(conf, "getIterationTerminationConditions")));
    params.put("early_stopping.evaluate_every_n_epochs", Reflect.tryCall(conf, "getEvaluateEveryNEpochs"));
    Object calculator = Reflect.tryCall(conf, "getScoreCalculator");
    params.put("early_stopping.score_calculator", calculator == null ? null : calculator.getClass().getSimpleName());
    return params;
  }

  /** Score per evaluated epoch, best epoch, total epochs, and the termination reason as tags. */
  static void logResult(ModelRun run, Object result) {
    Object scores = Reflect.tryCall(result, "getScoreVsEpoch");
    if (scores instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
        if (e.getKey() instanceof Number epoch && e.getValue() instanceof Number score) {
          run.logMetric("early_stopping.score", score.doubleValue(), epoch.longValue());
        }
      }
    }
    Object best = Reflect.tryCall(result, "getBestModelEpoch");
    Object total = Reflect.tryCall(result, "getTotalEpochs");
    long step = run.iterations();
    if (best instanceof Number b) {
      run.logMetric("early_stopping.best_epoch", b.doubleValue(), step);
      // bestModelScore is read from a clone that has no score; the score history has the truth.
      if (scores instanceof Map<?, ?> map && map.get(b.intValue()) instanceof Number s) {
        run.logMetric("early_stopping.best_score", s.doubleValue(), step);
      }
    }
    if (total instanceof Number t) {
      run.logMetric("early_stopping.total_epochs", t.doubleValue(), step);
    }
    Object reason = Reflect.tryCall(result, "getTerminationReason");
    if (reason != null) {
      run.setTag("early_stopping.termination_reason", reason.toString());
    }
    Object details = Reflect.tryCall(result, "getTerminationDetails");
    if (details != null) {
      run.setTag("early_stopping.termination_details", details.toString());
    }
  }

  private static String join(Object conditions) {
    if (!(conditions instanceof Collection<?> list) || list.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (Object c : list) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
