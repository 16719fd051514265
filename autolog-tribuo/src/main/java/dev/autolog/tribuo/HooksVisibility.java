package dev.autolog.tribuo;

import dev.autolog.bootstrap.TribuoBridge;
import dev.autolog.core.log.AgentLog;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Instruments a class only when its class loader resolves {@link TribuoBridge} to the copy the
 * agent connected to its hooks. Inlined advice calls the bridge from inside Tribuo's classes. The
 * agent normally defines the bridge in the bootstrap class loader, which every loader sees; should
 * that have failed, the bridge is only on the class path, and Tribuo classes loaded by a loader that
 * cannot see it (a fat-jar launcher whose parent is the platform loader) are left alone, reported
 * once.
 */
final class HooksVisibility implements ElementMatcher<ClassLoader> {
  static final HooksVisibility INSTANCE = new HooksVisibility();

  @Override
  public boolean matches(ClassLoader loader) {
    try {
      if (Class.forName(TribuoBridge.class.getName(), false, loader) == TribuoBridge.class) {
        return true;
      }
    } catch (Throwable t) {
      // not visible at all: reported below
    }
    AgentLog.warnOnce("tribuo-invisible-" + System.identityHashCode(loader),
        "Tribuo classes loaded by " + loader + " cannot see the agent; their training is not logged");
    return false;
  }
}
