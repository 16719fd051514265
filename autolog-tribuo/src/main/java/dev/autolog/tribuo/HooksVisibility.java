package dev.autolog.tribuo;

import dev.autolog.core.log.AgentLog;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Instruments a class only when its class loader resolves {@link TribuoHooks} to the agent's own
 * copy. Inlined advice calls the hooks from inside Tribuo's classes; in a loader that cannot see
 * them (a fat-jar launcher whose parent is the platform loader) the calls would fail, so such
 * classes are left alone and the fact is reported once.
 */
final class HooksVisibility implements ElementMatcher<ClassLoader> {
  static final HooksVisibility INSTANCE = new HooksVisibility();

  @Override
  public boolean matches(ClassLoader loader) {
    try {
      return Class.forName(TribuoHooks.class.getName(), false, loader) == TribuoHooks.class;
    } catch (Throwable t) {
      AgentLog.warnOnce("tribuo-invisible-" + System.identityHashCode(loader),
          "Tribuo classes loaded by " + loader + " cannot see the agent; their training is not logged");
      return false;
    }
  }
}
