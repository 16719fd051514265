package dev.autolog.agent;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.run.RunManager;

/**
 * Ends open runs at JVM exit (KILLED when inside a training call, FINISHED otherwise) and flushes
 * within flush_timeout_ms. Writes only to raw stderr: JUL may already be shut down by then.
 */
final class ShutdownHook {
  private ShutdownHook() {}

  /**
   * Registers the hook for {@code runs}; false when the JVM is already shutting down (the agent
   * starts on the first training call, which a job's own shutdown hook could make).
   */
  static boolean register(RunManager runs, long flushTimeoutMillis) {
    Thread hook = new Thread(() -> {
      try {
        long deadline = System.currentTimeMillis() + flushTimeoutMillis;
        runs.shutdown();
        LeftoverJournals.awaitUntil(deadline);
      } catch (Throwable t) {
        AgentLog.error("could not close runs at exit", t);
      }
    }, "autolog-shutdown");
    hook.setContextClassLoader(null);
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }
}
