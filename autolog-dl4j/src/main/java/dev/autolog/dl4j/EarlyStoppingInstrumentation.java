package dev.autolog.dl4j;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.autolog.bootstrap.Dl4jBridge;
import dev.autolog.core.instrumentation.ResolvedAdvice;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * {@code fit()} and {@code pretrain()} of early-stopping trainers. The trainer drives the model
 * one minibatch {@code fit(DataSet)} at a time; without this scope each minibatch would look like
 * an outermost call. The whole session is one run.
 */
final class EarlyStoppingInstrumentation {
  private EarlyStoppingInstrumentation() {}

  static AgentBuilder apply(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(nameStartsWith("org.deeplearning4j.earlystopping.")
                .and(not(isInterface()))
                .and(ElementMatchers.failSafe(
                    hasSuperType(named("org.deeplearning4j.earlystopping.trainer.IEarlyStoppingTrainer")))),
            HooksVisibility.INSTANCE)
        .transform(new ResolvedAdvice(agentLoader, namedOneOf("fit", "pretrain").and(takesArguments(0)).and(isPublic()),
                EarlyStoppingInstrumentation.class.getName() + "$FitAdvice"));
  }

  /** Inlined into the trainer's {@code fit()}. */
  @SuppressWarnings("unused")
  public static final class FitAdvice {
    private FitAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object trainer) {
      return Dl4jBridge.earlyStoppingEnter(trainer);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object token,
        @Advice.This Object trainer,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      Dl4jBridge.earlyStoppingExit(token, trainer, result, thrown);
    }
  }
}
