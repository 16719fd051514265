package dev.autolog.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the benchmarks from rotting: runs each JMH benchmark once, in-process, with tiny iteration
 * counts, one start-up pair and one pair of each sample job with its threads watched, and checks only that
 * each ran and produced a number. Never a timing assertion: the figures come from benchmarks/run.sh.
 */
class BenchmarkSmokeTest {

  static {
    // The double's JDK HttpServer otherwise waits ~40 ms per response on delayed ACKs (see run.sh).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  @Test
  void everyJmhBenchmarkRunsOnceAndProducesANumber() throws Exception {
    // HotPath: 2 trackers x 2 modes; baseline: 2 modes; file store: 1; delivery: 4 x 3 servers; drain: 2 trackers
    // (the drain into the double takes about a minute: run.sh only).
    int ran = run("HotPathBench", "tracker", "noop", "file")
        + run("HotPathBaseline", null)
        + run("FileStoreBench", "keys", "10")
        + run("DeliveryBench", null)
        + run("DrainBench", "tracker", "file", "rest-null");
    assertEquals(4 + 2 + 1 + 4 * 3 + 2, ran, "benchmarks that ran");
  }

  private static int run(String benchmark, String param, String... values) throws Exception {
    OptionsBuilder builder = new OptionsBuilder();
    builder.include("dev\\.autolog\\.benchmarks\\." + benchmark + "\\.")
        .param("work", "1000")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(100))
        .shouldFailOnError(true);
    if (param != null) {
      builder.param(param, values);
    }
    Collection<RunResult> results = new Runner(builder.build()).run();
    results.forEach(r -> System.out.println("[smoke] " + r.getParams().getBenchmark() + " " + r.getParams().getMode()
        + " " + r.getParams().getParamsKeys().stream().map(k -> k + "=" + r.getParams().getParam(k)).toList()
        + " -> " + r.getPrimaryResult().getScore() + " " + r.getPrimaryResult().getScoreUnit()));
    for (RunResult r : results) {
      double score = r.getPrimaryResult().getScore();
      assertTrue(Double.isFinite(score) && score > 0, r.getParams().getBenchmark() + " produced " + score);
    }
    return results.size();
  }

  @Test
  void startUpMeasurementRunsOnePair(@TempDir Path out) throws Exception {
    assertTrue(Files.isRegularFile(repositoryRoot().resolve("agent/target/autolog-agent.jar")), "agent jar built");
    String text = measure(out, "1", "0", "startup");
    assertTrue(text.contains("RESULT startup.premain_added_ms median"), text);
    assertTrue(text.contains("RESULT startup.cpu_added_ms median"), text);
    assertFalse(text.contains("NaN"), text);
  }

  @Test
  void emptyAgentFloorRunsOnePair(@TempDir Path out) throws Exception {
    String text = measure(out, "1", "0", "floor");
    assertTrue(text.contains("-javaagent:empty-agent.jar"), text);
    assertTrue(text.contains("RESULT startup-empty-agent.premain_added_ms median"), text);
    assertFalse(text.contains("NaN"), text);
  }

  @Test
  void threadMeasurementSeesTheMainThreadTheAgentsThreadsAndTheExit(@TempDir Path out) throws Exception {
    String text = measure(out, "0", "1", "threads");
    for (String sample : new String[] {"dl4j", "tribuo"}) {
      // The job's main thread runs in both runs of the pair; the agent's logger only with the agent.
      Matcher main = resultLine(text, sample + ".thread_cpu.main_added_ms");
      assertTrue(Double.parseDouble(main.group(2)) > 0 && Double.parseDouble(main.group(3)) > 0, main.group());
      Matcher agent = resultLine(text, sample + ".thread_cpu.agent_added_ms");
      assertEquals(0.0, Double.parseDouble(agent.group(2)), agent.group());
      assertTrue(Double.parseDouble(agent.group(3)) > 0, agent.group());
      // The time from the job's last line to the process's end: positive, and far below a minute for jobs of seconds.
      Matcher exit = resultLine(text, sample + ".exit_added_ms");
      for (int group = 2; group <= 3; group++) {
        double ms = Double.parseDouble(exit.group(group));
        assertTrue(ms > 0 && ms < 60_000, exit.group());
      }
    }
  }

  @Test
  void anUnknownModeIsRefusedWithTheModesItKnows(@TempDir Path out) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProcessBench.main(new String[] {repositoryRoot().toString(), out.toString(), "1", "1", "thread"}));
    assertTrue(e.getMessage().contains("startup|samples|no-models|long|threads|floor|all"), e.getMessage());
    assertTrue(e.getMessage().contains("thread]"), e.getMessage());
  }

  @Test
  void aPairCountThatIsNotACountIsRefusedWithTheUsage(@TempDir Path out) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProcessBench.main(new String[] {repositoryRoot().toString(), out.toString(), "1", "ten", "samples"}));
    assertTrue(e.getMessage().startsWith("<sample pairs> must be a whole number, 0 or more, not \"ten\""), e.getMessage());
    assertTrue(e.getMessage().contains("usage: ProcessBench"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ProcessBench.main(new String[] {repositoryRoot().toString(), out.toString(), "-1", "0", "startup"}));
    assertTrue(e.getMessage().startsWith("<startup pairs> must be a whole number"), e.getMessage());
  }

  /** Runs {@code mode} with the given pair counts and returns what it wrote to {@code <mode>.txt}. */
  private static String measure(Path out, String startupPairs, String samplePairs, String mode) throws Exception {
    ProcessBench.main(new String[] {repositoryRoot().toString(), out.toString(), startupPairs, samplePairs, mode});
    return Files.readString(out.resolve(mode + ".txt"));
  }

  /** A {@code RESULT} line's groups: 1 the median difference, 2 the median without, 3 the median with. */
  private static Matcher resultLine(String text, String name) {
    Matcher m = Pattern.compile("RESULT " + Pattern.quote(name)
        + " median (-?[0-9.]+) .*without: median (-?[0-9.]+), with: median (-?[0-9.]+)\\)").matcher(text);
    assertTrue(m.find(), "no " + name + " in:\n" + text);
    return m;
  }

  /** The checkout: the agent jar the build passes in is {@code <root>/agent/target/autolog-agent.jar}. */
  private static Path repositoryRoot() {
    return Path.of(System.getProperty("autolog.agent.jar")).getParent().getParent().getParent();
  }
}
