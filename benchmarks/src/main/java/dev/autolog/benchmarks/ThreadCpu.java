package dev.autolog.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU time a running JVM spends on each kind of thread: the job's main thread, the JIT compilers,
 * the garbage collector, the agent's own threads, and the rest. It tells where the CPU an agent adds
 * goes: the main thread carries the job's critical path, while the other threads' work only lengthens
 * the job on a machine whose cores the job already keeps busy.
 *
 * <p>A watcher thread reads {@code /proc/<pid>/task/<tid>/schedstat} (nanoseconds on a CPU, Linux
 * only) every {@link #POLL_MILLIS} ms while the process runs, and keeps each thread's last reading.
 * So a thread's last few milliseconds before it or the process ends can be missed, and the
 * watching costs the machine a little CPU of its own; both are the same with and without the agent.
 *
 * <p>The JVM names its threads in {@code comm} (cut to 15 characters). The launcher's thread and the
 * thread that runs {@code main} keep the process's name, {@code java}; the launcher's only waits, so
 * both count as the main thread. Threads started by native code keep that name too, but neither
 * sample starts any (ND4J's OpenMP runs one thread with {@code OMP_NUM_THREADS=1}).
 */
final class ThreadCpu {
  static final long POLL_MILLIS = 10;

  /** The kinds of thread, by the name the JVM gives them. */
  enum Kind {
    MAIN, JIT, GC, AGENT, OTHER;

    static Kind of(String comm) {
      if (comm.equals("java")) {
        return MAIN;
      }
      if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
        return JIT;
      }
      if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
        return GC;
      }
      if (comm.startsWith("autolog-")) {
        return AGENT;
      }
      return OTHER;
    }
  }

  private final Process process;
  private final Map<Long, Kind> kinds = new HashMap<>();
  private final Map<Long, Long> nanos = new HashMap<>();
  private final Thread watcher;
  private volatile boolean stopped;

  private ThreadCpu(Process process) {
    this.process = process;
    this.watcher = new Thread(this::watch, "thread-cpu-watcher");
    this.watcher.setDaemon(true);
  }

  /**
   * Starts watching the {@code java} process that {@code process} is or has started (such as
   * {@code /usr/bin/time java ...}).
   */
  static ThreadCpu watch(Process process) {
    ThreadCpu cpu = new ThreadCpu(process);
    cpu.watcher.start();
    return cpu;
  }

  /** Stops watching (call once the process has ended) and returns the milliseconds per kind. */
  Map<Kind, Double> stop() throws InterruptedException {
    stopped = true;
    watcher.join();
    Map<Kind, Double> ms = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      ms.put(kind, 0.0);
    }
    nanos.forEach((tid, ns) -> ms.merge(kinds.get(tid), ns / 1e6, Double::sum));
    return ms;
  }

  private void watch() {
    Optional<ProcessHandle> java = Optional.empty();
    while (!stopped && process.isAlive()) {
      if (java.isEmpty()) {
        java = javaProcess(process.toHandle());
      }
      java.ifPresent(handle -> poll(Path.of("/proc", Long.toString(handle.pid()), "task")));
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The process itself if it is java, else the first java process among its descendants. */
  private static Optional<ProcessHandle> javaProcess(ProcessHandle handle) {
    if (isJava(handle)) {
      return Optional.of(handle);
    }
    return handle.descendants().filter(ThreadCpu::isJava).findFirst();
  }

  private static boolean isJava(ProcessHandle handle) {
    return handle.info().command().map(c -> c.endsWith("/java")).orElse(false);
  }

  private void poll(Path tasks) {
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        long tid = Long.parseLong(thread.getFileName().toString());
        try {
          String schedstat = Files.readString(thread.resolve("schedstat"), StandardCharsets.US_ASCII);
          long onCpu = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
          // A new thread is called "java" until the JVM names it, so such a name is read again.
          Kind kind = kinds.get(tid);
          if (kind == null || kind == Kind.MAIN) {
            kinds.put(tid, Kind.of(Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8).strip()));
          }
          nanos.put(tid, onCpu);
        } catch (IOException e) {
          // The thread ended between the listing and the read: its last reading stands.
        }
      }
    } catch (IOException e) {
      // The process ended: the last readings stand.
    }
  }
}
