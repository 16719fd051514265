package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sample job in a child JVM, with or without the real shaded agent jar, in a given working
 * directory, and captures what it printed. The child gets a clean environment: no MLFLOW_* or
 * AUTOLOG_* variables leak in from the machine running the tests.
 */
final class ForkedJob {
  static final Path AGENT_JAR = Path.of(System.getProperty("autolog.agent.jar", "../agent/target/autolog-agent.jar"))
      .toAbsolutePath().normalize();

  private final String mainClass;
  private final List<String> jvmArgs = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private String agentArgs;
  private boolean withAgent;
  private List<String> args = List.of();
  private String classPath; // null: the samples' classes and their runtime dependencies

  private ForkedJob(String mainClass) {
    this.mainClass = mainClass;
  }

  static ForkedJob of(Class<?> main) {
    return new ForkedJob(main.getName());
  }

  /** Attaches the agent jar with {@code args} (null for none). */
  ForkedJob withAgent(String args) {
    this.withAgent = true;
    this.agentArgs = args;
    return this;
  }

  ForkedJob jvmArg(String arg) {
    jvmArgs.add(arg);
    return this;
  }

  ForkedJob env(String name, String value) {
    env.put(name, value);
    return this;
  }

  ForkedJob args(String... args) {
    this.args = Arrays.asList(args);
    return this;
  }

  /** Replaces the JVM's class path (by default {@link #samplesClassPath()}). */
  ForkedJob classPath(String classPath) {
    this.classPath = classPath;
    return this;
  }

  Result runIn(Path workDir) throws IOException, InterruptedException {
    return startIn(workDir).await(180);
  }

  /** Starts the job without waiting for it; see {@link Running}. */
  Running startIn(Path workDir) throws IOException {
    assertTrue(Files.isRegularFile(AGENT_JAR), "agent jar missing: " + AGENT_JAR + " (run mvn package first)");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (withAgent) {
      cmd.add("-javaagent:" + AGENT_JAR + (agentArgs == null ? "" : "=" + agentArgs));
    }
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath != null ? classPath : samplesClassPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MLFLOW_") || k.startsWith("AUTOLOG_") || k.startsWith("DATABRICKS_"));
    pb.environment().put("OMP_NUM_THREADS", "1");
    // Each job journals in its own directory: never into the home of the machine running the tests.
    pb.environment().put("AUTOLOG_JOURNAL_DIR", workDir.resolve(".autolog-journal").toString());
    pb.environment().putAll(env);
    Path out = Files.createTempFile("job-", ".out");
    Path err = Files.createTempFile("job-", ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    return new Running(pb.start(), cmd, out, err, workDir);
  }

  /** A started job: its process and where its output goes. */
  record Running(Process process, List<String> command, Path out, Path err, Path workDir) {
    /** What the job has printed on stdout so far. */
    String stdoutSoFar() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Waits until stdout contains {@code text}, at most {@code seconds}. */
    void awaitStdout(String text, int seconds) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (!stdoutSoFar().contains(text)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError("job never printed \"" + text + "\": " + stdoutSoFar());
        }
        Thread.sleep(50);
      }
    }

    /** Waits for the job's end, at most {@code seconds}, and collects what it printed. */
    Result await(int seconds) throws IOException, InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("job did not finish within " + seconds + " s: " + command);
      }
      Result r = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8), workDir);
      Files.delete(out);
      Files.delete(err);
      return r;
    }
  }

  /** The samples' classes and all their runtime dependencies (DL4J, Tribuo, ...). */
  static String samplesClassPath() throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    String deps = Files.readString(target.resolve("runtime-classpath.txt"), StandardCharsets.UTF_8).trim();
    return samplesClasses() + java.io.File.pathSeparator + deps;
  }

  /** The samples' own classes only. */
  static String samplesClasses() {
    return Path.of("target", "classes").toAbsolutePath().toString();
  }

  /** What a job did. */
  record Result(int exitCode, String stdout, String stderr, Path workDir) {
    /** The agent's own stderr lines. */
    List<String> agentLines() {
      return stderr.lines().filter(l -> l.startsWith("[autolog]")).toList();
    }

    /** Stderr without the agent's lines. */
    String stderrWithoutAgent() {
      StringBuilder sb = new StringBuilder();
      stderr.lines().filter(l -> !l.startsWith("[autolog]")).forEach(l -> sb.append(l).append('\n'));
      return sb.toString();
    }

    Path mlruns() {
      return workDir.resolve("mlruns");
    }

    /** The one run in the Default experiment; fails when there is not exactly one. */
    MlflowFileStore.Run onlyRun() {
      Map<String, MlflowFileStore.Run> runs = new MlflowFileStore(mlruns()).runs("0");
      assertEquals(1, runs.size(), runs.keySet() + "\n" + this);
      return runs.values().iterator().next();
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }
}
