package dev.autolog.agent;

import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The only transformer {@code premain} registers: a check of each loading class's name against the
 * instrumented packages, cheap enough to add next to nothing to start-up or to the loading of the
 * job's other classes. Byte Buddy (about a thousand classes, a third of a second) stays unloaded
 * until the first class of an instrumented package loads.
 *
 * <p>That first class makes this transformer build the real one (the {@code installer}), on the
 * thread loading the class, and then hand it that class and every later one of those packages.
 * Building it inside the callback is safe because the real transformer is never registered with
 * the JVM and nothing is retransformed: the class being defined is transformed here directly, and no
 * class of those packages can have loaded before it.
 *
 * <p>Threads loading such classes meanwhile wait for the build; classes the build itself loads on
 * the building thread are left alone (none are of those packages). If the build fails, the failure
 * is reported once and every class loads unchanged.
 */
final class LazyInstaller implements ClassFileTransformer {
  private final String[] prefixes;
  private final Supplier<ClassFileTransformer> installer;
  private volatile ClassFileTransformer delegate;
  private volatile boolean failed;
  private Thread building; // guarded by this

  /**
   * @param prefixes internal-name prefixes of the instrumented packages, e.g. {@code org/tribuo/}
   * @param installer builds the real transformer; called at most once
   */
  LazyInstaller(List<String> prefixes, Supplier<ClassFileTransformer> installer) {
    this.prefixes = prefixes.toArray(new String[0]);
    this.installer = installer;
  }

  /** The modules' package prefixes ({@code org.tribuo.}) as internal-name prefixes ({@code org/tribuo/}). */
  static List<String> prefixes(List<InstrumentationModule> modules) {
    List<String> prefixes = new ArrayList<>();
    for (InstrumentationModule module : modules) {
      for (String prefix : module.instrumentedPackages()) {
        prefixes.add(prefix.replace('.', '/'));
      }
    }
    return prefixes;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null || !instrumented(className)) {
      return null;
    }
    ClassFileTransformer real = delegate != null ? delegate : build();
    if (real == null) {
      return null;
    }
    try {
      return real.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      // Byte Buddy has reported the failure through its listener (Instrumenter), then thrown it on,
      // for a JVM that ignores it; the class loads unchanged.
      AgentLog.debug("left " + className + " unchanged: " + AgentLog.describe(t));
      return null;
    }
  }

  boolean instrumented(String internalName) {
    for (String prefix : prefixes) {
      if (internalName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** Builds the real transformer once; null while this thread is building it, or if that failed. */
  private synchronized ClassFileTransformer build() {
    if (delegate != null || failed || building == Thread.currentThread()) {
      return delegate;
    }
    building = Thread.currentThread();
    try {
      delegate = installer.get();
    } catch (Throwable t) {
      AgentLog.error("could not instrument DL4J or Tribuo; autologging is off and the job runs without it", t);
    } finally {
      building = null;
      failed = delegate == null;
    }
    return delegate;
  }
}
