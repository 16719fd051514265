package dev.autolog.core.log;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own diagnostics: one line per message on standard error, each prefixed {@code [autolog]}.
 *
 * <p>The agent never writes to standard output (it belongs to the job) and never goes through JUL,
 * SLF4J or Log4j, whose configuration belongs to the job too. Callers are responsible for keeping
 * secrets out of messages; {@link dev.autolog.core.config.Secrets} masks them.
 */
public final class AgentLog {
  private static final String PREFIX = "[autolog] ";
  private static final Set<String> onceKeys = ConcurrentHashMap.newKeySet();
  private static volatile boolean debug = Boolean.getBoolean("autolog.debug");

  private AgentLog() {}

  /** Prints an informational line. */
  public static void info(String message) {
    print(PREFIX + message);
  }

  /** Prints a warning line. */
  public static void warn(String message) {
    print(PREFIX + "WARN " + message);
  }

  /** Prints an error line; the throwable's class and message (never its stack) are appended. */
  public static void error(String message, Throwable t) {
    print(PREFIX + "ERROR " + message + (t == null ? "" : ": " + describe(t)));
    if (debug && t != null) {
      t.printStackTrace(System.err);
    }
  }

  /** Prints a warning only the first time {@code key} is seen in this JVM. */
  public static void warnOnce(String key, String message) {
    if (onceKeys.add(key)) {
      warn(message);
    }
  }

  /** Prints a line only when {@code -Dautolog.debug=true}. */
  public static void debug(String message) {
    if (debug) {
      print(PREFIX + "DEBUG " + message);
    }
  }

  /** Whether debug output is on. */
  public static boolean isDebug() {
    return debug;
  }

  /** Short, single-line description of a throwable: class name and message. */
  public static String describe(Throwable t) {
    String msg = t.getMessage();
    return t.getClass().getName() + (msg == null ? "" : ": " + msg.replace('\n', ' '));
  }

  private static void print(String line) {
    PrintStream err = System.err;
    synchronized (err) {
      err.println(line);
    }
  }
}
