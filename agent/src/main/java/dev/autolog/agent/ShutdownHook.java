package dev.autolog.agent;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.run.RunManager;

/**
 * Ends open runs at JVM exit (KILLED when inside a training call, FINISHED otherwise) and flushes
 * within flush_timeout_ms. Writes only to raw stderr: JUL may already be shut down by then.
 */
final class ShutdownHook {
  private ShutdownHook() {}

  static void register(RunManager runs, long flushTimeoutMillis) {
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
    Runtime.getRuntime().addShutdownHook(hook);
  }
}
