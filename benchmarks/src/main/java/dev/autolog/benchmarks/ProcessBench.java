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
 * ({@link JobLauncher#pair}) and the order inside a pair alternates; ratios and differences are taken per
 * pair, then the median and spread of those are reported.
 *
 * <p>The CPU time says what the wall ratio cannot on a small machine: when the job alone already
 * keeps every core busy ({@code cores_busy_without} near the core count), whatever CPU the agent adds,
 * on any thread, lengthens the run; with idle cores, work off the job's threads would not. The
 * {@code threads} measurement says on which threads it goes.
 *
 * <p>The working directories are made under the directory named by the system property
 * {@code bench.workdir} (default: the JDK's temporary directory). Each header line says what creating a
 * file costs there ({@link JobLauncher#fileCreationMicros}).
 *
 * <p>Usage: {@code ProcessBench <repo root> <results dir> <startup pairs> <sample pairs>
 * [startup|samples|no-models|long|threads|floor|all]}; {@code no-models} measures the samples again with the
 * agent argument {@code log_models=false}, to show what saving the models costs; {@code threads} measures the
 * samples' CPU time per kind of thread ({@link ThreadCpu}) and their exit ({@link OutputClock}) in half as many
 * pairs; {@code floor} measures start-up and the samples (unless the sample pairs are 0) with {@link EmptyAgent}
 * instead of ours, to show what any {@code -javaagent} costs before it does anything.
 */
public final class ProcessBench {
  /** Our agent, relative to the repository root. */
  private static final String AGENT_JAR = "agent/target/autolog-agent.jar";
  /** What {@link #main} can measure; "all" is each of the others. */
  private static final List<String> MODES =
      List.of("startup", "samples", "no-models", "long", "threads", "floor", "all");

  private final Path root;
  private final PrintStream out;
  private final JobLauncher launcher;

  private ProcessBench(Path root, PrintStream out) throws IOException {
    this(root, out, "");
  }

  private ProcessBench(Path root, PrintStream out, String agentArgument) throws IOException {
    this(root, out, agentArgument, root.resolve(AGENT_JAR));
  }

  private ProcessBench(Path root, PrintStream out, String agentArgument, Path agentJar) throws IOException {
    this.root = root;
    this.out = out;
    Path workDir = Path.of(System.getProperty("bench.workdir", System.getProperty("java.io.tmpdir")));
    this.launcher = new JobLauncher(workDir, agentJar, agentArgument);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4 || args.length > 5 || (args.length == 5 && !MODES.contains(args[4]))) {
      throw usage(args, "");
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    Path results = Path.of(args[1]);
    int startupPairs = pairCount(args, 2, "startup pairs");
    int samplePairs = pairCount(args, 3, "sample pairs");
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

  /** {@code args[index]} as a count of pairs (0 or more), or the usage naming {@code what} was wrong. */
  private static int pairCount(String[] args, int index, String what) {
    try {
      int pairs = Integer.parseInt(args[index]);
      if (pairs >= 0) {
        return pairs;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw usage(args, "<" + what + "> must be a whole number, 0 or more, not \"" + args[index] + "\"; ");
  }

  private static IllegalArgumentException usage(String[] args, String problem) {
    return new IllegalArgumentException(problem + "usage: ProcessBench <repo root> <results dir> <startup pairs>"
        + " <sample pairs> [" + String.join("|", MODES) + "]; got " + List.of(args));
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
        launcher.workDir(), launcher.fileCreationMicros());
  }

  /** @param premainTarget the target for the time added before main(), or null for a measurement that has none */
  void startup(String name, int pairs, Double premainTarget) throws Exception {
    header("start-up: trivial main (dev.autolog.benchmarks.Hello) with and without -javaagent:"
        + launcher.agentJar().getFileName() + ", " + pairs + " pairs");
    List<String> main = List.of("-cp", root.resolve("benchmarks/target/classes").toString(),
        "dev.autolog.benchmarks.Hello");
    launcher.run(false, main);  // warm the page cache, untimed
    launcher.run(true, main);
    List<Double> preMain = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    out.println("pair  order        premain_ms(no/agent)  wall_ms(no/agent)  maxrss_kb(no/agent)  cpu_ms(no/agent)");
    for (int i = 0; i < pairs; i++) {
      JobLauncher.Pair pair = launcher.pair(i, main, false);
      JobLauncher.Result n = pair.without();
      JobLauncher.Result a = pair.with();
      double pn = premain(n);
      double pa = premain(a);
      preMain.add(pa - pn);
      wall.add(a.wallMs() - n.wallMs());
      rss.add((double) (a.maxRssKb() - n.maxRssKb()));
      cpu.add(a.cpuMs() - n.cpuMs());
      out.printf(Locale.ROOT, "%4d  %-11s  %6.0f / %6.0f       %6.1f / %6.1f    %7d / %7d    %5.0f / %5.0f%n", i,
          pair.order(), pn, pa, n.wallMs(), a.wallMs(), n.maxRssKb(), a.maxRssKb(), n.cpuMs(), a.cpuMs());
    }
    launcher.deleteFinishedDirectories();
    out.println("RESULT " + name + ".premain_added_ms " + Stats.of(preMain).format("%.0f")
        + (premainTarget == null ? " (no target)" : " target <= " + premainTarget.intValue()));
    out.println("RESULT " + name + ".wall_added_ms " + Stats.of(wall).format("%.1f")
        + " (whole process: start, main, exit hooks)");
    out.println("RESULT " + name + ".rss_added_kb " + Stats.of(rss).format("%.0f"));
    out.println("RESULT " + name + ".cpu_added_ms " + Stats.of(cpu).format("%.0f") + " (all threads, user + system)");
  }

  /** Which agent the "with" runs attach, and how it is configured. */
  private String agentDescription() {
    if (!launcher.agentJar().equals(root.resolve(AGENT_JAR))) {
      return "-javaagent:" + launcher.agentJar().getFileName();
    }
    String argument = launcher.agentArgument();
    return "the agent (" + (argument.isEmpty() ? "default config" : "agent argument " + argument)
        + ": file store, per-iteration logging)";
  }

  private static double premain(JobLauncher.Result r) {
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith("vm_start_to_main_ms=")) {
        return Double.parseDouble(line.substring("vm_start_to_main_ms=".length()).trim());
      }
    }
    throw new IllegalStateException("no timing line in: " + r.stdout() + r.stderr());
  }

  /**
   * @param expectInAgentRun what the agent run's stderr must contain (empty: anything)
   * @param ratioTarget the wall-ratio target, or null for a measurement that has none
   */
  void sample(String name, List<String> command, int pairs, String expectInAgentRun, Double ratioTarget)
      throws Exception {
    header("sample " + name + " job: wall time, peak RSS and CPU time with/without " + agentDescription() + ", "
        + pairs + " pairs");
    launcher.run(false, command);  // warm-up, untimed (page cache, javacpp native cache)
    JobLauncher.Result warm = launcher.run(true, command);
    if (!warm.stderr().contains(expectInAgentRun)) {
      throw new IllegalStateException("the agent run logged nothing:\n" + warm.stderr());
    }
    List<Double> ratios = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    List<Double> wallNo = new ArrayList<>();
    List<Double> wallAgent = new ArrayList<>();
    List<Double> cpuAdded = new ArrayList<>();
    List<Double> coresBusyNo = new ArrayList<>();
    out.println("pair  order        wall_ms(no/agent)  ratio   maxrss_kb(no/agent)  added_mb  cpu_ms(no/agent)");
    for (int i = 0; i < pairs; i++) {
      JobLauncher.Pair pair = launcher.pair(i, command, false);
      JobLauncher.Result n = pair.without();
      JobLauncher.Result a = pair.with();
      double ratio = a.wallMs() / n.wallMs();
      ratios.add(ratio);
      wallNo.add(n.wallMs());
      wallAgent.add(a.wallMs());
      double addedMb = (a.maxRssKb() - n.maxRssKb()) / 1024.0;
      rss.add(addedMb);
      cpuAdded.add(a.cpuMs() - n.cpuMs());
      coresBusyNo.add(n.coresBusy());
      out.printf(Locale.ROOT, "%4d  %-11s  %7.0f / %7.0f  %.3f   %7d / %7d    %6.1f  %6.0f / %6.0f%n", i,
          pair.order(), n.wallMs(), a.wallMs(), ratio, n.maxRssKb(), a.maxRssKb(), addedMb, n.cpuMs(), a.cpuMs());
    }
    launcher.deleteFinishedDirectories();
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
   * in pairs as in {@link #sample}, and the time from the job's last output line to the process's end
   * ({@link OutputClock}). The main thread's difference is what the agent adds to the job's own path
   * (start-up, the hooks, and whatever the job then finds done or left to do); the other threads' work
   * lengthens the job only where the job leaves no core idle.
   */
  void threads(String name, List<String> command, int pairs) throws Exception {
    header("threads of the " + name + " job: CPU time per kind of thread with/without " + agentDescription() + ", "
        + pairs + " pairs (read from /proc every " + ThreadCpu.POLL_MILLIS + " ms)");
    launcher.run(false, command);  // warm-up, untimed
    launcher.run(true, command);
    Map<ThreadCpu.Kind, PairedValues> cpu = new EnumMap<>(ThreadCpu.Kind.class);
    for (ThreadCpu.Kind kind : ThreadCpu.Kind.values()) {
      cpu.put(kind, new PairedValues());
    }
    PairedValues exit = new PairedValues();
    out.println("pair  order        CPU ms per kind of thread, then ms from the last output line to the end;"
        + " without / with the agent");
    for (int i = 0; i < pairs; i++) {
      JobLauncher.Pair pair = launcher.pair(i, command, true);
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%4d  %-11s", i, pair.order()));
      for (ThreadCpu.Kind kind : ThreadCpu.Kind.values()) {
        row.append("  ").append(label(kind)).append(' ')
            .append(cpu.get(kind).add(pair.without().threadCpuMs().get(kind), pair.with().threadCpuMs().get(kind)));
      }
      row.append("  exit ").append(exit.add(pair.without().exitMs(), pair.with().exitMs()));
      out.println(row);
    }
    launcher.deleteFinishedDirectories();
    out.println("RESULT " + name + ".exit_added_ms " + exit.summary("from the job's last output line to the"
        + " process's end; "));
    for (ThreadCpu.Kind kind : ThreadCpu.Kind.values()) {
      out.println("RESULT " + name + ".thread_cpu." + label(kind) + "_added_ms " + cpu.get(kind).summary(""));
    }
  }

  private static String label(ThreadCpu.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  /** One figure of a series of pairs: its values without and with the agent, and their differences. */
  private static final class PairedValues {
    private final List<Double> without = new ArrayList<>();
    private final List<Double> with = new ArrayList<>();
    private final List<Double> added = new ArrayList<>();

    /** Records one pair and returns it as "without / with", rounded to whole milliseconds. */
    String add(double withoutAgent, double withAgent) {
      without.add(withoutAgent);
      with.add(withAgent);
      added.add(withAgent - withoutAgent);
      return String.format(Locale.ROOT, "%.0f / %.0f", withoutAgent, withAgent);
    }

    /** The differences' median and spread, then the two sides' medians, after {@code note}. */
    String summary(String note) {
      return String.format(Locale.ROOT, "%s (%swithout: median %.0f, with: median %.0f)",
          Stats.of(added).format("%.0f"), note, Stats.of(without).median(), Stats.of(with).median());
    }
  }
}
