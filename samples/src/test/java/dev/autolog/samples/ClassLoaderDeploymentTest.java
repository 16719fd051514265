package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.samples.MlflowFileStore.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments where the libraries are not on the JVM's class path: a launcher (ChildLoaderJob)
 * loads the unchanged sample jobs and DL4J or Tribuo with a class loader of its own whose parent is
 * the platform loader, as fat-jar launchers do, so the agent jar on the class path is invisible to
 * them. The JVM's class path holds the launcher only. Each case runs in a forked JVM with the real
 * agent jar.
 */
class ClassLoaderDeploymentTest {
  /** Tags whose values differ between any two runs of the same job (times, ids, the main class). */
  private static final Set<String> VARYING_TAGS = Set.of("mlflow.log-model.history", "mlflow.source.name",
      "trained-at", "dataset.datasource.datasource-creation-time");

  @TempDir Path dir;
  @TempDir Path plainDir;
  @TempDir Path classPathDir;

  @Test
  void dl4jInAChildLoaderIsLoggedExactlyAsOnTheClassPath() throws Exception {
    ForkedJob.Result plain = inChildLoader(false, "dev.autolog.samples.Dl4jLegacyJob", "classifier").runIn(plainDir);
    ForkedJob.Result agent = inChildLoader(true, "dev.autolog.samples.Dl4jLegacyJob", "classifier").runIn(dir);
    ForkedJob.Result onClassPath = ForkedJob.of(Dl4jLegacyJob.class).args("classifier").withAgent(null).runIn(classPathDir);

    assertEquals(0, plain.exitCode(), plain::toString);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    // Nothing else on stderr either: no JVM warning about the bootstrap class path.
    assertEquals(plain.stderr(), agent.stderrWithoutAgent());
    assertEquals(onClassPath.stdout(), agent.stdout());
    assertSameRun(onClassPath.onlyRun(), agent.onlyRun(), Set.of());
    assertTrue(Files.isRegularFile(agent.onlyRun().artifact("model/model.zip")), "saved through the job's own loader");
  }

  @Test
  void tribuoInAChildLoaderIsLoggedExactlyAsOnTheClassPath() throws Exception {
    ForkedJob.Result plain = inChildLoader(false, "dev.autolog.samples.TribuoLegacyJob", "regression").runIn(plainDir);
    ForkedJob.Result agent = inChildLoader(true, "dev.autolog.samples.TribuoLegacyJob", "regression").runIn(dir);
    ForkedJob.Result onClassPath =
        ForkedJob.of(TribuoLegacyJob.class).args("regression").withAgent(null).runIn(classPathDir);

    assertEquals(0, plain.exitCode(), plain::toString);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    assertEquals(withoutTimestamps(plain.stderr()), withoutTimestamps(agent.stderrWithoutAgent()));
    assertEquals(onClassPath.stdout(), agent.stdout());
    assertSameRun(onClassPath.onlyRun(), agent.onlyRun(), Set.of("training_time_ms"));
  }

  @Test
  void twoCopiesOfDl4jInTwoLoadersEachLogTheirOwnCorrectRun() throws Exception {
    ForkedJob.Result agent = inChildLoader(true, "dev.autolog.samples.Dl4jLegacyJob", "classifier",
        "--next", "dev.autolog.samples.Dl4jLegacyJob", "regression").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Map<String, String> printed = printed(agent.stdout());
    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    assertEquals(Set.of("MultiLayerNetwork-1", "MultiLayerNetwork-2"), runs.keySet());

    Run classifier = runs.get("MultiLayerNetwork-1");
    assertEquals("15", classifier.param("epochs"));
    assertEquals(printed.get("classifier.params"), classifier.param("num_params"));
    assertEquals(range(150), classifier.steps("loss"));
    assertEquals(printed.get("classifier.accuracy"), Dl4jLegacyJob.fmt(classifier.last("eval_accuracy")));

    Run regression = runs.get("MultiLayerNetwork-2");
    assertEquals("10", regression.param("epochs"));
    assertEquals(printed.get("regression.params"), regression.param("num_params"));
    assertEquals(range(100), regression.steps("loss"));
    assertEquals(printed.get("regression.averageMSE"), Dl4jLegacyJob.fmt(regression.last("eval_mse")));

    for (Run run : runs.values()) {
      assertEquals(3, run.status(), run.name());
      assertTrue(Files.isRegularFile(run.artifact("model/model.zip")), run.name());
    }
  }

