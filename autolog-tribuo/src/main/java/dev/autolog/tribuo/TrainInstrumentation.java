package dev.autolog.tribuo;

import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_0;
import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_1;
import static dev.autolog.core.instrumentation.HookValue.ARGUMENT_2;
import static dev.autolog.core.instrumentation.HookValue.RETURNED;
import static dev.autolog.core.instrumentation.HookValue.THIS;
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

  /** {@code TribuoBridge.trainEnter(trainer, dataset, runProvenance, invocationCount)} and its exit. */
  static TypeInstrumentation instrumentation() {
    return new TypeInstrumentation(nameStartsWith("org.tribuo.").and(hasSuperType(TRAINER)),
        new MethodHook(named("train").and(notBridge()).and(takesArgument(0, "org.tribuo.Dataset")),
            TribuoInstrumentationModule.BRIDGE, "trainEnter", List.of(THIS, ARGUMENT_0, ARGUMENT_1, ARGUMENT_2),
            "trainExit", List.of(TOKEN, THIS, RETURNED, THROWN)));
  }
}
