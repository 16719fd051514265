package dev.autolog.tribuo;

import dev.autolog.bootstrap.TribuoBridge;
import dev.autolog.core.Autolog;
import dev.autolog.core.instrumentation.HookFailures;
import dev.autolog.core.run.ModelRun;
import dev.autolog.core.run.RunFinisher;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

/**
 * What the calls inlined into Tribuo reach, through {@link TribuoBridge} (they sit in Tribuo's
 * classes, which may not see this class; they all see the bridge). Signatures use JDK types only.
 * Every method catches everything: the job never sees an agent failure, and after
 * {@value #MAX_FAILURES} failures the integration turns itself off.
 *
 * <p>Per-thread depth counters make only the outermost {@code train} and {@code evaluate} calls
 * count: a wrapper's inner trainers, the overload chains and covariant bridges open no run, and an
 * evaluation inside a train call is part of training. A {@code CrossValidation.evaluate()} on the
 * thread turns the train calls it makes into child runs of its own run.
 *
 * <p>Enter methods return a token for the matching exit: a {@link TrainCall}, {@link EvalCall} or
 * {@link CrossValidationScope} for a call that is logged, {@link #INNER} otherwise.
 */
public final class TribuoHooks implements TribuoBridge.Hooks {
  static final String FLAVOR = "tribuo";
  private static final int MAX_FAILURES = 20;
  /** At most this long, the end of a cross-validation waits for the logger to have created its run. */
  private static final Object INNER = new Object();
  private static final ThreadLocal<int[]> TRAIN_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<int[]> EVAL_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
  private static final ThreadLocal<CrossValidationScope> CROSS_VALIDATION = new ThreadLocal<>();
  private static final HookFailures FAILURES = new HookFailures("Tribuo", MAX_FAILURES);

  private TribuoHooks() {}

  /**
   * Connects {@link TribuoBridge} to these hooks. The agent calls this only after it has defined the
   * bridge in the bootstrap class loader: this class implements the bridge's interface, so loading
   * it any earlier would load a second copy of the bridge, from the agent jar.
   */
  static void connect() {
    TribuoBridge.install(new TribuoHooks());
  }

  /**
   * The key an outermost train call's run is known by in the RunManager: one per call, so each
   * call is a run of its own (a trainer trains many models); the model the call returns is then
   * associated with the run ({@code RunManager.associate}), so its evaluations log into it.
   */
  static final class RunKey {
    private final String trainer;

    RunKey(String trainer) {
      this.trainer = trainer;
    }

    @Override
    public String toString() {
      return "train call of " + trainer;
    }
  }

  /** An outermost train call in progress. */
  static final class TrainCall {
    final RunKey key;
    final ModelRun run;
    final CrossValidationScope crossValidation;
    /** When training proper starts: after the agent's own work at entry. */
    long startNanos;
    SgdLossCapture.Session loss;

    TrainCall(RunKey key, ModelRun run, CrossValidationScope crossValidation) {
      this.key = key;
      this.run = run;
      this.crossValidation = crossValidation;
    }
  }

  /** An outermost evaluation: the evaluated model, and its run. */
  record EvalCall(Object key, ModelRun run) {}

