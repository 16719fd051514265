package dev.autolog.dl4j;

import static dev.autolog.core.instrumentation.HookValue.RETURNED;
import static dev.autolog.core.instrumentation.HookValue.THIS;
import static dev.autolog.core.instrumentation.HookValue.THROWN;
import static dev.autolog.core.instrumentation.HookValue.TOKEN;
import static dev.autolog.core.instrumentation.MethodMatcher.isPublic;
import static dev.autolog.core.instrumentation.MethodMatcher.named;
import static dev.autolog.core.instrumentation.MethodMatcher.takesArguments;
import static dev.autolog.core.instrumentation.TypeMatcher.hasSuperType;
import static dev.autolog.core.instrumentation.TypeMatcher.nameStartsWith;
import static dev.autolog.core.instrumentation.TypeMatcher.notInterface;

import dev.autolog.core.instrumentation.MethodHook;
import dev.autolog.core.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * {@code fit()} and {@code pretrain()} of early-stopping trainers. The trainer drives the model
 * one minibatch {@code fit(DataSet)} at a time; without this scope each minibatch would look like
 * an outermost call. The whole session is one run.
 */
final class EarlyStoppingInstrumentation {
  private EarlyStoppingInstrumentation() {}

  /** {@code Dl4jBridge.earlyStoppingEnter(trainer)} and {@code earlyStoppingExit(token, trainer, result, thrown)}. */
  static TypeInstrumentation instrumentation() {
    return new TypeInstrumentation(nameStartsWith("org.deeplearning4j.earlystopping.")
            .and(notInterface())
            .and(hasSuperType("org.deeplearning4j.earlystopping.trainer.IEarlyStoppingTrainer")),
        new MethodHook(named("fit", "pretrain").and(takesArguments(0)).and(isPublic()),
            Dl4jInstrumentationModule.BRIDGE, "earlyStoppingEnter", List.of(THIS),
            "earlyStoppingExit", List.of(TOKEN, THIS, RETURNED, THROWN)));
  }
}
