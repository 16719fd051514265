package dev.autolog.benchmarks;

import java.lang.management.ManagementFactory;

/**
 * The trivial main of the start-up measurement. Prints how long after the JVM began creating itself
 * main() was entered (the agent's premain runs in between), read before anything else is loaded.
 */
public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    long entered = System.currentTimeMillis();
    long vmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("vm_start_to_main_ms=" + (entered - vmStart));
  }
}
