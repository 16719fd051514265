package dev.autolog.core;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.log.AgentLog;
import dev.autolog.core.run.RunManager;
import java.util.function.Supplier;

/**
 * The running agent's state, reachable from the hooks that the inlined calls reach. Empty until the agent has
 * started with a valid configuration; hooks do nothing while it is empty.
 *
 * <p>The agent starts it lazily ({@link #startOnFirstUse}): the tracker, the logger's thread and
 * the shutdown hook only come into being when a hook first asks for the runtime, i.e. at the first
 * training or evaluation call. A job that never trains pays nothing for them, and nothing of it
 * runs inside class loading.
 */
public final class Autolog {
  private static volatile Runtime runtime;
  private static volatile Supplier<Runtime> starter;

  private Autolog() {}

  /** The state hooks use: configuration and run manager. */
  public record Runtime(AutologConfig config, RunManager runs) {}

  /** Installs the runtime; called once by the agent (or a test). */
  public static void install(Runtime r) {
    runtime = r;
  }

  /**
   * Has {@code starter} create the runtime when it is first asked for. The starter runs once, on
   * the thread of the first hook call; if it fails or returns null, autologging stays off.
   */
  public static synchronized void startOnFirstUse(Supplier<Runtime> starter) {
    Autolog.starter = starter;
  }

  /** The runtime, or null when autologging is off. */
  public static Runtime runtime() {
    Runtime r = runtime;
    return r != null || starter == null ? r : start();
  }

  private static synchronized Runtime start() {
    // Threads arriving meanwhile wait here for the first one's start, so none of them misses it.
    if (runtime == null && starter != null) {
      try {
        runtime = starter.get();
      } catch (Throwable t) {
        AgentLog.error("could not start; autologging is off and the job runs without it", t);
      } finally {
        starter = null; // one attempt: a start that failed is not retried on every call
      }
    }
    return runtime;
  }
}
