package dev.autolog.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.autolog.samples.MlflowFileStore.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * How runs end and how settings change them, each on one section of the unchanged sample under the
 * real agent jar in a forked JVM.
 */
class Dl4jAutologBehaviourTest {
  @TempDir Path dir;
  @TempDir Path plainDir;

  @Test
  void failingFitIsRecordedAsFailedAndTheExceptionReachesTheJobUnchanged() throws Exception {
    ForkedJob.Result plain = ForkedJob.of(Dl4jLegacyJob.class).args("classifier", "--fail").runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("classifier", "--fail").withAgent(null).runIn(dir);

    assertEquals(1, plain.exitCode(), plain::toString);
    assertEquals(plain.exitCode(), agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    // The same exception and the same stack trace: the inlined hook calls add no frames.
    assertEquals(plain.stderr(), agent.stderrWithoutAgent());
    assertTrue(agent.stderr().contains("java.lang.IllegalStateException: sample failure"));

    Run run = agent.onlyRun();
    assertEquals(4, run.status(), "FAILED");
    assertEquals(List.of(0L), run.steps("loss"), "one iteration ran before the failure");
    assertTrue(agent.agentLines().stream().anyMatch(l -> l.contains("View run MultiLayerNetwork-1 (FAILED)")));
    assertFalse(Files.exists(run.artifact("model/model.zip")), "a failed run logs no model");
  }

  @Test
  void aLongFitLogsEveryIterationAndEveryEpochInOrder() throws Exception {
    // The overhead benchmark's longer job, shortened: 30 epochs of 10 iterations in one fit call.
    ForkedJob.Result plain = ForkedJob.of(Dl4jLongJob.class).args("30").runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(Dl4jLongJob.class).args("30").withAgent(null).runIn(dir);

    assertEquals(0, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    int iterations = Integer.parseInt(agent.stdout().replaceAll("(?s).*iterations=(\\d+).*", "$1").trim());
    assertTrue(iterations >= 30, agent.stdout());
    Run run = agent.onlyRun();
    assertEquals(3, run.status(), "FINISHED");
    assertEquals(LongStream.range(0, iterations).boxed().toList(), run.steps("loss"));
    assertEquals(LongStream.range(0, 30).boxed().toList(), run.steps("epoch_loss"));
  }

  @Test
  void systemExitDuringFitMarksTheRunKilledAndKeepsTheExitCode() throws Exception {
    ForkedJob.Result agent =
        ForkedJob.of(Dl4jLegacyJob.class).args("classifier", "--exit-during-fit").withAgent(null).runIn(dir);
    assertEquals(3, agent.exitCode(), agent::toString);
    assertEquals("== classifier ==\n", agent.stdout());
    Run run = agent.onlyRun();
    assertEquals(5, run.status(), "KILLED");
    assertEquals(List.of(0L, 1L), run.steps("loss"), "two iterations ran before System.exit");
    assertTrue(Long.parseLong(run.meta().get("end_time")) > 0);
  }

  @ParameterizedTest(name = "SIG{0}")
  @CsvSource({"TERM, 143", "INT, 130"})
  void aSignalDuringFitMarksTheRunKilledAndKeepsWhatWasLogged(String signal, int exitCode) throws Exception {
    ForkedJob.Running plain = ForkedJob.of(Dl4jLegacyJob.class).args("classifier", "--stall-during-fit").startIn(plainDir);
    ForkedJob.Running agent = ForkedJob.of(Dl4jLegacyJob.class).args("classifier", "--stall-during-fit")
        .withAgent(null).startIn(dir);
    plain.awaitStdout("stalled", 120);
    agent.awaitStdout("stalled", 120);
    for (Process p : List.of(plain.process(), agent.process())) {
      assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }
    ForkedJob.Result plainResult = plain.await(60);
    ForkedJob.Result agentResult = agent.await(60);

    assertEquals(exitCode, plainResult.exitCode(), "128 + SIG" + signal);
    assertEquals(plainResult.exitCode(), agentResult.exitCode());
    assertEquals(plainResult.stdout(), agentResult.stdout());
    Run run = agentResult.onlyRun();
    assertEquals(5, run.status(), "KILLED");
    assertEquals(List.of(0L, 1L), run.steps("loss"), "the two iterations before the stall were written at exit");
    assertTrue(agentResult.agentLines().stream().anyMatch(l -> l.contains("View run MultiLayerNetwork-1 (KILLED)")),
        agentResult.agentLines().toString());
  }

  @Test
  void modelsTrainingConcurrentlyOnDifferentThreadsEachGetTheirOwnUnmixedRun() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(ConcurrentTrainingJob.class).withAgent(null).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    assertEquals(3, runs.size(), runs.keySet().toString());
    java.util.Set<String> epochsSeen = new java.util.TreeSet<>();
    for (Run run : runs.values()) {
      int epochs = Integer.parseInt(run.param("epochs"));
      epochsSeen.add(run.param("epochs"));
      // 10 iterations per epoch; a point logged into the wrong run would break the count or the steps.
      assertEquals(LongStream.range(0, epochs * 10L).boxed().toList(), run.steps("loss"), run.name());
      assertEquals(LongStream.range(0, epochs).boxed().toList(), run.steps("epoch_loss"), run.name());
      String accuracy = agent.stdout().lines().filter(l -> l.startsWith("model" + epochs + ".accuracy="))
          .findFirst().orElseThrow().split("=")[1];
      assertEquals(accuracy, Dl4jLegacyJob.fmt(run.last("eval_accuracy")), run.name());
      assertEquals(3, run.status());
    }
    assertEquals(java.util.Set.of("2", "3", "4"), epochsSeen);
  }

  @Test
  void runPerCallGivesMlflowsOneRunPerCall() throws Exception {
    ForkedJob.Result agent =
        ForkedJob.of(Dl4jLegacyJob.class).args("epoch-loop").withAgent("run_per_call=true").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Map<String, Run> runs = new MlflowFileStore(agent.mlruns()).runs("0");
    // 5 fit(iterator) calls and 3 fit(DataSet) calls; the evaluation logs into the model's latest run.
    assertEquals(8, runs.size(), runs.keySet().toString());
    assertTrue(runs.get("MultiLayerNetwork-8").metricKeys().contains("eval_accuracy"));
    long tenIterationRuns = runs.values().stream().filter(r -> r.metric("loss").size() == 10).count();
    long oneIterationRuns = runs.values().stream().filter(r -> r.metric("loss").size() == 1).count();
    assertEquals(5, tenIterationRuns);
    assertEquals(3, oneIterationRuns);
    runs.values().forEach(r -> assertEquals(3, r.status()));
  }

  @Test
  void nestedRunsHangUnderOneParentRunForTheJobInTheNamedExperiment() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("graph")
        .withAgent("nested=true,experiment_name=legacy jobs").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    MlflowFileStore store = new MlflowFileStore(agent.mlruns());
    String experimentId = store.experiments().get("legacy jobs");
    assertTrue(experimentId.matches("[0-9]{18}"), experimentId);
    Map<String, Run> runs = store.runs(experimentId);
    assertEquals(3, runs.size(), runs.keySet().toString());
    Run parent = runs.get("Dl4jLegacyJob");
    assertEquals(3, parent.status());
    for (String name : List.of("ComputationGraph-1", "ComputationGraph-2")) {
      Run child = runs.get(name);
      assertEquals(parent.id(), child.tag("mlflow.parentRunId"), name);
      assertEquals(3, child.status(), name);
    }
    assertEquals(null, parent.tag("mlflow.autologging"));
  }

