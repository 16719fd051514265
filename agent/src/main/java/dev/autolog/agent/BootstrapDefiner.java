package dev.autolog.agent;

import java.security.ProtectionDomain;

/**
 * Defines a class in the bootstrap class loader, for {@link BootstrapBridge}. This class is never
 * used from the class path: {@code BootstrapBridge} reads its bytes from the agent jar and defines it
 * in a class loader of its own, whose unnamed module is the only one the JDK's internal
 * {@code jdk.internal.misc} package is exported to. The job's own code (the class path's unnamed
 * module) thus gains no access to JDK internals. It refers to JDK types only, as its loader sees
 * nothing else.
 */
public final class BootstrapDefiner {
  private BootstrapDefiner() {}

  /** Defines class {@code name} from {@code bytes} in the bootstrap class loader. */
  public static Class<?> define(String name, byte[] bytes) throws ReflectiveOperationException {
    Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
    Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
    return (Class<?>) unsafeType
        .getMethod("defineClass", String.class, byte[].class, int.class, int.class, ClassLoader.class,
            ProtectionDomain.class)
        .invoke(unsafe, name, bytes, 0, bytes.length, null, null);
  }
}
