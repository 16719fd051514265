package dev.autolog.tribuo;

import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_0;
import static dev.autolog.core.instrumentation.HookValue.RETURNED;
import static dev.autolog.core.instrumentation.HookValue.THROWN;
import static dev.autolog.core.instrumentation.HookValue.TOKEN;
import static dev.autolog.core.instrumentation.MethodMatcher.named;
import static dev.autolog.core.instrumentation.MethodMatcher.notBridge;
import static dev.autolog.core.instrumentation.MethodMatcher.takesArgument;
import static dev.autolog.core.instrumentation.TypeMatcher.hasSuperType;
import static dev.autolog.core.instrumentation.TypeMatcher.nameStartsWith;

import dev.autolog.core.instrumentation.MethodHook;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * Every {@code evaluate(Model, ...)} of {@code org.tribuo.evaluation.Evaluator} and the Tribuo
 * classes implementing it. All concrete evaluators (label, regression, clustering, anomaly,
 * multi-label) extend {@code AbstractEvaluator}, whose {@code evaluate(Model, Dataset)} and
 * {@code evaluate(Model, DataSource)} end in {@code evaluate(Model, List, DataProvenance)}; the
 * outermost call's return value is the filled evaluation.
 */
final class EvaluationInstrumentation {
  private EvaluationInstrumentation() {}

  /** {@code TribuoBridge.evaluateEnter(model)} and {@code evaluateExit(token, model, evaluation, thrown)}. */
  static TypeInstrumentation instrumentation() {
    return new TypeInstrumentation(
        nameStartsWith("org.tribuo.").and(hasSuperType("org.tribuo.evaluation.Evaluator")),
        new MethodHook(named("evaluate").and(notBridge()).and(takesArgument(0, "org.tribuo.Model")),
            TribuoInstrumentationModule.BRIDGE, "evaluateEnter", List.of(ARGUMENT_0),
            "evaluateExit", List.of(TOKEN, ARGUMENT_0, RETURNED, THROWN)));
  }
}
