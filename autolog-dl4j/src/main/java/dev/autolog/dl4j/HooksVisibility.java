package dev.autolog.dl4j;

import dev.autolog.bootstrap.Dl4jBridge;
import dev.autolog.core.log.AgentLog;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Instruments a class only when its class loader resolves {@link Dl4jBridge} to the copy the agent
 * connected to its hooks. Inlined advice calls the bridge from inside DL4J's classes. The agent
 * normally defines the bridge in the bootstrap class loader, which every loader sees; should that
 * have failed, the bridge is only on the class path, and DL4J classes loaded by a loader that cannot
 * see it (a fat-jar launcher whose parent is the platform loader) are left alone, reported once.
 */
final class HooksVisibility implements ElementMatcher<ClassLoader> {
  static final HooksVisibility INSTANCE = new HooksVisibility();

  @Override
  public boolean matches(ClassLoader loader) {
    try {
      if (Class.forName(Dl4jBridge.class.getName(), false, loader) == Dl4jBridge.class) {
        return true;
      }
    } catch (Throwable t) {
      // not visible at all: reported below
    }
    AgentLog.warnOnce("dl4j-invisible-" + System.identityHashCode(loader),
        "DL4J classes loaded by " + loader + " cannot see the agent; their training is not logged");
    return false;
  }
}
