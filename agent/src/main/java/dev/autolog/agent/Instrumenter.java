package dev.autolog.agent;

import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/**
 * Builds the modules' advice transformations with Byte Buddy, following the recipe the big agents
 * converge on: no class-format changes (so already-loaded classes can be retransformed),
 * decorate-only, type descriptions from the class-file pool, and everything outside the
 * instrumented libraries' packages ignored by name before any matching work.
 *
 * <p>Before the modules' first class loads, the bridge classes must be in place and connected:
 * the modules' matchers check that a class loader sees the connected bridge.
 */
final class Instrumenter {
  private Instrumenter() {}

  /**
   * The transformer for premain: not registered with the JVM, since {@link LazyInstaller} hands it
   * the classes to transform; nothing needs retransforming, as none of them had loaded before.
   */
  static ClassFileTransformer transformer(List<InstrumentationModule> modules, ClassLoader agentLoader) {
    return builder(modules, agentLoader).makeRaw();
  }

  /** Registers the transformations for agentmain, retransforming matching classes already loaded. */
  static void installOn(Instrumentation inst, List<InstrumentationModule> modules, ClassLoader agentLoader) {
    builder(modules, agentLoader).installOn(inst);
  }

  private static AgentBuilder builder(List<InstrumentationModule> modules, ClassLoader agentLoader) {
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
    return builder;
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
