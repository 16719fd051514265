package dev.autolog.tribuo;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.autolog.bootstrap.TribuoBridge;
import dev.autolog.core.instrumentation.ResolvedAdvice;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Every {@code train(Dataset, ...)} declared by {@code org.tribuo.Trainer} (its default methods)
 * or by any Tribuo class implementing it, abstract bases included ({@code AbstractSGDTrainer},
 * {@code AbstractCARTTrainer}, ...), since an inherited implementation is only instrumented where
 * it is declared. The overloads call each other ({@code train(D)} → {@code train(D, Map)} →
 * {@code train(D, Map, int)}, or the reverse for the interface defaults), covariant bridges call
 * the real method, and wrappers (bagging, boosting, transform, hashing) call their inner trainer;
 * {@link TribuoHooks} keeps a per-thread depth so only the outermost call counts.
 */
final class TrainInstrumentation {
  static final String TRAINER = "org.tribuo.Trainer";

  private TrainInstrumentation() {}

  static AgentBuilder apply(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(nameStartsWith("org.tribuo.").and(ElementMatchers.failSafe(hasSuperType(named(TRAINER)))),
            HooksVisibility.INSTANCE)
        .transform(new ResolvedAdvice(agentLoader, named("train")
                    .and(not(isAbstract()))
                    .and(not(isBridge()))
                    .and(takesArgument(0, named("org.tribuo.Dataset"))),
                TrainInstrumentation.class.getName() + "$TrainAdvice"));
  }

  /** Inlined into {@code train}; one call into the bridge each way. */
  @SuppressWarnings("unused")
  public static final class TrainAdvice {
    private TrainAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(
        @Advice.This Object trainer,
        @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object dataset,
        @Advice.Argument(value = 1, optional = true, typing = Assigner.Typing.DYNAMIC) Object runProvenance,
        @Advice.Argument(value = 2, optional = true, typing = Assigner.Typing.DYNAMIC) Object invocationCount) {
      return TribuoBridge.trainEnter(trainer, dataset, runProvenance, invocationCount);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object token,
        @Advice.This Object trainer,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object model,
        @Advice.Thrown Throwable thrown) {
      TribuoBridge.trainExit(token, trainer, model, thrown);
    }
  }
}
