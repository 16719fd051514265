package dev.autolog.dl4j;

import dev.autolog.core.log.AgentLog;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Instruments a class only when its class loader resolves {@link Dl4jHooks} to the agent's own
 * copy. Inlined advice calls the hooks from inside DL4J's classes; in a loader that cannot see
 * them (a fat-jar launcher whose parent is the platform loader) the calls would fail, so such
 * classes are left alone and the fact is reported once.
 */
final class HooksVisibility implements ElementMatcher<ClassLoader> {
  static final HooksVisibility INSTANCE = new HooksVisibility();

  @Override
  public boolean matches(ClassLoader loader) {
    try {
      return Class.forName(Dl4jHooks.class.getName(), false, loader) == Dl4jHooks.class;
    } catch (Throwable t) {
      AgentLog.warnOnce("dl4j-invisible-" + System.identityHashCode(loader),
          "DL4J classes loaded by " + loader + " cannot see the agent; their training is not logged");
      return false;
    }
  }
}
