package dev.autolog.agent;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the modules' advice with Byte Buddy, following the recipe the big agents converge on:
 * no class-format changes (so already-loaded classes can be retransformed), decorate-only, type
 * descriptions from the class-file pool, and everything outside the instrumented libraries'
 * packages ignored by name before any matching work.
 */
final class Instrumenter {
  private Instrumenter() {}

  static void install(Instrumentation inst, List<InstrumentationModule> modules, ClassLoader agentLoader) {
    ElementMatcher.Junction<TypeDescription> instrumented = none();
    for (InstrumentationModule module : modules) {
      for (String prefix : module.instrumentedPackages()) {
        instrumented = instrumented.or(nameStartsWith(prefix));
      }
    }
    AgentBuilder builder =
        new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
            .disableClassFormatChanges()
            .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
            .with(AgentBuilder.TypeStrategy.Default.DECORATE)
            .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
            .with(AgentBuilder.PoolStrategy.Default.FAST)
            .with(new ErrorListener())
            .ignore(not(instrumented));
    for (InstrumentationModule module : modules) {
      builder = module.extend(builder, agentLoader);
    }
    builder.installOn(inst);
  }

  /** Transformation errors are otherwise silent; report each class once. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      AgentLog.warnOnce("transform-" + typeName, "could not instrument " + typeName + ": " + AgentLog.describe(throwable));
    }

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module,
        boolean loaded, net.bytebuddy.dynamic.DynamicType dynamicType) {
      AgentLog.debug("instrumented " + typeDescription.getName());
    }
  }
}
