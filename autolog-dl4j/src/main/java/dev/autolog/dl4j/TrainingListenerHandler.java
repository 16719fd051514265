package dev.autolog.dl4j;

import dev.autolog.core.Autolog;
import dev.autolog.core.run.ModelRun;
import dev.autolog.core.util.Reflect;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Objects;

/**
 * The agent's DL4J {@code TrainingListener}, as a {@link Proxy} defined in the model's own class
 * loader (so it implements that loader's {@code TrainingListener}, whichever copy of DL4J it is).
 * It records the loss of every iteration and the mean loss of every epoch into the model's
 * current run; nothing is instrumented inside the training loop.
 *
 * <p>The handler finds the run through the model the callback names, so a listener shared by a
 * cloned graph (CG.clone() shares its listener list) still logs each model into its own run.
 */
final class TrainingListenerHandler implements InvocationHandler {
  private static final String LISTENER = "org.deeplearning4j.optimize.api.TrainingListener";

  private final int logEveryN;

  private TrainingListenerHandler(int logEveryN) {
    this.logEveryN = logEveryN;
  }

  /** Adds the listener to {@code model} unless it already has it. */
  static void attach(Object model, int logEveryN) throws ReflectiveOperationException {
    Object current = Reflect.call(model, "getListeners");
    if (current instanceof Collection<?> listeners) {
      for (Object l : listeners) {
        if (l != null && Proxy.isProxyClass(l.getClass())
            && Proxy.getInvocationHandler(l) instanceof TrainingListenerHandler) {
          return;
        }
      }
    }
    ClassLoader loader = model.getClass().getClassLoader();
    Class<?> listenerType = Class.forName(LISTENER, false, loader);
    Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {listenerType}, new TrainingListenerHandler(logEveryN));
    Object array = Array.newInstance(listenerType, 1);
    Array.set(array, 0, proxy);
    // addListeners (not getListeners().add): it also updates an existing Solver, which copied the list.
    model.getClass().getMethod("addListeners", array.getClass()).invoke(model, array);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) {
    switch (method.getName()) {
      case "iterationDone" -> safely(() -> iterationDone(args[0], (Integer) args[1], (Integer) args[2]));
      case "onEpochEnd" -> safely(() -> epochEnd(args[0]));
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "equals" -> {
        return proxy == args[0];
      }
      case "toString" -> {
        return "AutologTrainingListener";
      }
      default -> {
        // onEpochStart, onForwardPass, onGradientCalculation, onBackwardPass: nothing to record.
      }
    }
    return null;
  }

  private void iterationDone(Object model, int iteration, int epoch) throws ReflectiveOperationException {
    ModelRun run = runOf(model);
    if (run == null) {
      return;
    }
    double loss = ((Number) Reflect.call(model, "score")).doubleValue();
    long step = run.nextIteration();
    if (step % logEveryN == 0) {
      run.logMetric("loss", loss, step);
    }
    EpochLoss epochLoss = run.state("dl4j.epochLoss", EpochLoss::new);
    epochLoss.add(loss);
    if (step == 0) {
      describeOnce(run, model);
    }
    Object schedule = run.state("dl4j.lrSchedule", () -> LearningRate.scheduledUpdater(model));
    if (schedule != LearningRate.NONE && step % logEveryN == 0) {
      Object lr = Reflect.tryCall(schedule, "getLearningRate", iteration, epoch);
      if (lr instanceof Number n) {
        run.logMetric("learning_rate", n.doubleValue(), step);
      }
    }
  }

  private void epochEnd(Object model) {
    ModelRun run = runOf(model);
    if (run == null) {
      return;
    }
    EpochLoss epochLoss = run.state("dl4j.epochLoss", EpochLoss::new);
    if (epochLoss.count > 0) {
      run.logMetric("epoch_loss", epochLoss.mean(), run.nextEpoch());
      epochLoss.reset();
    }
  }

  /**
   * Once per run, when the model is initialized: its parameter count, its summary and its
   * configuration as artifacts.
   */
  static void describeOnce(ModelRun run, Object model) {
    boolean[] done = run.state("dl4j.described", () -> new boolean[1]);
    if (!done[0]) {
      Object numParams = Reflect.tryCall(model, "numParams");
      if (numParams instanceof Number n && n.longValue() > 0) {
        done[0] = true;
        run.logParam("num_params", n.longValue());
        // Here, not on the logger's thread: summary() calls getLayers(), synchronized on the network
        // as fit's forward pass is, and a job stopped inside fit (System.exit, a signal) would hold
        // the logger there until the exit gives up.
        Object summary = Reflect.tryCall(model, "summary");
        if (summary != null) {
          run.logText("model_summary.txt", summary.toString());
        }
        Object layerWise = Reflect.tryCall(model, "getLayerWiseConfigurations");
        Object conf = layerWise != null ? layerWise : Reflect.tryCall(model, "getConfiguration");
        // Rendered on the logger's thread: DL4J's first toJson builds its JSON mappers (a quarter of
        // a second), and training leaves the configuration alone but for its counters.
        run.logText("model_config.json", () -> Objects.toString(Reflect.tryCall(conf, "toJson"), null));
      }
    }
  }

  private static ModelRun runOf(Object model) {
    Autolog.Runtime rt = Autolog.runtime();
    ModelRun run = rt == null ? null : rt.runs().runOf(model);
    return run != null && run.isRunning() ? run : null;
  }

  private static void safely(ThrowingRunnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      Dl4jHooks.failed("training listener", t);
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** Running mean of the minibatch losses of the current epoch. */
  static final class EpochLoss {
    private double sum;
    private long count;

    synchronized void add(double loss) {
      sum += loss;
      count++;
    }

    synchronized double mean() {
      return sum / count;
    }

    synchronized void reset() {
      sum = 0;
      count = 0;
    }
  }
}
