package dev.autolog.core.instrumentation;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.function.BiConsumer;

/**
 * A {@link HookWeaver} as the JVM's transformer. A class the weaver cannot instrument loads
 * unchanged and goes to {@code failed}: the JVM itself would drop the exception silently.
 */
public final class WeavingTransformer implements ClassFileTransformer {
  private final HookWeaver weaver;
  private final BiConsumer<String, Throwable> failed;

  /**
   * @param weaver what instruments the classes
   * @param failed told the internal name of each class that could not be instrumented, and why
   */
  public WeavingTransformer(HookWeaver weaver, BiConsumer<String, Throwable> failed) {
    this.weaver = weaver;
    this.failed = failed;
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain, byte[] classfileBuffer) {
    try {
      return weaver.weave(loader, className, classfileBuffer);
    } catch (Throwable t) {
      failed.accept(className, t);
      return null;
    }
  }
}
