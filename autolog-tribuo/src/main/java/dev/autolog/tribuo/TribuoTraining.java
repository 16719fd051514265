package dev.autolog.tribuo;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.run.ModelRun;
import dev.autolog.core.run.RunFinisher;
import dev.autolog.core.util.Reflect;
import java.util.Map;

/** What a Tribuo run records about its trainer, its data and the model it produced. */
final class TribuoTraining {
  static final String LABEL_FACTORY = "org.tribuo.classification.LabelFactory";
  static final String INVOCATION_COUNT = "trainer.train-invocation-count";

  private TribuoTraining() {}

  /**
   * At the start of an outermost train call: the trainer's configuration and the dataset's
   * provenance as params ({@code trainer.*}, {@code dataset.*}, and {@code instance-values.*} for
   * a run provenance the caller passed), their timestamps as tags, and the trainer class and
   * Tribuo version as tags. Read before training, so a failed run has them too. A call
   * {@code train(data, provenance, invocationCount)} resets the trainer's RNG to that invocation
   * first, so the invocation count the model records is that argument (unless it is -1).
   */
  static void start(ModelRun run, Object trainer, Object dataset, Object runProvenance, Object invocationCount) {
    TribuoProvenance.Flat flat = new TribuoProvenance.Flat();
    TribuoProvenance.flatten("trainer", Reflect.tryCall(trainer, "getProvenance"), flat);
    if (invocationCount instanceof Integer count && count >= 0 && flat.params.containsKey(INVOCATION_COUNT)) {
      flat.params.put(INVOCATION_COUNT, count.toString());
    }
    TribuoProvenance.flatten("dataset", Reflect.tryCall(dataset, "getProvenance"), flat);
    if (runProvenance instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        TribuoProvenance.flatten("instance-values." + e.getKey(), e.getValue(), flat);
      }
    }
    record(run, flat);
    run.setTag("tribuo.trainer", trainer.getClass().getName());
    run.setTag("tribuo.version", version(trainer));
  }

  /**
   * When an outermost train call returns its model: training time, the model's class, its
   * training timestamp and its full provenance as {@code provenance.json}. Returns the work that
   * saves the model (with log_models; also to ONNX with tribuo.log_onnx), else null.
   */
  static RunFinisher end(ModelRun run, Object model, long elapsedMillis, AutologConfig config) {
    run.logMetric("training_time_ms", elapsedMillis, 0);
    describeModel(run, model);
    return config.logModels() ? new TribuoModelFinisher(model, config.tribuoLogOnnx()) : null;
  }

  /**
   * The first evaluation of a model not trained in this JVM (deserialized, say) opens a run of
   * its own: it is described from the provenance the model carries.
   */
  static void describeUntrained(ModelRun run, Object model) {
    boolean[] done = run.state("tribuo.described", () -> new boolean[1]);
    synchronized (done) {
      if (done[0]) {
        return;
      }
      done[0] = true;
    }
    Object provenance = Reflect.tryCall(model, "getProvenance");
    TribuoProvenance.Flat flat = new TribuoProvenance.Flat();
    TribuoProvenance.flatten("trainer", Reflect.tryCall(provenance, "getTrainerProvenance"), flat);
    TribuoProvenance.flatten("dataset", Reflect.tryCall(provenance, "getDatasetProvenance"), flat);
    record(run, flat);
    Object trainerClass = Reflect.tryCall(Reflect.tryCall(provenance, "getTrainerProvenance"), "getClassName");
    if (trainerClass != null) {
      run.setTag("tribuo.trainer", trainerClass.toString());
    }
    run.setTag("tribuo.version", version(model));
    describeModel(run, model);
  }

  private static void describeModel(ModelRun run, Object model) {
    run.logParam("model_class", model.getClass().getName());
    Object provenance = Reflect.tryCall(model, "getProvenance");
    if (provenance == null) {
      return;
    }
    Object trainedAt = Reflect.tryCall(provenance, "getTrainingTime");
    if (trainedAt != null) {
      run.setTag("trained-at", trainedAt.toString());
    }
    // Rendered on the logger's thread (provenance is immutable): Jackson's first use costs a tenth
    // of a second, which the training thread need not pay.
    run.logText("provenance.json", () -> TribuoProvenance.json(provenance));
  }

  private static void record(ModelRun run, TribuoProvenance.Flat flat) {
    run.logParams(flat.params);
    flat.tags.forEach(run::setTag);
  }

  /**
   * The loss sign for {@link SgdLossCapture}: Tribuo's classification objectives log a negated
   * loss (-1), the others the loss itself (+1).
   */
  static double lossSign(Object dataset) {
    return Reflect.isA(Reflect.tryCall(dataset, "getOutputFactory"), LABEL_FACTORY) ? -1.0 : 1.0;
  }

  /** The version of the Tribuo copy {@code tribuoObject} comes from ({@code org.tribuo.Tribuo.VERSION}). */
  static String version(Object tribuoObject) {
    try {
      Class<?> tribuo = Class.forName("org.tribuo.Tribuo", false, tribuoObject.getClass().getClassLoader());
      return String.valueOf(tribuo.getField("VERSION").get(null));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return "unknown";
    }
  }
}