  /**
   * Entry of a trainer's {@code train(Dataset[, Map[, int]])}; {@code runProvenance} and
   * {@code invocationCount} are its second and third arguments, if any.
   */
  @Override
  public Object trainEnter(Object trainer, Object dataset, Object runProvenance, Object invocationCount) {
    if (TRAIN_DEPTH.get()[0]++ > 0) {
      return INNER;
    }
    TrainCall call;
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt == null || FAILURES.disabled() || trainer == null) {
        return INNER;
      }
      RunKey key = new RunKey(trainer.getClass().getName());
      CrossValidationScope crossValidation = CROSS_VALIDATION.get();
      ModelRun run = rt.runs().enterTraining(key, FLAVOR, trainer.getClass().getSimpleName(),
          crossValidation == null ? null : crossValidation.parent);
      call = new TrainCall(key, run, crossValidation);
    } catch (Throwable t) {
      failed("train entry", t);
      return INNER;
    }
    // The run is open from here on: whatever fails below, the token reaches the exit, which ends the run.
    try {
      TribuoTraining.start(call.run, trainer, dataset, runProvenance, invocationCount);
      if (call.crossValidation != null) {
        call.crossValidation.adopt(call.run);
      }
    } catch (Throwable t) {
      failed("train entry", t);
    }
    try {
      call.loss = SgdLossCapture.begin(call.run, TribuoTraining.lossSign(dataset));
    } catch (Throwable t) {
      failed("loss capture", t);
    }
    call.startNanos = System.nanoTime();
    return call;
  }

  /** Exit of a trainer's {@code train}; {@code model} is what it returned. */
  @Override
  public void trainExit(Object token, Object trainer, Object model, Throwable thrown) {
    if (token == null) {
      return;
    }
    TRAIN_DEPTH.get()[0]--;
    if (!(token instanceof TrainCall call)) {
      return;
    }
    try {
      SgdLossCapture.end(call.loss);
    } catch (Throwable t) {
      failed("loss capture", t);
    }
    Autolog.Runtime rt = Autolog.runtime();
    try {
      if (thrown == null && model != null && rt != null) {
        rt.runs().associate(model, call.run);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - call.startNanos);
        RunFinisher saveModel = TribuoTraining.end(call.run, model, millis, rt.config());
        if (saveModel != null) {
          // A Tribuo model is immutable once trained: saved now, not when its run ends at exit.
          call.run.finishEarly(saveModel);
        }
      }
    } catch (Throwable t) {
      failed("train exit", t);
    }
    try {
      if (rt != null) {
        rt.runs().exitTraining(call.key, call.run, thrown);
      }
    } catch (Throwable t) {
      failed("train exit", t);
    }
  }

  /** Entry of an evaluator's {@code evaluate(Model, ...)}. */
  @Override
  public Object evaluateEnter(Object model) {
    if (EVAL_DEPTH.get()[0]++ > 0 || TRAIN_DEPTH.get()[0] > 0) {
      // Nested (the Dataset overload calls the predictions one), or part of a train call.
      return INNER;
    }
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt == null || FAILURES.disabled() || model == null) {
        return INNER;
      }
      boolean trainedHere = rt.runs().runOf(model) != null;
      ModelRun run = rt.runs().enterEvaluation(model, FLAVOR, model.getClass().getSimpleName());
      EvalCall call = new EvalCall(model, run);
      if (!trainedHere) {
        // Not trained in this JVM: the run is the model's own, and describes it once.
        try {
          TribuoTraining.describeUntrained(run, model);
        } catch (Throwable t) {
          failed("evaluation entry", t);
        }
      }
      return call;
    } catch (Throwable t) {
      failed("evaluation entry", t);
      return INNER;
    }
  }

  /** Exit of an evaluator's {@code evaluate}; {@code evaluation} is what it returned. */
  @Override
  public void evaluateExit(Object token, Object model, Object evaluation, Throwable thrown) {
    if (token == null) {
      return;
    }
    EVAL_DEPTH.get()[0]--;
    if (!(token instanceof EvalCall call)) {
      return;
    }
    try {
      if (thrown == null && evaluation != null) {
        TribuoEvaluations.log(call.run(), evaluation);
      }
    } catch (Throwable t) {
      failed("evaluation result", t);
    }
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt != null) {
        rt.runs().exitEvaluation(call.key(), call.run(), thrown);
      }
    } catch (Throwable t) {
      failed("evaluation exit", t);
    }
  }

  /** Entry of {@code CrossValidation.evaluate()}. */
  @Override
  public Object crossValidationEnter(Object crossValidation) {
    if (TRAIN_DEPTH.get()[0] > 0 || CROSS_VALIDATION.get() != null) {
      // Inside a train call, or a cross-validation inside another: its folds belong to the outer call.
      return INNER;
    }
    CrossValidationScope scope;
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt == null || FAILURES.disabled() || crossValidation == null) {
        return INNER;
      }
      scope = new CrossValidationScope();
      scope.parent = rt.runs().enterTraining(scope, FLAVOR, "CrossValidation");
      CROSS_VALIDATION.set(scope);
    } catch (Throwable t) {
      failed("cross-validation entry", t);
      return INNER;
    }
    try {
      scope.describe(crossValidation);
    } catch (Throwable t) {
      failed("cross-validation entry", t);
    }
    return scope;
  }

  /** Exit of {@code CrossValidation.evaluate()}; {@code result} is its list of (evaluation, model) pairs. */
  @Override
  public void crossValidationExit(Object token, Object result, Throwable thrown) {
    if (!(token instanceof CrossValidationScope scope)) {
      return;
    }
    CROSS_VALIDATION.remove();
    try {
      if (thrown == null && result != null) {
        scope.logFoldSummary(result);
      }
    } catch (Throwable t) {
      failed("cross-validation result", t);
    }
    try {
      Autolog.Runtime rt = Autolog.runtime();
      if (rt != null) {
        rt.runs().exitTraining(scope, scope.parent, thrown);
      }
    } catch (Throwable t) {
      failed("cross-validation exit", t);
    }
  }

  /**
   * {@code type.getMethods()} for {@code ProtoUtil.findMethod}: from {@link ModelSaveReflection}'s
   * copy while this thread saves a model for the agent, else the call itself. It throws only what
   * {@code getMethods()} throws.
   */
  @Override
  public Method[] publicMethods(Class<?> type) {
    try {
      return ModelSaveReflection.publicMethods(type);
    } catch (RuntimeException | LinkageError e) {
      return type.getMethods(); // the call as Tribuo made it, whatever went wrong on our side
    }
  }

  /** Records a failure of the agent's own code; never rethrows. */
  static void failed(String where, Throwable t) {
    FAILURES.failed(where, t);
  }

}
