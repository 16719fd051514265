package dev.autolog.dl4j;

import static dev.autolog.core.instrumentation.HookValue.RETURNED;
import static dev.autolog.core.instrumentation.HookValue.THIS;
import static dev.autolog.core.instrumentation.HookValue.THROWN;
import static dev.autolog.core.instrumentation.HookValue.TOKEN;
import static dev.autolog.core.instrumentation.MethodMatcher.named;
import static dev.autolog.core.instrumentation.MethodMatcher.takesArguments;

import dev.autolog.core.instrumentation.MethodHook;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * The evaluation funnels: every {@code evaluate*} and {@code doEvaluation} overload of a network
 * ends in {@code doEvaluationHelper} (public on MLN, private on CG), which returns the filled
 * evaluations.
 */
final class EvaluationInstrumentation {
  private EvaluationInstrumentation() {}

  /** {@code Dl4jBridge.evaluateEnter(model)} and {@code evaluateExit(token, model, evaluations, thrown)}. */
  static TypeInstrumentation instrumentation() {
    return new TypeInstrumentation(FitInstrumentation.networkTypes(),
        new MethodHook(named("doEvaluationHelper").and(takesArguments(2)),
            Dl4jInstrumentationModule.BRIDGE, "evaluateEnter", List.of(THIS),
            "evaluateExit", List.of(TOKEN, THIS, RETURNED, THROWN)));
  }
}
