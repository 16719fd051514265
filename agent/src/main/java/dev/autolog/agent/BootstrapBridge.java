package dev.autolog.agent;

import dev.autolog.core.instrumentation.InstrumentationModule;
import dev.autolog.core.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts the modules' bridge classes (package {@code dev.autolog.bootstrap}, JDK types only) into the
 * bootstrap class loader, then connects them to the modules' hooks. The hook calls inlined into DL4J
 * and Tribuo go to the bridge; in the bootstrap loader every class loader sees it, including a fat-jar
 * launcher's loader whose parent is the platform loader, and two loaders with a library copy each
 * share it. The agent's own code sees the same copy, since the class path's loader asks its
 * parents first.
 *
 * <p>The classes are defined one by one, not by appending a jar to the bootstrap class path
 * ({@code Instrumentation.appendToBootstrapClassLoaderSearch}): on JDK 17, appending prints
 * "Sharing is only supported for boot loader classes because bootstrap classpath has been
 * appended" on the job's stderr and turns class-data sharing off for the job's classes. Defining a
 * class there takes the JDK-internal {@code Unsafe.defineClass}, reached from a helper class
 * ({@link BootstrapDefiner}) loaded in a class loader of its own, the only module the internal
 * package is exported to.
 *
 * <p>If any of that fails (a JDK without that method), the bridge stays on the class path, as the
 * agent jar's own classes: libraries loaded from the class path are instrumented as before, and
 * classes whose loader cannot see the bridge are left alone, each loader reported once.
 */
final class BootstrapBridge {
  private static final String DEFINER = "dev.autolog.agent.BootstrapDefiner";

  private BootstrapBridge() {}

  /** Defines the modules' bridge classes in the bootstrap class loader and connects their hooks. */
  static void define(Instrumentation inst, List<InstrumentationModule> modules, ClassLoader agentLoader) {
    try {
      Method define = definer(inst, agentLoader);
      for (InstrumentationModule module : modules) {
        for (String name : module.bridgeClasses()) {
          define.invoke(null, name, bytes(agentLoader, name));
        }
      }
    } catch (Throwable t) {
      AgentLog.debug("the bridge stays on the class path (" + AgentLog.describe(t)
          + "); DL4J and Tribuo loaded by other class loaders cannot be logged");
    }
    for (InstrumentationModule module : modules) {
      module.connectHooks();
    }
  }

  /** {@link BootstrapDefiner#define}, in a loader of its own that may use {@code jdk.internal.misc}. */
  private static Method definer(Instrumentation inst, ClassLoader agentLoader)
      throws IOException, ReflectiveOperationException {
    Class<?> definer = new DefinerLoader().define(DEFINER, bytes(agentLoader, DEFINER));
    Module javaBase = Object.class.getModule();
    inst.redefineModule(javaBase, Set.of(), Map.of("jdk.internal.misc", Set.of(definer.getModule())),
        Map.of(), Set.of(), Map.of());
    return definer.getMethod("define", String.class, byte[].class);
  }

  private static byte[] bytes(ClassLoader loader, String className) throws IOException {
    try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
      if (in == null) {
        throw new IOException("missing from the agent jar: " + className);
      }
      return in.readAllBytes();
    }
  }

  /** Holds {@link BootstrapDefiner} alone; its parent is the bootstrap loader, so it sees JDK types only. */
  private static final class DefinerLoader extends ClassLoader {
    DefinerLoader() {
      super(null);
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
