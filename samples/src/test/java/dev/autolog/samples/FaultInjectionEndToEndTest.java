package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.samples.MlflowFileStore.Run;
import dev.autolog.testing.MetricPoint;
import dev.autolog.testing.MlflowServerDouble;
import dev.autolog.testing.RunState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DL4J sample under the real agent jar, against an MLflow server on loopback that fails in
 * every way a network and a server fail. Whatever happens, every metric point the job produced
 * arrives exactly once (the reference is the same job writing to the local file store), every
 * run ends FINISHED, and the job's output and exit code are those of a run without the agent.
 */
class FaultInjectionEndToEndTest {
  private static final String SECTION = "classifier";
  private static ForkedJob.Result reference;
  private static Map<String, Map<String, List<Long>>> produced;

  @TempDir static Path referenceDir;
  @TempDir Path workDir;
  @TempDir Path journalDir;

  @BeforeAll
  static void runWithoutFaults() throws Exception {
    reference = ForkedJob.of(Dl4jLegacyJob.class).withAgent(null).args(SECTION).runIn(referenceDir);
    assertEquals(0, reference.exitCode(), reference::toString);
    produced = new TreeMap<>();
    for (Map.Entry<String, Run> run : new MlflowFileStore(reference.mlruns()).runs("0").entrySet()) {
      Map<String, List<Long>> steps = new TreeMap<>();
      for (String key : run.getValue().metricKeys()) {
        steps.put(key, run.getValue().metric(key).stream().map(p -> (long) p[2]).toList());
      }
      produced.put(run.getKey(), steps);
    }
    long points = produced.values().stream().flatMap(m -> m.values().stream()).mapToLong(List::size).sum();
    assertTrue(points > 50, "the sample produces enough points to make losses visible: " + points);
  }

  private ForkedJob.Result runAgainst(MlflowServerDouble server, String extraSettings) throws Exception {
    String args = "tracking_uri=" + server.baseUri() + ",journal_dir=" + journalDir + ",request_timeout_ms=1000"
        + (extraSettings.isEmpty() ? "" : "," + extraSettings);
    return ForkedJob.of(Dl4jLegacyJob.class).withAgent(args).jvmArg("-Dautolog.debug=true").args(SECTION).runIn(workDir);
  }

  private void assertUntouched(ForkedJob.Result result) {
    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(reference.stdout(), result.stdout(), "the job's output is unchanged");
  }

  /** Every run once, FINISHED, with exactly the points the job produced, key by key and step by step. */
  private static void assertDeliveredAsProduced(MlflowServerDouble server) {
    Map<String, List<RunState>> byName = server.runs().stream().collect(Collectors.groupingBy(RunState::runName));
    assertEquals(produced.keySet(), byName.keySet());
    long producedPoints = 0;
    long deliveredPoints = 0;
    for (Map.Entry<String, Map<String, List<Long>>> run : produced.entrySet()) {
      List<RunState> arrived = byName.get(run.getKey());
      assertEquals(1, arrived.size(), run.getKey() + " was created once");
      RunState got = arrived.get(0);
      assertEquals("FINISHED", got.status(), run.getKey());
      for (Map.Entry<String, List<Long>> metric : run.getValue().entrySet()) {
        List<Long> steps = got.metricHistory(metric.getKey()).stream().map(MetricPoint::step).toList();
        assertEquals(metric.getValue(), steps, run.getKey() + " " + metric.getKey());
        producedPoints += metric.getValue().size();
        deliveredPoints += steps.size();
      }
      assertEquals(run.getValue().keySet(), got.metrics().keySet(), run.getKey() + " metric keys");
    }
    assertEquals(producedPoints, deliveredPoints, "points delivered == points produced");
  }

