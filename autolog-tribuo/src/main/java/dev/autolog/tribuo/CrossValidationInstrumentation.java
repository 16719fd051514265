package dev.autolog.tribuo;

import static dev.autolog.core.instrumentation.HookValue.RETURNED;
import static dev.autolog.core.instrumentation.HookValue.THIS;
import static dev.autolog.core.instrumentation.HookValue.THROWN;
import static dev.autolog.core.instrumentation.HookValue.TOKEN;
import static dev.autolog.core.instrumentation.MethodMatcher.named;
import static dev.autolog.core.instrumentation.MethodMatcher.takesArguments;

import dev.autolog.core.instrumentation.MethodHook;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import dev.autolog.core.instrumentation.TypeMatcher;
import java.util.List;

/**
 * {@code CrossValidation.evaluate()}: a parent scope. Its folds' {@code trainer.train(..)} calls
 * are outermost training calls on the same thread and become child runs of the parent run; its
 * return value (one evaluation per fold) gives the parent's mean and standard deviation metrics.
 */
final class CrossValidationInstrumentation {
  static final String CROSS_VALIDATION = "org.tribuo.evaluation.CrossValidation";

  private CrossValidationInstrumentation() {}

  /** {@code TribuoBridge.crossValidationEnter(crossValidation)} and {@code crossValidationExit(token, folds, thrown)}. */
  static TypeInstrumentation instrumentation() {
    return new TypeInstrumentation(TypeMatcher.named(CROSS_VALIDATION),
        new MethodHook(named("evaluate").and(takesArguments(0)),
            TribuoInstrumentationModule.BRIDGE, "crossValidationEnter", List.of(THIS),
            "crossValidationExit", List.of(TOKEN, RETURNED, THROWN)));
  }
}
