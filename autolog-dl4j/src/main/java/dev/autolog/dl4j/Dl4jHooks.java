package dev.autolog.dl4j;

import dev.autolog.bootstrap.Dl4jBridge;
import dev.autolog.core.Autolog;
import dev.autolog.core.instrumentation.HookFailures;
import dev.autolog.core.run.ModelRun;

/**
 * What the calls inlined into DL4J reach, through {@link Dl4jBridge} (they sit in DL4J's classes,
 * which may not see this class; they all see the bridge). Signatures use JDK types only. Every
 * method catches everything: the job never sees an agent failure, and after {@value #MAX_FAILURES}
 * failures the integration turns itself off.
 *
 * <p>A per-thread depth counter, shared by {@code fit} and early stopping, makes only the
 * outermost training call count. Enter methods return a token for the matching exit: a
 * {@link ModelRun} for an outermost call that opened or continued a run, {@link #INNER} otherwise.
 */
public final class Dl4jHooks implements Dl4jBridge.Hooks {
  static final String FLAVOR = "dl4j";
  private static final int MAX_FAILURES = 20;
  private static final Object INNER = new Object();
  private static final ThreadLocal<int[]> TRAIN_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<int[]> EVAL_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final HookFailures FAILURES = new HookFailures("DL4J", MAX_FAILURES);

  private Dl4jHooks() {}

  /**
   * Connects {@link Dl4jBridge} to these hooks. The agent calls this only after it has defined the
   * bridge in the bootstrap class loader: this class implements the bridge's interface, so loading
   * it any earlier would load a second copy of the bridge, from the agent jar.
   */
  static void connect() {
    Dl4jBridge.install(new Dl4jHooks());
  }

  /** Entry of a network's {@code fit}; {@code arg0}/{@code arg1} are its first two arguments. */
  @Override
  public Object fitEnter(Object model, Object arg0, Object arg1) {
    if (TRAIN_DEPTH.get()[0]++ > 0) {
      return INNER;
    }
    ModelRun run;
    Autolog.Runtime rt;
    try {
      rt = Autolog.runtime();
      if (rt == null || FAILURES.disabled()) {
        return INNER;
      }
      run = rt.runs().enterTraining(model, FLAVOR, model.getClass().getSimpleName());
    } catch (Throwable t) {
      failed("fit entry", t);
      return INNER;
    }
    // The run is open from here on: whatever fails below (a DL4J version whose models look
    // different), the token reaches the exit, which ends the run.
    try {
      Dl4jTraining.start(run, model, rt.config());
      Dl4jTraining.logCallParams(run, arg0, arg1);
    } catch (Throwable t) {
      failed("fit entry", t);
    }
    return run;
  }

  /** Exit of a network's {@code fit}. */
  @Override
  public void fitExit(Object token, Object model, Throwable thrown) {
    if (token == null) {
      return;
    }
    TRAIN_DEPTH.get()[0]--;
    if (token instanceof ModelRun run) {
      endTraining(model, run, thrown);
    }
  }

  /** Entry of an early-stopping trainer's {@code fit()}. */
  @Override
  public Object earlyStoppingEnter(Object trainer) {
    if (TRAIN_DEPTH.get()[0]++ > 0) {
      return INNER;
    }
    ModelRun run;
    Autolog.Runtime rt;
    Object model;
    try {
      rt = Autolog.runtime();
      model = EarlyStopping.model(trainer);
      if (rt == null || FAILURES.disabled() || model == null) {
        return INNER;
      }
      run = rt.runs().enterTraining(model, FLAVOR, model.getClass().getSimpleName());
    } catch (Throwable t) {
      failed("early stopping entry", t);
      return INNER;
    }
    // The run is open from here on: the exit must get its token to end it.
    try {
      Dl4jTraining.start(run, model, rt.config());
      run.logParams(EarlyStopping.params(trainer));
    } catch (Throwable t) {
      failed("early stopping entry", t);
    }
    return run;
  }

  /** Exit of an early-stopping trainer's {@code fit()}; {@code result} is its EarlyStoppingResult. */
  @Override
  public void earlyStoppingExit(Object token, Object trainer, Object result, Throwable thrown) {
    if (token == null) {
      return;
    }
    TRAIN_DEPTH.get()[0]--;
    if (token instanceof ModelRun run) {
      Object model = EarlyStopping.model(trainer);
      try {
        if (result != null) {
          EarlyStopping.logResult(run, result);
        }
      } catch (Throwable t) {
        failed("early stopping result", t);
      }
      endTraining(model, run, thrown);
    }
  }

  /** Entry of a network's evaluation funnel. */
  @Override
  public Object evaluateEnter(Object model) {
    if (EVAL_DEPTH.get()[0]++ > 0 || TRAIN_DEPTH.get()[0] > 0) {
      // Nested, or an evaluation inside training (an early-stopping score calculator): not a user evaluation.
      return INNER;
    }
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt == null || FAILURES.disabled()) {
        return INNER;
      }
      ModelRun run = rt.runs().enterEvaluation(model, FLAVOR, model.getClass().getSimpleName());
      if (run.iterations() == 0 && run.calls() == 1) {
        // A model not trained in this JVM: its run still describes it.
        try {
          Dl4jTraining.start(run, model, rt.config());
        } catch (Throwable t) {
          // The run is open: the exit must still get its token to close it.
          failed("evaluation entry", t);
        }
      }
      return run;
    } catch (Throwable t) {
      failed("evaluation entry", t);
      return INNER;
    }
  }

  /** Exit of a network's evaluation funnel; {@code result} holds the filled evaluations. */
  @Override
  public void evaluateExit(Object token, Object model, Object result, Throwable thrown) {
    if (token == null) {
      return;
    }
    EVAL_DEPTH.get()[0]--;
    if (!(token instanceof ModelRun run)) {
      return;
    }
    try {
      if (thrown == null && result != null) {
        Dl4jEvaluations.log(run, result);
      }
    } catch (Throwable t) {
      failed("evaluation result", t);
    }
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt != null) {
        rt.runs().exitEvaluation(model, run, thrown);
      }
    } catch (Throwable t) {
      failed("evaluation exit", t);
    }
  }

  private static void endTraining(Object model, ModelRun run, Throwable thrown) {
    try {
      Dl4jTraining.end(run, model);
    } catch (Throwable t) {
      failed("fit exit", t);
    }
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt != null) {
        rt.runs().exitTraining(model, run, thrown);
      }
    } catch (Throwable t) {
      failed("fit exit", t);
    }
  }

  /** Records a failure of the agent's own code; never rethrows. */
  static void failed(String where, Throwable t) {
    FAILURES.failed(where, t);
  }

}
