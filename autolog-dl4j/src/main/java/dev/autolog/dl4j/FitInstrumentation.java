package dev.autolog.dl4j;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.autolog.bootstrap.Dl4jBridge;
import dev.autolog.core.instrumentation.ResolvedAdvice;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Every public {@code fit} of {@code MultiLayerNetwork} and {@code ComputationGraph}. Overloads
 * call each other ({@code fit(iter, epochs)} loops {@code fit(iter)}, a graph's epoch calls a
 * per-batch {@code fit}); {@link Dl4jHooks} keeps a per-thread depth so only the outermost call
 * counts.
 */
final class FitInstrumentation {
  private FitInstrumentation() {}

  /**
   * The two network classes whose fit and evaluation methods are instrumented. (Not in the module
   * class: the agent loads that before main, when no Byte Buddy type should load.)
   */
  static ElementMatcher<TypeDescription> networkTypes() {
    return namedOneOf(
        "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
        "org.deeplearning4j.nn.graph.ComputationGraph");
  }

  static AgentBuilder apply(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(networkTypes(), HooksVisibility.INSTANCE)
        .transform(new ResolvedAdvice(agentLoader, named("fit").and(isPublic())
                    // The Layer API's fit(INDArray, LayerWorkspaceMgr) only throws; frameworks call it.
                    .and(not(takesArgument(1, named("org.deeplearning4j.nn.workspace.LayerWorkspaceMgr")))),
                FitInstrumentation.class.getName() + "$FitAdvice"));
  }

  /** Inlined into {@code fit}; one call into the bridge each way. */
  @SuppressWarnings("unused")
  public static final class FitAdvice {
    private FitAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object model,
        @Advice.Argument(value = 0, optional = true, typing = Assigner.Typing.DYNAMIC) Object arg0,
        @Advice.Argument(value = 1, optional = true, typing = Assigner.Typing.DYNAMIC) Object arg1) {
      return Dl4jBridge.fitEnter(model, arg0, arg1);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object token, @Advice.This Object model, @Advice.Thrown Throwable thrown) {
      Dl4jBridge.fitExit(token, model, thrown);
    }
  }
}
