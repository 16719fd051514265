package dev.autolog.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a job in a child JVM, with or without an agent, and measures the process: each run under
 * {@code /usr/bin/time} for its maximum resident set size and the CPU time of all its threads (user +
 * system), in a fresh working directory (so the agent writes ./mlruns there), with
 * {@code OMP_NUM_THREADS=1} and no {@code JAVA_TOOL_OPTIONS}. {@link #pair} runs a job both ways, in the
 * order that the pair's index alternates.
 *
 * <p>The working directories are made under {@code workDir}. Its file system matters: the agent's
 * file store creates a file per param, tag and metric (about 1,200 for the Tribuo sample), and what
 * creating one costs differs a hundredfold between file systems ({@link #fileCreationMicros}).
 */
final class JobLauncher {
  private final Path workDir;
  private final Path agentJar;
  /** Appended to {@code -javaagent:<jar>} after '=', or empty. */
  private final String agentArgument;
  private final List<Path> finishedDirectories = new ArrayList<>();

  JobLauncher(Path workDir, Path agentJar, String agentArgument) throws IOException {
    this.workDir = workDir;
    this.agentJar = agentJar;
    this.agentArgument = agentArgument;
    Files.createDirectories(workDir);
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

  /** A job run without and with the agent; {@code agentFirst} says which ran first. */
  record Pair(Result without, Result with, boolean agentFirst) {
    String order() {
      return agentFirst ? "agent-first" : "plain-first";
    }
  }

  Path workDir() {
    return workDir;
  }

  Path agentJar() {
    return agentJar;
  }

  String agentArgument() {
    return agentArgument;
  }

  /**
   * Runs {@code command} without and with the agent: plain first for even {@code index}, agent first for
   * odd, so that whatever the first run of a pair leaves behind (page cache, the machine's state) falls on
   * both sides equally often.
   *
   * @param watch whether to watch each process's threads ({@link ThreadCpu}) and its exit ({@link OutputClock})
   */
  Pair pair(int index, List<String> command, boolean watch) throws Exception {
    boolean agentFirst = index % 2 == 1;
    Result with = agentFirst ? run(true, command, watch) : null;
    Result without = run(false, command, watch);
    if (!agentFirst) {
      with = run(true, command, watch);
    }
    return new Pair(without, with, agentFirst);
  }

  /** One run, unwatched. */
  Result run(boolean agent, List<String> command) throws Exception {
    return run(agent, command, false);
  }

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
    String stdout = Files.readString(stdoutFile);
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

  /**
   * What creating one small file costs in the working directories' file system: the median of 500
   * creations in a fresh directory. On this project's VM the root file system (ext4 without a
   * journal) took 250-500 us after hours of tests, all of it kernel time: without a journal, ext4
   * skips every inode freed in the last {@code vm.dirtytime_expire_seconds} (12 hours) when it
   * allocates one, and tests and benchmarks free many (28-54 us once it had recovered). A fresh,
   * journaled ext4 on the same VM took about 25 us.
   */
  double fileCreationMicros() throws IOException {
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

  /**
   * Deletes the working directories of the runs so far. Not done after each run: on a file system
   * that delays the reuse of freed inodes (see {@link #fileCreationMicros}), removing a run's
   * ./mlruns (about 1,200 files for the Tribuo sample) makes the next run's file creation slower,
   * and so only the agent's side of the next pair.
   */
  void deleteFinishedDirectories() {
    finishedDirectories.forEach(Fixtures::deleteRecursively);
    finishedDirectories.clear();
  }
}
