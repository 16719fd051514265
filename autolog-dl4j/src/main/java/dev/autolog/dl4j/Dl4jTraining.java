package dev.autolog.dl4j;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.run.ModelRun;
import dev.autolog.core.util.Reflect;

/** What happens at the start and end of an outermost training call on a network. */
final class Dl4jTraining {
  private Dl4jTraining() {}

  /**
   * Called when a call enters {@code run}: on the run's first call logs the configuration params;
   * on every call makes sure the listener is attached and the model will be saved when the run ends.
   */
  static void start(ModelRun run, Object model, AutologConfig config) throws ReflectiveOperationException {
    if (run.calls() == 1) {
      run.logParams(Dl4jParams.of(model));
    }
    TrainingListenerHandler.attach(model, config.logEveryNIterations());
    if (config.logModels()) {
      run.setFinisher(new Dl4jModelFinisher(model));
    }
  }

  /** Params the call's arguments name: epochs and batch size. */
  static void logCallParams(ModelRun run, Object arg0, Object arg1) {
    if (arg0 == null) {
      return;
    }
    boolean iterator = Reflect.isA(arg0, "org.nd4j.linalg.dataset.api.iterator.DataSetIterator")
        || Reflect.isA(arg0, "org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator");
    if (iterator) {
      callParam(run, "epochs", arg1 instanceof Integer n ? n : 1);
      Object batch = Reflect.tryCall(arg0, "batch");
      if (batch instanceof Integer b && b > 0) {
        callParam(run, "batch_size", b);
      }
    } else if (Reflect.isA(arg0, "org.nd4j.linalg.dataset.api.DataSet")
        || Reflect.isA(arg0, "org.nd4j.linalg.dataset.api.MultiDataSet")) {
      Object n = Reflect.tryCall(arg0, "numExamples");
      if (n instanceof Integer b && b > 0) {
        callParam(run, "batch_size", b);
      }
    }
  }

  /**
   * A value a call names: a param as the run's first call names it. A later call naming another
   * value (more epochs, a partial last minibatch) sets the tag {@code autolog.last_call.<key>}
   * instead, once per change, since MLflow params never change.
   */
  private static void callParam(ModelRun run, String key, Object value) {
    java.util.Map<String, Object> last = run.state("dl4j.callParams", java.util.concurrent.ConcurrentHashMap::new);
    Object previous = last.put(key, value);
    if (run.calls() == 1 && previous == null) {
      run.logParam(key, value);
    } else if (previous != null && !previous.equals(value)) {
      run.setTag("autolog.last_call." + key, String.valueOf(value));
    }
  }

  /** Called when the outermost call leaves: describes the model if no iteration did. */
  static void end(ModelRun run, Object model) {
    TrainingListenerHandler.describeOnce(run, model);
  }
}
