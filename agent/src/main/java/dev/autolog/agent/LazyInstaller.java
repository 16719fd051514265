package dev.autolog.agent;

import dev.autolog.core.instrumentation.ClassFileFilter;
import dev.autolog.core.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.function.Supplier;

/**
 * The only transformer {@code premain} registers: a check of each loading class's name against the
 * instrumented packages, cheap enough to add next to nothing to start-up or to the loading of the
 * job's other classes. The weaver, its ASM classes and the bridge stay unloaded until the first
 * class of an instrumented package loads that may need instrumenting.
 *
 * <p>Which classes may is the {@link ClassFileFilter}'s call: of those packages, only classes whose
 * bytes hold one of their module's markers reach the weaver. The rest (most of a library) load
 * after a byte search instead of being parsed.
 *
 * <p>The first class that passes makes this transformer build the real one (the {@code installer}), on the
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
  private final ClassFileFilter filter;
  private final Supplier<ClassFileTransformer> installer;
  private volatile ClassFileTransformer delegate;
  private volatile boolean failed;
  private Thread building; // guarded by this

  /**
   * @param filter the classes that may need instrumenting
   * @param installer builds the real transformer; called at most once
   */
  LazyInstaller(ClassFileFilter filter, Supplier<ClassFileTransformer> installer) {
    this.filter = filter;
    this.installer = installer;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    if (className == null || classfileBuffer == null || !filter.accepts(className, classfileBuffer)) {
      return null;
    }
    ClassFileTransformer real = delegate != null ? delegate : build();
    if (real == null) {
      return null;
    }
    try {
      return real.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      // The real transformer reports its own failures (WeavingTransformer); this is for one that throws
      // anyway, which the JVM would ignore: the class loads unchanged.
      AgentLog.debug("left " + className + " unchanged: " + AgentLog.describe(t));
      return null;
    }
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