  @Test
  void configFileSetsRunNameTagsSamplingAndRunInfoFile() throws Exception {
    Files.writeString(dir.resolve("autolog.yaml"), String.join("\n",
        "run_name: nightly",
        "log_every_n_iterations: 10",
        "log_models: false",
        "run_info_file: out/run.json",
        "tags:",
        "  team: vision",
        "  ticket: ML-42",
        ""));
    // A git checkout: the run records its commit.
    String commit = "0123456789abcdef0123456789abcdef01234567";
    Files.createDirectories(dir.resolve(".git/refs/heads"));
    Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(dir.resolve(".git/refs/heads/main"), commit + "\n");

    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("classifier").withAgent(null).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    Run run = agent.onlyRun();
    assertEquals("nightly", run.name());
    assertEquals("vision", run.tag("team"));
    assertEquals("ML-42", run.tag("ticket"));
    assertEquals(commit, run.tag("mlflow.source.git.commit"));
    assertEquals(LongStream.range(0, 15).map(i -> i * 10).boxed().toList(), run.steps("loss"));
    assertFalse(Files.exists(run.artifact("model")), "log_models=false");
    assertTrue(Files.exists(run.artifact("model_summary.txt")));

    JsonNode info = new ObjectMapper().readTree(dir.resolve("out/run.json").toFile());
    assertEquals(run.id(), info.get("run_id").asText());
    assertEquals("0", info.get("experiment_id").asText());
    assertEquals("FINISHED", info.get("status").asText());
    assertEquals(run.dir().toString(), info.get("location").asText());
  }

