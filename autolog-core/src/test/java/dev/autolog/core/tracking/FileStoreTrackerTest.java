package dev.autolog.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTrackerTest {
  @TempDir Path temp;
  private Path root;
  private FileStoreTracker tracker;

  @BeforeEach
  void setUp() {
    root = temp.resolve("mlruns");
    tracker = new FileStoreTracker(root);
  }

  @Test
  void aSecondTrackerFindsTheExperimentByItsMetaYaml() throws IOException {
    String id = tracker.getOrCreateExperiment("exp-a");
    assertEquals(id, new FileStoreTracker(root).getOrCreateExperiment("exp-a"));
    assertEquals(id, tracker.getOrCreateExperiment("exp-a"));
  }

  @Test
  void newExperimentIdsAreDistinct18DigitIntegers() throws IOException {
    String a = tracker.getOrCreateExperiment("exp-a");
    String b = tracker.getOrCreateExperiment("exp-b");
    assertTrue(a.matches("[1-9][0-9]{17}"), a);
    assertTrue(b.matches("[1-9][0-9]{17}"), b);
    assertNotEquals(a, b);
    assertTrue(Files.isRegularFile(root.resolve(a).resolve("meta.yaml")));
  }

  @Test
  void nullAndDefaultMeanExperimentZero() throws IOException {
    assertEquals("0", tracker.getOrCreateExperiment(null));
    assertEquals("0", tracker.getOrCreateExperiment("Default"));
    assertTrue(Files.readString(root.resolve("0/meta.yaml")).contains("\nname: Default\n"));
  }

  @Test
  void aDeletedExperimentIsNotReused() throws IOException {
    String id = tracker.getOrCreateExperiment("exp-a");
    Path meta = root.resolve(id).resolve("meta.yaml");
    Files.writeString(meta, Files.readString(meta).replace("lifecycle_stage: active", "lifecycle_stage: deleted"));
    assertNotEquals(id, new FileStoreTracker(root).getOrCreateExperiment("exp-a"));
  }

  @Test
  void findsAnExperimentWhoseNameAYaml12ReaderWouldTakeForANumber() throws IOException {
    tracker.getOrCreateExperiment(null);
    // As PyYAML writes the name 1e5: plain, since to YAML 1.1 it is a string.
    Path dir = Files.createDirectories(root.resolve("123456789012345678"));
    Files.writeString(dir.resolve("meta.yaml"), "artifact_location: " + FileStoreTracker.fileUri(dir) + "\n"
        + "creation_time: 1\nexperiment_id: '123456789012345678'\nlast_update_time: 1\n"
        + "lifecycle_stage: active\nname: 1e5\n");
    assertEquals("123456789012345678", new FileStoreTracker(root).getOrCreateExperiment("1e5"));
  }

  @Test
  void updateRunRoundTripsRunningFinishedRunning() throws IOException {
    RunInfo run = newRun("r");
    Path meta = runDir(run).resolve("meta.yaml");
    assertTrue(Files.readString(meta).contains("\nend_time: null\n"));
    assertTrue(Files.readString(meta).contains("\nstatus: 1\n"));

    tracker.updateRun(run.runId(), RunStatus.FINISHED, 1234L);
    assertTrue(Files.readString(meta).contains("\nend_time: 1234\n"));
    assertTrue(Files.readString(meta).contains("\nstatus: 3\n"));

    tracker.updateRun(run.runId(), RunStatus.RUNNING, null);
    assertTrue(Files.readString(meta).contains("\nend_time: null\n"));
    assertTrue(Files.readString(meta).contains("\nstatus: 1\n"));
  }

  @Test
  void updateRunKeepsEveryOtherFieldAsWritten() throws IOException {
    RunInfo run = newRun("r");
    Path meta = runDir(run).resolve("meta.yaml");
    String before = Files.readString(meta);
    tracker.updateRun(run.runId(), RunStatus.FINISHED, 99L);
    tracker.updateRun(run.runId(), RunStatus.RUNNING, null);
    assertEquals(before, Files.readString(meta));
  }

  @Test
  void runNamesThatLookLikeOtherTypesStayQuotedStringsAfterAnUpdate() throws IOException {
    for (String name : List.of("123", "1e5", "true", "2024-01-01")) {
      RunInfo run = newRun(name);
      tracker.updateRun(run.runId(), RunStatus.FINISHED, 5L);
      // updateRun re-reads meta.yaml; the name must not come back as a number, boolean or date.
      assertTrue(Files.readString(runDir(run).resolve("meta.yaml")).contains("\nrun_name: '" + name + "'\n"), name);
    }
  }

  @Test
  void runNamesThatLookLikeOtherTypesStayQuotedWhenALaterProcessReadsAndUpdatesTheRun() throws IOException {
    for (String name : List.of("123", "1e5", "true", "2024-01-01")) {
      RunInfo run = newRun(name);
      new FileStoreTracker(root).updateRun(run.runId(), RunStatus.FINISHED, 5L);
      assertTrue(Files.readString(runDir(run).resolve("meta.yaml")).contains("\nrun_name: '" + name + "'\n"), name);
    }
  }

  @Test
  void aMetaYamlChangedBySomeoneElseIsReadAgainBeforeAnUpdate() throws IOException {
    RunInfo run = newRun("as-logged");
    Path meta = runDir(run).resolve("meta.yaml");
    // What renaming the run in MLflow's UI does to the file while the job still runs.
    Files.writeString(meta, Files.readString(meta).replace("run_name: as-logged", "run_name: renamed-in-ui"));
    Files.setLastModifiedTime(meta, java.nio.file.attribute.FileTime.fromMillis(
        Files.getLastModifiedTime(meta).toMillis() + 10_000));
    tracker.updateRun(run.runId(), RunStatus.FINISHED, 77L);
    String updated = Files.readString(meta);
    assertTrue(updated.contains("\nrun_name: renamed-in-ui\n"), updated);
    assertTrue(updated.contains("\nstatus: 3\n"), updated);
    assertTrue(updated.contains("\nend_time: 77\n"), updated);
  }

  @Test
  void theModelHistoryTagListsEveryModelLoggedAcrossProcesses() throws IOException {
    RunInfo run = newRun("r");
    Path file = temp.resolve("model.bin");
    Files.write(file, new byte[] {1, 2});
    Map<String, Map<String, Object>> flavors = Map.of("dl4j", Map.of("version", "1.0", "weights", List.of(1, 2.5)));
    tracker.logModel(run, new ModelArtifact("model", Map.of("model.bin", file), flavors, "uuid-1", "2026-01-01 00:00:00.000000"));
    tracker.logModel(run, new ModelArtifact("model-b", Map.of("model.bin", file), flavors, "uuid-2", "2026-01-01 00:00:01.000000"));
    new FileStoreTracker(root).logModel(run,
        new ModelArtifact("model-c", Map.of("model.bin", file), Map.of(), "uuid-3", "2026-01-01 00:00:02.000000"));

    com.fasterxml.jackson.databind.JsonNode history = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(read(runDir(run).resolve("tags/mlflow.log-model.history")));
    assertEquals(3, history.size(), history.toString());
    assertEquals(List.of("uuid-1", "uuid-2", "uuid-3"),
        List.of(history.get(0).get("model_uuid").asText(), history.get(1).get("model_uuid").asText(),
            history.get(2).get("model_uuid").asText()));
    assertEquals("model-b", history.get(1).get("artifact_path").asText());
    assertEquals(run.runId(), history.get(0).get("run_id").asText());
    assertEquals(2.5, history.get(1).get("flavors").get("dl4j").get("weights").get(1).asDouble());
    assertEquals("2026-01-01 00:00:01.000000", history.get(1).get("utc_time_created").asText());
  }

  @Test
  void theRunNameTagRenamesTheRun() throws IOException {
    RunInfo run = newRun("old");
    tracker.logBatch(run.runId(), List.of(), Map.of(), Map.of("mlflow.runName", "new-name"));
    assertTrue(Files.readString(runDir(run).resolve("meta.yaml")).contains("\nrun_name: new-name\n"));
    assertEquals("new-name", read(runDir(run).resolve("tags/mlflow.runName")));
  }

  @Test
  void aDirectoryRemovedAfterTheStoreMadeItIsMadeAgain() throws IOException {
    RunInfo run = newRun("r");
    tracker.logBatch(run.runId(), List.of(new Metric("a/b", 1.0, 1L, 0L)), Map.of("p/q", "1"), Map.of("t/u", "x"));
    for (String dir : List.of("params/p", "tags/t", "metrics/a", "params", "tags", "metrics")) {
      try (var files = Files.walk(runDir(run).resolve(dir))) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    tracker.logBatch(run.runId(), List.of(new Metric("a/b", 2.0, 2L, 1L)), Map.of("p/q", "2"), Map.of("t/u", "y"));
    assertEquals("2", read(runDir(run).resolve("params/p/q")));
    assertEquals("y", read(runDir(run).resolve("tags/t/u")));
    assertEquals("2 2.0 1\n", Files.readString(runDir(run).resolve("metrics/a/b")));
  }

  @Test
  void createRunWritesTheTagsAndTheUser() throws IOException {
    String exp = tracker.getOrCreateExperiment("e");
    RunInfo run = tracker.createRun(exp, "r", 1L, Map.of("mlflow.user", "alice", "k", "v"));
    assertEquals("v", read(runDir(run).resolve("tags/k")));
    assertTrue(Files.readString(runDir(run).resolve("meta.yaml")).endsWith("\nuser_id: alice\n"));
    assertEquals(exp, run.experimentId());
    assertEquals(FileStoreTracker.fileUri(runDir(run).resolve("artifacts")), run.artifactUri());
  }

  @Test
  void reLoggingAParamWithTheSameValueIsFine() throws IOException {
    RunInfo run = newRun("r");
    tracker.logBatch(run.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
    tracker.logBatch(run.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
    assertEquals("0.1", read(runDir(run).resolve("params/lr")));
  }

  @Test
  void changingAParamValueFailsLikeMlflow() throws IOException {
    RunInfo run = newRun("r");
    tracker.logBatch(run.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
    IOException e = assertThrows(IOException.class,
        () -> tracker.logBatch(run.runId(), List.of(), Map.of("lr", "0.2"), Map.of()));
    assertTrue(e.getMessage().startsWith("Changing param values is not allowed."), e.getMessage());
    assertTrue(e.getMessage().contains("key='lr'"), e.getMessage());
    assertEquals("0.1", read(runDir(run).resolve("params/lr")));
  }

  @Test
  void tagsMayChange() throws IOException {
    RunInfo run = newRun("r");
    tracker.logBatch(run.runId(), List.of(), Map.of(), Map.of("stage", "dev"));
    tracker.logBatch(run.runId(), List.of(), Map.of(), Map.of("stage", "prod"));
    assertEquals("prod", read(runDir(run).resolve("tags/stage")));
  }

  @Test
  void metricsAreAppendedAcrossBatches() throws IOException {
    RunInfo run = newRun("r");
    tracker.logBatch(run.runId(), List.of(new Metric("loss", 2.0, 10, 0)), Map.of(), Map.of());
    tracker.logBatch(run.runId(), List.of(new Metric("loss", 1e-05, 11, 1)), Map.of(), Map.of());
    assertEquals("10 2.0 0\n11 1e-05 1\n", read(runDir(run).resolve("metrics/loss")));
  }

  @Test
  void keysWithSlashesBecomeSubdirectories() throws IOException {
    RunInfo run = newRun("r");
    tracker.logBatch(run.runId(), List.of(new Metric("train/loss", 0.5, 7, 3)),
        Map.of("optimizer/lr", "0.01"), Map.of("a/b/c", "x"));
    Path dir = runDir(run);
    assertEquals("7 0.5 3\n", read(dir.resolve("metrics/train/loss")));
    assertEquals("0.01", read(dir.resolve("params/optimizer/lr")));
    assertEquals("x", read(dir.resolve("tags/a/b/c")));
  }

  @Test
  void keysCannotEscapeTheRunDirectory() throws IOException {
    RunInfo run = newRun("r");
    Path dir = runDir(run);
    assertThrows(IOException.class,
        () -> tracker.logBatch(run.runId(), List.of(), Map.of("../../../escaped", "x"), Map.of()));
    assertThrows(IOException.class,
        () -> tracker.logBatch(run.runId(), List.of(), Map.of(), Map.of("a/../../escaped", "x")));
    assertThrows(IOException.class,
        () -> tracker.logBatch(run.runId(), List.of(new Metric("../../escaped", 1, 1, 0)), Map.of(), Map.of()));
    assertThrows(IOException.class,
        () -> tracker.logArtifact(run, "../../escaped", Files.writeString(temp.resolve("f"), "x")));
    assertThrows(IOException.class, () -> tracker.logArtifact(run, "..", temp.resolve("f")));
    assertEquals(List.of(), findNamed(temp, "escaped"));
    assertFalse(Files.exists(dir.resolve("meta.yaml.tmp")));
  }

  @Test
  void logArtifactCopiesIntoNestedDirectories() throws IOException {
    RunInfo run = newRun("r");
    Path source = Files.write(temp.resolve("model.bin"), new byte[] {0, 1, 2, (byte) 0xff});
    tracker.logArtifact(run, "models/final/model.bin", source);
    Path copy = runDir(run).resolve("artifacts/models/final/model.bin");
    assertEquals(List.of((byte) 0, (byte) 1, (byte) 2, (byte) 0xff), bytes(copy));
    assertTrue(Files.exists(source)); // a copy, not a move

    Files.write(source, new byte[] {9});
    tracker.logArtifact(run, "models/final/model.bin", source);
    assertEquals(List.of((byte) 9), bytes(copy));
  }

  @Test
  void aRunCreatedByAnEarlierTrackerIsFoundById() throws IOException {
    RunInfo run = newRun("r");
    FileStoreTracker later = new FileStoreTracker(root);
    later.logBatch(run.runId(), List.of(), Map.of("p", "1"), Map.of());
    later.updateRun(run.runId(), RunStatus.KILLED, 8L);
    assertEquals("1", read(runDir(run).resolve("params/p")));
    assertTrue(Files.readString(runDir(run).resolve("meta.yaml")).contains("\nstatus: 5\n"));
  }

  @Test
  void anUnknownRunIsAnError() throws IOException {
    tracker.getOrCreateExperiment(null);
    IOException e = assertThrows(IOException.class,
        () -> tracker.updateRun("0123456789abcdef0123456789abcdef", RunStatus.FINISHED, 1L));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void runLocationIsTheRunDirectory() throws IOException {
    RunInfo run = newRun("r");
    assertEquals(runDir(run).toString(), tracker.runLocation(run));
    assertTrue(tracker.describe().contains(root.toString()));
  }

  @Test
  void fileUriHasThreeSlashesAndNoTrailingSlash() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("a dir"));
    assertEquals("file://" + temp.toAbsolutePath() + "/a%20dir", FileStoreTracker.fileUri(dir));
  }

  private RunInfo newRun(String name) throws IOException {
    String exp = tracker.getOrCreateExperiment("exp");
    return tracker.createRun(exp, name, System.currentTimeMillis(), Map.of("mlflow.runName", name));
  }

  private Path runDir(RunInfo run) {
    return root.resolve(run.experimentId()).resolve(run.runId());
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static List<Byte> bytes(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    Byte[] boxed = new Byte[b.length];
    for (int i = 0; i < b.length; i++) {
      boxed[i] = b[i];
    }
    return List.of(boxed);
  }

  private static List<Path> findNamed(Path dir, String name) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().equals(name)).toList();
    }
  }
}
