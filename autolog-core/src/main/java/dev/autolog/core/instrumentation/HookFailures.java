package dev.autolog.core.instrumentation;

import dev.autolog.core.log.AgentLog;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Containment for one integration's hooks: hooks catch everything and report it here. Each kind
 * of failure is reported once, and after {@code max} failures the integration turns itself off,
 * so a library version the hooks misread costs the job nothing but a few lines on stderr.
 * Thread-safe.
 */
public final class HookFailures {
  private final String integration;
  private final int max;
  private final AtomicInteger count = new AtomicInteger();
  private volatile boolean disabled;

  /**
   * @param integration the library as users know it, e.g. {@code DL4J}
   * @param max failures after which the integration turns itself off
   */
  public HookFailures(String integration, int max) {
    this.integration = integration;
    this.max = max;
  }

  /** Whether the integration has turned itself off. */
  public boolean disabled() {
    return disabled;
  }

  /** Reports a failure in {@code where} (once per place and kind) and counts it. */
  public void failed(String where, Throwable t) {
    int n = count.incrementAndGet();
    AgentLog.warnOnce(integration + "-" + where + t.getClass().getName(),
        integration + " autologging failed in " + where + " (the job is not affected): " + AgentLog.describe(t));
    if (AgentLog.isDebug()) {
      t.printStackTrace(System.err);
    }
    if (n >= max && !disabled) {
      disabled = true;
      AgentLog.warn(integration + " autologging turned itself off after " + n + " internal failures");
    }
  }
}
