package dev.autolog.agent;

import dev.autolog.core.instrumentation.ClassFileFilter;
import dev.autolog.core.instrumentation.HookWeaver;
import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * The transformer that instruments the modules' classes: the {@link HookWeaver} behind a
 * report-once error handler. A class the weaver cannot instrument loads unchanged, and the
 * failure is reported once per class (the JVM itself would drop the exception silently).
 *
 * <p>It changes only method bodies, so it serves both classes being loaded (premain, through
 * {@link LazyInstaller}) and classes already loaded, retransformed when the agent is attached late.
 */
final class Instrumenter implements ClassFileTransformer {
  private final HookWeaver weaver;

  private Instrumenter(HookWeaver weaver) {
    this.weaver = weaver;
  }

  /** The transformer for premain, which {@link LazyInstaller} hands the classes that may need it. */
  static ClassFileTransformer transformer(List<InstrumentationModule> modules, ClassLoader agentLoader) {
    return new Instrumenter(new HookWeaver(modules, agentLoader));
  }

  /**
   * For agentmain: registers the transformer (retransformation-capable) for classes loaded from
   * now on, and retransforms the modules' classes that have loaded already.
   */
  static void installOn(Instrumentation inst, List<InstrumentationModule> modules, ClassLoader agentLoader) {
    ClassFileFilter filter = ClassFileFilter.of(modules);
    ClassFileTransformer transformer = transformer(modules, agentLoader);
    inst.addTransformer(new LazyInstaller(filter, () -> transformer), true);
    for (Class<?> loaded : inst.getAllLoadedClasses()) {
      if (inst.isModifiableClass(loaded) && filter.mayAccept(loaded.getName().replace('.', '/'))) {
        try {
          // One at a time: a class that fails must not keep the others unchanged.
          inst.retransformClasses(loaded);
        } catch (Throwable t) {
          AgentLog.warnOnce("retransform-" + loaded.getName(),
              "could not instrument " + loaded.getName() + ": " + AgentLog.describe(t));
        }
      }
    }
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    try {
      return weaver.weave(loader, className, classfileBuffer);
    } catch (Throwable t) {
      AgentLog.warnOnce("transform-" + className,
          "could not instrument " + className.replace('/', '.') + ": " + AgentLog.describe(t));
      return null;
    }
  }
}