  @Test
  void invalidSettingPrintsOneClearLineAndTheJobRunsAsWithoutTheAgent() throws Exception {
    ForkedJob.Result plain = ForkedJob.of(Dl4jLegacyJob.class).args("graph").runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("graph")
        .withAgent("tracking_username=alice")
        .env("MLFLOW_TRACKING_URI", "http://127.0.0.1:1")
        .runIn(dir);
    assertEquals(plain.exitCode(), agent.exitCode());
    assertEquals(plain.stdout(), agent.stdout());
    assertEquals(plain.stderr(), agent.stderrWithoutAgent());
    List<String> errors = agent.agentLines().stream().filter(l -> l.contains("ERROR")).toList();
    assertEquals(1, errors.size(), agent.agentLines().toString());
    assertTrue(errors.get(0).contains("tracking_username") && errors.get(0).contains("agent argument")
        && errors.get(0).contains("tracking_password"), errors.get(0));
    assertTrue(agent.agentLines().stream().anyMatch(l -> l.contains("autologging is off")));
    assertFalse(Files.exists(agent.mlruns()), "nothing recorded");
  }

  @Test
  void unknownSettingWarnsWithTheClosestKeyAndLoggingGoesOn() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
        .withAgent("experimant_name=x").runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertTrue(agent.agentLines().stream().anyMatch(l -> l.contains("experimant_name") && l.contains("experiment_name")),
        agent.agentLines().toString());
    assertEquals(1, new MlflowFileStore(agent.mlruns()).runs("0").size());
  }

  @Test
  void disabledAgentIsANoOp() throws Exception {
    ForkedJob.Result plain = ForkedJob.of(Dl4jLegacyJob.class).args("regression").runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
        .withAgent(null).jvmArg("-Dautolog.enabled=false").runIn(dir);
    assertEquals(plain.stdout(), agent.stdout());
    assertEquals(plain.stderr(), agent.stderrWithoutAgent());
    assertFalse(Files.exists(agent.mlruns()));
  }

  @Test
  void trackingUriPathAndEnvironmentVariablesAreHonoured() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("regression").withAgent(null)
        .env("MLFLOW_TRACKING_URI", dir.resolve("elsewhere/store").toString())
        .env("MLFLOW_EXPERIMENT_NAME", "from-env")
        .env("AUTOLOG_RUN_NAME", "reg")
        .runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertFalse(Files.exists(agent.mlruns()));
    MlflowFileStore store = new MlflowFileStore(dir.resolve("elsewhere/store"));
    String id = store.experiments().get("from-env");
    assertEquals(List.of("reg"), List.copyOf(store.runs(id).keySet()));
  }

  @Test
  void jobWithItsOwnJacksonAndOkHttpRunsUnaffected() throws Exception {
    ForkedJob.Result plain = ForkedJob.of(DependencyClashJob.class).runIn(plainDir);
    ForkedJob.Result agent = ForkedJob.of(DependencyClashJob.class).withAgent(null).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertEquals(plain.stdout(), agent.stdout());
    assertTrue(agent.stdout().contains("jackson.version=2.17.2"), agent.stdout());
    assertTrue(agent.stdout().contains("okhttp.userAgent=okhttp/3.14.9"), agent.stdout());
  }

  @Test
  void agentAttachedTwiceStandsDownOnce() throws Exception {
    ForkedJob.Result agent = ForkedJob.of(Dl4jLegacyJob.class).args("regression")
        .withAgent(null).jvmArg("-javaagent:" + ForkedJob.AGENT_JAR).runIn(dir);
    assertEquals(0, agent.exitCode(), agent::toString);
    assertTrue(agent.agentLines().stream().anyMatch(l -> l.contains("attached more than once")));
    Run run = agent.onlyRun();
    assertEquals(LongStream.range(0, 100).boxed().toList(), run.steps("loss"), "no doubled points");
  }
}
