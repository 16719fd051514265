package dev.autolog.core;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.run.RunManager;

/**
 * The running agent's state, reachable from the hooks that advice calls. Empty until the agent has
 * started with a valid configuration; hooks do nothing while it is empty.
 */
public final class Autolog {
  private static volatile Runtime runtime;

  private Autolog() {}

  /** The state hooks use: configuration and run manager. */
  public record Runtime(AutologConfig config, RunManager runs) {}

  /** Installs the runtime; called once by the agent. */
  public static void install(Runtime r) {
    runtime = r;
  }

  /** The runtime, or null when autologging is off. */
  public static Runtime runtime() {
    return runtime;
  }
}
