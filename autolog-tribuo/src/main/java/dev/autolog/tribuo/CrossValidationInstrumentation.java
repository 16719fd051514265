package dev.autolog.tribuo;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.autolog.bootstrap.TribuoBridge;
import dev.autolog.core.instrumentation.ResolvedAdvice;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@code CrossValidation.evaluate()}: a parent scope. Its folds' {@code trainer.train(..)} calls
 * are outermost training calls on the same thread and become child runs of the parent run; its
 * return value (one evaluation per fold) gives the parent's mean and standard deviation metrics.
 */
final class CrossValidationInstrumentation {
  static final String CROSS_VALIDATION = "org.tribuo.evaluation.CrossValidation";

  private CrossValidationInstrumentation() {}

  static AgentBuilder apply(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(named(CROSS_VALIDATION), HooksVisibility.INSTANCE)
        .transform(new ResolvedAdvice(agentLoader, named("evaluate").and(takesArguments(0)),
                CrossValidationInstrumentation.class.getName() + "$EvaluateAdvice"));
  }

  /** Inlined into {@code CrossValidation.evaluate()}. */
  @SuppressWarnings("unused")
  public static final class EvaluateAdvice {
    private EvaluateAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object crossValidation) {
      return TribuoBridge.crossValidationEnter(crossValidation);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object token,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      TribuoBridge.crossValidationExit(token, result, thrown);
    }
  }
}