  @Test
  void twoCopiesOfTribuoInTwoLoadersEachLogTheirOwnCorrectRun() throws Exception {
    ForkedJob.Result agent = inChildLoader(true, "dev.autolog.samples.TribuoLegacyJob", "regression",
        "--next", "dev.autolog.samples.TribuoLegacyJob", "clustering").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Map<String, String> printed = printed(agent.stdout());
    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    assertEquals(Set.of("LinearSGDTrainer-1", "KMeansTrainer-1"), runs.keySet());

    Run regression = runs.get("LinearSGDTrainer-1");
    assertEquals("300", regression.param("dataset.num-examples"));
    assertEquals(printed.get("regression.rmse"), TribuoLegacyJob.fmt(regression.last("eval_rmse")));
    assertEquals(15, regression.metric("loss").size(), "the loss from this copy's SGD trainer");

    Run clustering = runs.get("KMeansTrainer-1");
    assertEquals("500", clustering.param("dataset.num-examples"));
    assertEquals(printed.get("clustering.normalizedMI"), TribuoLegacyJob.fmt(clustering.last("eval_normalized_mi")));

    for (Run run : runs.values()) {
      assertEquals(3, run.status(), run.name());
      assertTrue(Files.isRegularFile(run.artifact("model/model.tribuo")), "saved through the job's own loader");
    }
  }

  /** ChildLoaderJob running {@code job} in a loader of its own; the JVM's class path is the launcher alone. */
  static ForkedJob inChildLoader(boolean withAgent, String... job) throws IOException {
    ForkedJob forked = ForkedJob.of(ChildLoaderJob.class)
        .classPath(ForkedJob.samplesClasses())
        .jvmArg("-Dchild.classpath=" + ForkedJob.samplesClassPath())
        .args(job);
    return withAgent ? forked.withAgent(null) : forked;
  }

  /**
   * The same run, up to what differs between any two runs of a job: the same params, the same tags
   * but {@link #VARYING_TAGS}, the same metrics at the same steps with the same values (but
   * {@code timedMetrics}, which only have the same steps), the same artifact files.
   */
  static void assertSameRun(Run expected, Run actual, Set<String> timedMetrics) throws IOException {
    assertEquals(expected.name(), actual.name());
    assertEquals(expected.status(), actual.status());
    assertEquals(values(expected, "params"), values(actual, "params"));
    Map<String, String> expectedTags = values(expected, "tags");
    Map<String, String> actualTags = values(actual, "tags");
    expectedTags.keySet().removeAll(VARYING_TAGS);
    actualTags.keySet().removeAll(VARYING_TAGS);
    assertEquals(expectedTags, actualTags);
    assertEquals(expected.metricKeys(), actual.metricKeys());
    for (String key : expected.metricKeys()) {
      assertEquals(expected.steps(key), actual.steps(key), key);
      if (!timedMetrics.contains(key)) {
        assertEquals(values(expected.metric(key)), values(actual.metric(key)), key);
      }
    }
    assertEquals(files(expected.dir().resolve("artifacts")), files(actual.dir().resolve("artifacts")));
  }

  private static Map<String, String> values(Run run, String kind) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> keys = kind.equals("params") ? run.paramKeys() : files(run.dir().resolve(kind));
    for (String key : keys) {
      values.put(key, kind.equals("params") ? run.param(key) : run.tag(key));
    }
    return values;
  }

  private static List<Double> values(List<double[]> points) {
    List<Double> values = new ArrayList<>();
    points.forEach(p -> values.add(p[1]));
    return values;
  }

  private static List<String> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, String> printed(String stdout) {
    Map<String, String> printed = new LinkedHashMap<>();
    for (String line : stdout.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        printed.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return printed;
  }

  private static List<Long> range(int n) {
    return LongStream.range(0, n).boxed().toList();
  }

  private static String withoutTimestamps(String stderr) {
    return TribuoAutologEndToEndTest.JUL_TIMESTAMP.matcher(stderr).replaceAll("");
  }
}
