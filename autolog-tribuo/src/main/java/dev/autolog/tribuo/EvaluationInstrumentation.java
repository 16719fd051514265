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
 * Every {@code evaluate(Model, ...)} of {@code org.tribuo.evaluation.Evaluator} and the Tribuo
 * classes implementing it. All concrete evaluators (label, regression, clustering, anomaly,
 * multi-label) extend {@code AbstractEvaluator}, whose {@code evaluate(Model, Dataset)} and
 * {@code evaluate(Model, DataSource)} end in {@code evaluate(Model, List, DataProvenance)}; the
 * outermost call's return value is the filled evaluation.
 */
final class EvaluationInstrumentation {
  private EvaluationInstrumentation() {}

  static AgentBuilder apply(AgentBuilder builder, ClassLoader agentLoader) {
    return builder
        .type(nameStartsWith("org.tribuo.")
                .and(ElementMatchers.failSafe(hasSuperType(named("org.tribuo.evaluation.Evaluator")))),
            HooksVisibility.INSTANCE)
        .transform(new ResolvedAdvice(agentLoader, named("evaluate")
                    .and(not(isAbstract()))
                    .and(not(isBridge()))
                    .and(takesArgument(0, named("org.tribuo.Model"))),
                EvaluationInstrumentation.class.getName() + "$EvaluateAdvice"));
  }

  /** Inlined into {@code evaluate}. */
  @SuppressWarnings("unused")
  public static final class EvaluateAdvice {
    private EvaluateAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object model) {
      return TribuoBridge.evaluateEnter(model);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Enter Object token,
        @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object model,
        @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object evaluation,
        @Advice.Thrown Throwable thrown) {
      TribuoBridge.evaluateExit(token, model, evaluation, thrown);
    }
  }
}
