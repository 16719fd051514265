package dev.autolog.dl4j;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.autolog.bootstrap.Dl4jBridge;
import dev.autolog.core.instrumentation.ResolvedAdvice;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The evaluation funnels: every {@code evaluate*} and {@code doEvaluation} overload of a network
 * ends in {@code doEvaluationHelper} (public on MLN, private on CG), which returns the filled
 * evaluations.
 */
final class EvaluationInstrumentation {
  private EvaluationInstrumentation() {}

  static AgentBuilder apply(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(FitInstrumentation.networkTypes(), HooksVisibility.INSTANCE)
        .transform(new ResolvedAdvice(agentLoader, named("doEvaluationHelper").and(takesArguments(2)),
                EvaluationInstrumentation.class.getName() + "$EvaluateAdvice"));
  }

  /** Inlined into {@code doEvaluationHelper}. */
  @SuppressWarnings("unused")
  public static final class EvaluateAdvice {
    private EvaluateAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object model) {
      return Dl4jBridge.evaluateEnter(model);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object token,
        @Advice.This Object model,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      Dl4jBridge.evaluateExit(token, model, result, thrown);
    }
  }
}
