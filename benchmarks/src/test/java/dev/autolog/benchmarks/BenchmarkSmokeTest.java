package dev.autolog.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the benchmarks from rotting: runs each JMH benchmark once, in-process, with tiny iteration
 * counts, and one start-up pair, and checks only that each ran and produced a number. Never a
 * timing assertion: the figures come from benchmarks/run.sh.
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
    Path root = repositoryRoot();
    assertTrue(Files.isRegularFile(root.resolve("agent/target/autolog-agent.jar")), "agent jar built");
    ProcessBench.main(new String[] {root.toString(), out.toString(), "1", "0", "startup"});
    String text = Files.readString(out.resolve("startup.txt"));
    assertTrue(text.contains("RESULT startup.premain_added_ms median"), text);
    assertTrue(text.contains("RESULT startup.cpu_added_ms median"), text);
    assertFalse(text.contains("NaN"), text);
  }

  @Test
  void emptyAgentFloorRunsOnePair(@TempDir Path out) throws Exception {
    ProcessBench.main(new String[] {repositoryRoot().toString(), out.toString(), "1", "0", "floor"});
    String text = Files.readString(out.resolve("floor.txt"));
    assertTrue(text.contains("-javaagent:empty-agent.jar"), text);
    assertTrue(text.contains("RESULT startup-empty-agent.premain_added_ms median"), text);
    assertFalse(text.contains("NaN"), text);
  }

  /** The checkout: the agent jar the build passes in is {@code <root>/agent/target/autolog-agent.jar}. */
  private static Path repositoryRoot() {
    return Path.of(System.getProperty("autolog.agent.jar")).getParent().getParent().getParent();
  }
}
