package dev.autolog.dl4j;

import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_0;
import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_1;
import static dev.autolog.core.instrumentation.HookValue.THIS;
import static dev.autolog.core.instrumentation.HookValue.THROWN;
import static dev.autolog.core.instrumentation.HookValue.TOKEN;
import static dev.autolog.core.instrumentation.MethodMatcher.isPublic;
import static dev.autolog.core.instrumentation.MethodMatcher.named;
import static dev.autolog.core.instrumentation.MethodMatcher.not;
import static dev.autolog.core.instrumentation.MethodMatcher.takesArgument;

import dev.autolog.core.instrumentation.MethodHook;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import dev.autolog.core.instrumentation.TypeMatcher;
import java.util.List;

/**
 * Every public {@code fit} of {@code MultiLayerNetwork} and {@code ComputationGraph}. Overloads
 * call each other ({@code fit(iter, epochs)} loops {@code fit(iter)}, a graph's epoch calls a
 * per-batch {@code fit}); {@link Dl4jHooks} keeps a per-thread depth so only the outermost call
 * counts.
 */
final class FitInstrumentation {
  private FitInstrumentation() {}

  /** The two network classes whose fit and evaluation methods are instrumented. */
  static TypeMatcher networkTypes() {
    return TypeMatcher.named(
        "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
        "org.deeplearning4j.nn.graph.ComputationGraph");
  }

  /** {@code Dl4jBridge.fitEnter(model, arg0, arg1)} and {@code fitExit(token, model, thrown)}. */
  static TypeInstrumentation instrumentation() {
    return new TypeInstrumentation(networkTypes(),
        new MethodHook(named("fit").and(isPublic())
                // The Layer API's fit(INDArray, LayerWorkspaceMgr) only throws; frameworks call it.
                .and(not(takesArgument(1, "org.deeplearning4j.nn.workspace.LayerWorkspaceMgr"))),
            Dl4jInstrumentationModule.BRIDGE, "fitEnter", List.of(THIS, ARGUMENT_0, ARGUMENT_1),
            "fitExit", List.of(TOKEN, THIS, THROWN)));
  }
}