  private void faultyServerDeliversEverything(Consumer<MlflowServerDouble> faults) throws Exception {
    try (MlflowServerDouble server = MlflowServerDouble.start()) {
      faults.accept(server);
      ForkedJob.Result result = runAgainst(server, "");
      assertUntouched(result);
      assertEquals(0, server.pendingFaults(), () -> "every scripted fault was hit\n" + result.stderr());
      try {
        assertDeliveredAsProduced(server);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + result.stderr(), e);
      }
      assertTrue(journalFiles().isEmpty(), "nothing left in the journal: " + journalFiles());
    }
  }

  @Test
  void http500sAreRiddenOut() throws Exception {
    faultyServerDeliversEverything(s -> s.failNext(6, 500, Map.of(), "{\"error_code\": \"INTERNAL_ERROR\"}"));
  }

  @Test
  void http503WithRetryAfterIsHonoured() throws Exception {
    faultyServerDeliversEverything(s -> s.failNext(4, 503, Map.of("Retry-After", "1"), "busy"));
  }

  @Test
  void http429WithALongRetryAfterWaitsOutsideTheRequest() throws Exception {
    faultyServerDeliversEverything(s -> s.failNext(2, 429, Map.of("Retry-After", "3"), "slow down"));
  }

  @Test
  void connectionsDroppedMidRequestAreRetried() throws Exception {
    faultyServerDeliversEverything(s -> s.dropNext(5));
  }

  @Test
  void anHtmlPageInsteadOfJsonIsAnOutageNotData() throws Exception {
    faultyServerDeliversEverything(s -> {
      s.failNext(2, 200, Map.of("Content-Type", "text/html"), "<html><body>Sign in to the proxy</body></html>");
      s.failNext(2, 502, Map.of("Content-Type", "text/html"), "<html><body>Bad Gateway</body></html>");
    });
  }

  @Test
  void aStallingServerCostsOneTimeoutAndNothingIsDuplicated() throws Exception {
    // The server answers after 1.5 s, past the 1 s timeout: it applies the requests the client gave up on.
    faultyServerDeliversEverything(s -> s.stallNext(3, 1500));
  }

  @Test
  void aServerDownForTheWholeJobGetsEverythingFromSync() throws Exception {
    int port = freePort();
    ForkedJob.Result job = ForkedJob.of(Dl4jLegacyJob.class)
        .withAgent("tracking_uri=http://127.0.0.1:" + port + ",journal_dir=" + journalDir
            + ",request_timeout_ms=1000,flush_timeout_ms=3000")
        .args(SECTION).runIn(workDir);
    assertUntouched(job);
    assertTrue(job.stderr().contains("sync " + journalDir), job.stderr());
    assertTrue(journalFiles().stream().anyMatch(p -> p.toString().endsWith(".journal")), journalFiles().toString());

    try (MlflowServerDouble server = MlflowServerDouble.builder().port(port).start()) {
      ForkedJob.Result sync = sync(port);
      assertEquals(0, sync.exitCode(), sync::toString);
      assertTrue(sync.stdout().contains("journal files left"), sync.stdout());
      assertDeliveredAsProduced(server);
      for (RunState run : server.runs()) {
        assertTrue(run.endTime() != null && run.endTime() < System.currentTimeMillis() - 500
            && run.endTime() > run.startTime(), "the real end time, not the sync's: " + run.endTime());
      }
      assertTrue(journalFiles().isEmpty(), journalFiles().toString());

      int requests = server.requests().size();
      ForkedJob.Result again = sync(port);
      assertEquals(0, again.exitCode(), again::toString);
      assertEquals(requests, server.requests().size(), "a second sync sends nothing");
    }
  }

  @Test
  void theNextAgentStartDeliversWhatTheLastJobLeft() throws Exception {
    int port = freePort();
    String settings = "tracking_uri=http://127.0.0.1:" + port + ",journal_dir=" + journalDir
        + ",request_timeout_ms=1000,flush_timeout_ms=3000";
    assertUntouched(ForkedJob.of(Dl4jLegacyJob.class).withAgent(settings + ",experiment_name=first")
        .args(SECTION).runIn(workDir));
    try (MlflowServerDouble server = MlflowServerDouble.builder().port(port).start()) {
      ForkedJob.Result next = ForkedJob.of(Dl4jLegacyJob.class).withAgent(settings + ",experiment_name=second")
          .args(SECTION).runIn(workDir);
      assertUntouched(next);
      String first = server.experimentByName("first").experimentId();
      List<RunState> replayed = server.runs().stream().filter(r -> r.experimentId().equals(first)).toList();
      assertEquals(produced.keySet(), replayed.stream().map(RunState::runName).collect(Collectors.toSet()));
      for (RunState run : replayed) {
        assertEquals("FINISHED", run.status(), next::stderr);
        for (Map.Entry<String, List<Long>> metric : produced.get(run.runName()).entrySet()) {
          assertEquals(metric.getValue().size(), run.metricHistory(metric.getKey()).size(), metric.getKey());
        }
      }
      assertTrue(journalFiles().isEmpty(), journalFiles().toString());
    }
  }

  private ForkedJob.Result sync(int port) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dautolog.tracking_uri=http://127.0.0.1:" + port,
        "-jar", ForkedJob.AGENT_JAR.toString(), "sync", journalDir.toString()));
    Process p = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("sync.out").toFile()).redirectError(workDir.resolve("sync.err").toFile()).start();
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "sync finished");
    return new ForkedJob.Result(p.exitValue(), Files.readString(workDir.resolve("sync.out")),
        Files.readString(workDir.resolve("sync.err")), workDir);
  }

  private List<Path> journalFiles() throws IOException {
    if (!Files.isDirectory(journalDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(journalDir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
