package dev.autolog.benchmarks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Process-level measurements, side by side in one run: start-up (a trivial main with and without
 * {@code -javaagent}), peak RSS, wall time and CPU time of the sample DL4J and Tribuo jobs. Runs are paired
 * and the order inside a pair alternates; ratios and differences are taken per pair, then the
 * median and spread of those are reported. Each process runs under {@code /usr/bin/time} for its
 * maximum resident set size and the CPU time of all its threads (user + system), in a fresh working
 * directory (so the agent writes ./mlruns there).
 *
 * <p>The CPU time says what the wall ratio cannot on a small machine: when the job alone already
 * keeps every core busy ({@code cores_busy_without} near the core count), whatever CPU the agent adds,
 * on any thread, lengthens the run; with idle cores, work off the job's threads would not.
 *
 * <p>The working directories are made under the directory named by the system property
 * {@code bench.workdir} (default: the JDK's temporary directory). Its file system matters: the
 * agent's file store creates a file per param, tag and metric (about 1,200 for the Tribuo sample),
 * and what creating one costs differs a hundredfold between file systems. Each header line says
 * what it cost there ({@link #fileCreationMicros}).
 *
 * <p>Usage: {@code ProcessBench <repo root> <results dir> <startup pairs> <sample pairs>
 * [startup|samples|no-models|long|threads|floor|all]}; {@code no-models} measures the samples again with the
 * agent argument {@code log_models=false}, to show what saving the models costs; {@code threads} measures the
 * samples' CPU time per kind of thread ({@link ThreadCpu}) in half as many pairs; {@code floor} measures start-up
 * and the samples (unless the sample pairs are 0) with {@link EmptyAgent} instead of ours, to show what any
 * {@code -javaagent} costs before it does anything.
 */
public final class ProcessBench {
  /** Our agent, relative to the repository root. */
  private static final String AGENT_JAR = "agent/target/autolog-agent.jar";

  private final Path root;
  private final Path agentJar;
  private final PrintStream out;
  private final List<Path> finishedDirectories = new ArrayList<>();

  private final Path workDir;
  /** Appended to {@code -javaagent:<jar>} after '=', or empty. */
  private final String agentArgument;

  private ProcessBench(Path root, PrintStream out) throws IOException {
    this(root, out, "");
  }

  private ProcessBench(Path root, PrintStream out, String agentArgument) throws IOException {
    this(root, out, agentArgument, root.resolve(AGENT_JAR));
  }

  private ProcessBench(Path root, PrintStream out, String agentArgument, Path agentJar) throws IOException {
    this.root = root;
    this.agentArgument = agentArgument;
    this.workDir = Path.of(System.getProperty("bench.workdir", System.getProperty("java.io.tmpdir")));
    Files.createDirectories(workDir);
    this.agentJar = agentJar;
    this.out = out;
  }

  /**
   * One process: wall time, peak RSS, CPU time of all its threads (user + system), its output; and when it
   * was watched, the CPU time per kind of thread and the time from its last output to its end (else
   * empty and NaN).
   */
  record Result(double wallMs, long maxRssKb, double cpuMs, String stdout, String stderr,
      Map<ThreadCpu.Kind, Double> threadCpuMs, double exitMs) {

    /** CPU time over wall time: how many cores the process kept busy on average. */
    double coresBusy() {
      return cpuMs / wallMs;
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    Path results = Path.of(args[1]);
    int startupPairs = Integer.parseInt(args[2]);
    int samplePairs = Integer.parseInt(args[3]);
    String what = args.length > 4 ? args[4] : "all";
    Files.createDirectories(results);
    String samplesJar = root.resolve("samples/target/autolog-samples.jar").toString();
    List<String> dl4jSample = List.of("-jar", samplesJar);
    List<String> tribuoSample = List.of("-cp", samplesJar, "dev.autolog.samples.TribuoLegacyJob");
    if (what.equals("all") || what.equals("startup")) {
      try (PrintStream ps = tee(results.resolve("startup.txt"))) {
        new ProcessBench(root, ps).startup("startup", startupPairs, 150.0);
      }
    }
    if (what.equals("all") || what.equals("samples")) {
      try (PrintStream ps = tee(results.resolve("samples.txt"))) {
        ProcessBench b = new ProcessBench(root, ps);
        b.sample("dl4j", dl4jSample, samplePairs, "View run", 1.03);
        b.sample("tribuo", tribuoSample, samplePairs, "View run", 1.10);
      }
    }
    if (what.equals("all") || what.equals("no-models")) {
      // Not targets of their own: the same jobs without model artifacts, the agent's largest per-job cost.
      try (PrintStream ps = tee(results.resolve("samples-no-models.txt"))) {
        ProcessBench b = new ProcessBench(root, ps, "log_models=false");
        b.sample("dl4j-no-models", dl4jSample, samplePairs, "View run", null);
        b.sample("tribuo-no-models", tribuoSample, samplePairs, "View run", null);
      }
    }
    if (what.equals("all") || what.equals("long")) {
      // Not targets of their own: the samples' ratios are mostly per-job costs; these show the per-step cost,
      // and how the ratio falls as the same training runs longer (200 epochs: ~3.5-5 s; 600: ~9-10 s). The
      // longer job gets as many pairs as the samples: its run-to-run spread is as wide as the effect.
      try (PrintStream ps = tee(results.resolve("long.txt"))) {
        ProcessBench b = new ProcessBench(root, ps);
        b.sample("dl4j-long", List.of("-cp", samplesJar, "dev.autolog.samples.Dl4jLongJob", "200"),
            Math.max(2, samplePairs - 2), "View run", null);
        b.sample("dl4j-600-epochs", List.of("-cp", samplesJar, "dev.autolog.samples.Dl4jLongJob", "600"),
            Math.max(2, samplePairs), "View run", null);
      }
    }
    if (what.equals("all") || what.equals("threads")) {
      // Not targets: where the CPU the agent adds goes. Apart from the wall-time pairs, as watching costs CPU.
      try (PrintStream ps = tee(results.resolve("threads.txt"))) {
        ProcessBench b = new ProcessBench(root, ps);
        int pairs = Math.max(1, (samplePairs + 1) / 2);
        b.threads("dl4j", dl4jSample, pairs);
        b.threads("tribuo", tribuoSample, pairs);
      }
    }
    if (what.equals("all") || what.equals("floor")) {
      // Not targets: what the JVM charges for -javaagent itself, the floor under our figures.
      Path jarDir = Files.createTempDirectory("autolog-empty-agent-");
      try (PrintStream ps = tee(results.resolve("floor.txt"))) {
        ProcessBench b = new ProcessBench(root, ps, "", EmptyAgent.jarIn(jarDir));
        b.startup("startup-empty-agent", startupPairs, null);
        if (samplePairs > 0) {
          b.sample("dl4j-empty-agent", dl4jSample, samplePairs, "", null);
          b.sample("tribuo-empty-agent", tribuoSample, samplePairs, "", null);
        }
      } finally {
        Fixtures.deleteRecursively(jarDir);
      }
    }
  }

  private static PrintStream tee(Path file) throws IOException {
    PrintStream fileOut = new PrintStream(Files.newOutputStream(file), true, StandardCharsets.UTF_8);
    PrintStream console = System.out;
    return new PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        fileOut.write(b);
        console.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        fileOut.write(b, off, len);
        console.write(b, off, len);
      }

      @Override
      public void close() {
        fileOut.close();
        console.flush();
      }
    }, true, StandardCharsets.UTF_8);
  }

  private void header(String title) throws IOException {
    out.println("# " + title);
    out.println("# date " + java.time.ZonedDateTime.now() + ", nproc " + Runtime.getRuntime().availableProcessors()
        + ", java " + System.getProperty("java.vm.version") + ", OMP_NUM_THREADS=1 for children");
    out.printf(Locale.ROOT, "# working directories in %s: creating a small file there takes %.0f us (median of 500)%n",
        workDir, fileCreationMicros());
  }

  /**
   * What creating one small file costs in the working directories' file system: the median of 500
   * creations in a fresh directory. On this project's VM the root file system (ext4 without a
   * journal) took 250-500 us after hours of tests, all of it kernel time: without a journal, ext4
   * skips every inode freed in the last {@code vm.dirtytime_expire_seconds} (12 hours) when it
   * allocates one, and tests and benchmarks free many (28-54 us once it had recovered). A fresh,
   * journaled ext4 on the same VM took about 25 us.
   */
  private double fileCreationMicros() throws IOException {
    Path dir = Files.createTempDirectory(workDir, "autolog-probe-");
    List<Double> micros = new ArrayList<>();
    byte[] content = "value".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 500; i++) {
      long t0 = System.nanoTime();
      Files.write(dir.resolve("p" + i), content);
      micros.add((System.nanoTime() - t0) / 1e3);
    }
    finishedDirectories.add(dir);
    return Stats.of(micros).median();
  }

  /** @param premainTarget the target for the time added before main(), or null for a measurement that has none */
  void startup(String name, int pairs, Double premainTarget) throws Exception {
    header("start-up: trivial main (dev.autolog.benchmarks.Hello) with and without -javaagent:"
        + agentJar.getFileName() + ", " + pairs + " pairs");
    List<String> main = List.of("-cp", root.resolve("benchmarks/target/classes").toString(),
        "dev.autolog.benchmarks.Hello");
    run(false, main);  // warm the page cache, untimed
    run(true, main);
    List<Double> preMain = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    out.println("pair  order        premain_ms(no/agent)  wall_ms(no/agent)  maxrss_kb(no/agent)  cpu_ms(no/agent)");
    for (int i = 0; i < pairs; i++) {
      boolean agentFirst = i % 2 == 1;
      Result a = agentFirst ? run(true, main) : null;
      Result n = run(false, main);
      if (!agentFirst) {
        a = run(true, main);
      }
      double pn = premain(n);
      double pa = premain(a);
      preMain.add(pa - pn);
      wall.add(a.wallMs - n.wallMs);
      rss.add((double) (a.maxRssKb - n.maxRssKb));
      cpu.add(a.cpuMs - n.cpuMs);
      out.printf(Locale.ROOT, "%4d  %-11s  %6.0f / %6.0f       %6.1f / %6.1f    %7d / %7d    %5.0f / %5.0f%n", i,
          agentFirst ? "agent-first" : "plain-first", pn, pa, n.wallMs, a.wallMs, n.maxRssKb, a.maxRssKb,
          n.cpuMs, a.cpuMs);
    }
    out.println("RESULT " + name + ".premain_added_ms " + Stats.of(preMain).format("%.0f")
        + (premainTarget == null ? " (no target)" : " target <= " + premainTarget.intValue()));
    deleteFinishedDirectories();
    out.println("RESULT " + name + ".wall_added_ms " + Stats.of(wall).format("%.1f")
        + " (whole process: start, main, exit hooks)");
    out.println("RESULT " + name + ".rss_added_kb " + Stats.of(rss).format("%.0f"));
    out.println("RESULT " + name + ".cpu_added_ms " + Stats.of(cpu).format("%.0f") + " (all threads, user + system)");
  }

  /** Which agent the "with" runs attach, and how it is configured. */
  private String agentDescription() {
    if (!agentJar.equals(root.resolve(AGENT_JAR))) {
      return "-javaagent:" + agentJar.getFileName();
    }
    return "the agent (" + (agentArgument.isEmpty() ? "default config" : "agent argument " + agentArgument)
        + ": file store, per-iteration logging)";
  }

  private static double premain(Result r) {
    for (String line : r.stdout.split("\n")) {
      if (line.startsWith("vm_start_to_main_ms=")) {
        return Double.parseDouble(line.substring("vm_start_to_main_ms=".length()).trim());
      }
    }
    throw new IllegalStateException("no timing line in: " + r.stdout + r.stderr);
  }

  /**
   * @param expectInAgentRun what the agent run's stderr must contain (empty: anything)
   * @param ratioTarget the wall-ratio target, or null for a measurement that has none
   */
  void sample(String name, List<String> command, int pairs, String expectInAgentRun, Double ratioTarget)
      throws Exception {
    header("sample " + name + " job: wall time, peak RSS and CPU time with/without " + agentDescription() + ", "
        + pairs + " pairs");
    run(false, command);  // warm-up, untimed (page cache, javacpp native cache)
    Result warm = run(true, command);
    if (!warm.stderr.contains(expectInAgentRun)) {
      throw new IllegalStateException("the agent run logged nothing:\n" + warm.stderr);
    }
    List<Double> ratios = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> wallNo = new ArrayList<>();
    List<Double> wallAgent = new ArrayList<>();
    List<Double> cpuAdded = new ArrayList<>();
    List<Double> coresBusyNo = new ArrayList<>();
    out.println("pair  order        wall_ms(no/agent)  ratio   maxrss_kb(no/agent)  added_mb  cpu_ms(no/agent)");
    for (int i = 0; i < pairs; i++) {
      boolean agentFirst = i % 2 == 1;
      Result a = agentFirst ? run(true, command) : null;
      Result n = run(false, command);
      if (!agentFirst) {
        a = run(true, command);
      }
      double ratio = a.wallMs / n.wallMs;
      ratios.add(ratio);
      wallNo.add(n.wallMs);
      wallAgent.add(a.wallMs);
      double addedMb = (a.maxRssKb - n.maxRssKb) / 1024.0;
      rss.add(addedMb);
      cpuAdded.add(a.cpuMs - n.cpuMs);
      coresBusyNo.add(n.coresBusy());
      out.printf(Locale.ROOT, "%4d  %-11s  %7.0f / %7.0f  %.3f   %7d / %7d    %6.1f  %6.0f / %6.0f%n", i,
          agentFirst ? "agent-first" : "plain-first", n.wallMs, a.wallMs, ratio, n.maxRssKb, a.maxRssKb, addedMb,
          n.cpuMs, a.cpuMs);
    }
    deleteFinishedDirectories();
    out.println("RESULT " + name + ".wall_ms_without " + Stats.of(wallNo).format("%.0f"));
    out.println("RESULT " + name + ".wall_ms_with " + Stats.of(wallAgent).format("%.0f"));
    out.println("RESULT " + name + ".wall_ratio " + Stats.of(ratios).format("%.3f")
        + (ratioTarget == null ? " (no target)" : " target <= " + ratioTarget));
    out.println("RESULT " + name + ".rss_added_mb " + Stats.of(rss).format("%.1f")
        + (ratioTarget == null ? " (no target)" : " target <= 32"));
    out.println("RESULT " + name + ".cpu_added_ms " + Stats.of(cpuAdded).format("%.0f")
        + " (all threads, user + system)");
    out.println("RESULT " + name + ".cores_busy_without " + Stats.of(coresBusyNo).format("%.2f")
        + " (CPU time / wall time of the job alone; this machine has "
        + Runtime.getRuntime().availableProcessors() + ")");
  }

  /**
   * Where the CPU goes: each kind of thread's CPU time ({@link ThreadCpu}) with and without the agent,
   * in pairs as in {@link #sample}. The main thread's difference is what the agent adds to the job's own
   * path (start-up, the hooks, and whatever the job then finds done or left to do); the other threads'
   * work lengthens the job only where the job leaves no core idle.
   */
  void threads(String name, List<String> command, int pairs) throws Exception {
    header("threads of the " + name + " job: CPU time per kind of thread with/without " + agentDescription() + ", "
        + pairs + " pairs (read from /proc every " + ThreadCpu.POLL_MILLIS + " ms)");
    run(false, command);  // warm-up, untimed
    run(true, command);
    Map<ThreadCpu.Kind, List<Double>> without = new EnumMap<>(ThreadCpu.Kind.class);
    Map<ThreadCpu.Kind, List<Double>> with = new EnumMap<>(ThreadCpu.Kind.class);
    Map<ThreadCpu.Kind, List<Double>> added = new EnumMap<>(ThreadCpu.Kind.class);
    List<Double> exitWithout = new ArrayList<>();
    List<Double> exitWith = new ArrayList<>();
    List<Double> exitAdded = new ArrayList<>();
    for (ThreadCpu.Kind kind : ThreadCpu.Kind.values()) {
      without.put(kind, new ArrayList<>());
      with.put(kind, new ArrayList<>());
      added.put(kind, new ArrayList<>());
    }
    out.println("pair  order        CPU ms per kind of thread, then ms from the last output line to the end;"
        + " without / with the agent");
    for (int i = 0; i < pairs; i++) {
      boolean agentFirst = i % 2 == 1;
      Result a = agentFirst ? run(true, command, true) : null;
      Result n = run(false, command, true);
      if (!agentFirst) {
        a = run(true, command, true);
      }
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%4d  %-11s", i,
          agentFirst ? "agent-first" : "plain-first"));
      for (ThreadCpu.Kind kind : ThreadCpu.Kind.values()) {
        double no = n.threadCpuMs.get(kind);
        double yes = a.threadCpuMs.get(kind);
        without.get(kind).add(no);
        with.get(kind).add(yes);
        added.get(kind).add(yes - no);
        row.append(String.format(Locale.ROOT, "  %s %.0f / %.0f", label(kind), no, yes));
      }
      exitWithout.add(n.exitMs);
      exitWith.add(a.exitMs);
      exitAdded.add(a.exitMs - n.exitMs);
      out.println(row.append(String.format(Locale.ROOT, "  exit %.0f / %.0f", n.exitMs, a.exitMs)));
    }
    deleteFinishedDirectories();
    out.printf(Locale.ROOT, "RESULT %s.exit_added_ms %s (from the job's last output line to the process's end;"
        + " without: median %.0f, with: median %.0f)%n", name, Stats.of(exitAdded).format("%.0f"),
        Stats.of(exitWithout).median(), Stats.of(exitWith).median());
    for (ThreadCpu.Kind kind : ThreadCpu.Kind.values()) {
      out.printf(Locale.ROOT, "RESULT %s.thread_cpu.%s_added_ms %s (without: median %.0f, with: median %.0f)%n", name,
          label(kind), Stats.of(added.get(kind)).format("%.0f"), Stats.of(without.get(kind)).median(),
          Stats.of(with.get(kind)).median());
    }
  }

  private static String label(ThreadCpu.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Deletes the working directories of the runs so far. Not done after each run: on a file system
   * that delays the reuse of freed inodes (see {@link #fileCreationMicros}), removing a run's
   * ./mlruns (about 1,200 files for the Tribuo sample) makes the next run's file creation slower,
   * and so only the agent's side of the next pair.
   */
  private void deleteFinishedDirectories() {
    finishedDirectories.forEach(Fixtures::deleteRecursively);
    finishedDirectories.clear();
  }

  private Result run(boolean agent, List<String> command) throws Exception {
    return run(agent, command, false);
  }

  /** @param watch whether to watch the process's threads ({@link ThreadCpu}) and its exit ({@link OutputClock}) */
  private Result run(boolean agent, List<String> command, boolean watch) throws Exception {
    Path cwd = Files.createTempDirectory(workDir, "autolog-proc-");
    Path timeOut = cwd.resolve("time.txt");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", timeOut.toString(),
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    if (agent) {
      cmd.add("-javaagent:" + agentJar + (agentArgument.isEmpty() ? "" : "=" + agentArgument));
    }
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    env.put("OMP_NUM_THREADS", "1");
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    Path stdoutFile = cwd.resolve("stdout.txt");
    pb.redirectOutput(watch ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(stdoutFile.toFile()));
    pb.redirectError(cwd.resolve("stderr.txt").toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    ThreadCpu threads = watch ? ThreadCpu.watch(p) : null;
    OutputClock output = watch ? OutputClock.copy(p.getInputStream(), stdoutFile) : null;
    int rc = p.waitFor();
    long t1 = System.nanoTime();
    double wallMs = (t1 - t0) / 1e6;
    Map<ThreadCpu.Kind, Double> threadCpuMs = threads == null ? Map.of() : threads.stop();
    double exitMs = output == null ? Double.NaN : (t1 - output.lastOutputNanos()) / 1e6;
    String stdout = Files.readString(cwd.resolve("stdout.txt"));
    String stderr = Files.readString(cwd.resolve("stderr.txt"));
    // The last line: earlier ones are /usr/bin/time's notes, such as a nonzero exit status.
    String[] lines = Files.readString(timeOut).trim().split("\n");
    String[] fields = lines[lines.length - 1].trim().split("\\s+");
    long rss = Long.parseLong(fields[0]);
    double cpuMs = (Double.parseDouble(fields[1]) + Double.parseDouble(fields[2])) * 1000;
    finishedDirectories.add(cwd);
    if (rc != 0) {
      throw new IllegalStateException("exit " + rc + ": " + cmd + "\n" + stderr);
    }
    return new Result(wallMs, rss, cpuMs, stdout, stderr, threadCpuMs, exitMs);
  }
}
