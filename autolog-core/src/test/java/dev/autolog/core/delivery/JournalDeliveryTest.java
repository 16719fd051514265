package dev.autolog.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RecordingTracker;
import dev.autolog.core.logger.RecordingTracker.Artifact;
import dev.autolog.core.logger.RecordingTracker.Batch;
import dev.autolog.core.logger.RecordingTracker.Created;
import dev.autolog.core.logger.RecordingTracker.Status;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery guarantee without a network: a tracker that is down gets everything later, in
 * order, from the journal, during the job or from a replay after it; replays never duplicate.
 */
class JournalDeliveryTest {
  @TempDir Path temp;

  private Path journalDir() {
    return temp.resolve("journal");
  }

  private AsyncLogger logger(RecordingTracker tracker, long maxBytes) {
    AsyncLogger logger = new AsyncLogger(tracker, 100_000, journalDir(), maxBytes);
    logger.start();
    return logger;
  }

  /** Produces one run with {@code points} loss points, a param, an artifact and a FINISHED status. */
  private static RunHandle produce(AsyncLogger logger, String name, int points, Path artifact) {
    RunHandle run = new RunHandle(name);
    logger.createRun(run, "exp", 1000L, Map.of("mlflow.runName", name), null);
    logger.logData(run, Map.of("lr", "0.1"), Map.of());
    for (int i = 0; i < points; i++) {
      logger.logMetric(run, "loss", 1.0 / (i + 1), 2000L + i, i);
    }
    if (artifact != null) {
      logger.logArtifact(run, "summary.txt", artifact, true);
    }
    logger.updateStatus(run, RunStatus.FINISHED, 9000L);
    return run;
  }

  private static List<Metric> delivered(RecordingTracker tracker, String runId) {
    List<Metric> points = new ArrayList<>();
    for (Batch b : tracker.calls(Batch.class)) {
      if (b.runId().equals(runId)) {
        points.addAll(b.metrics());
      }
    }
    return points;
  }

  private List<Path> journalFiles() throws IOException {
    if (!Files.isDirectory(journalDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(journalDir())) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void anOutageDuringTheJobIsBridgedInOrderAndTheJournalIsRemoved() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    tracker.down = true;
    AsyncLogger logger = logger(tracker, 1 << 30);
    Path artifact = Files.writeString(temp.resolve("autolog-summary.txt"), "layers: 3");
    produce(logger, "during", 5000, artifact);
    assertTrue(logger.flush(5000), "the worker journals instead of waiting for the tracker");
    assertFalse(logger.healthy());
    assertTrue(tracker.calls().isEmpty());
    assertFalse(journalFiles().isEmpty(), "the data waits on disk");

    tracker.down = false;
    long deadline = System.currentTimeMillis() + 10_000;
    while (!logger.healthy() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(logger.healthy(), "delivery resumed after the backoff");
    Created created = tracker.created("during");
    List<Metric> points = delivered(tracker, created.runId());
    assertEquals(5000, points.size(), "every point produced was delivered once");
    for (int i = 0; i < points.size(); i++) {
      assertEquals(i, points.get(i).step(), "in order");
    }
    List<RecordingTracker.Call> calls = tracker.callsFor(created.runId());
    assertTrue(calls.get(calls.size() - 1) instanceof Status s && s.status() == RunStatus.FINISHED && s.endTime() == 9000L,
        "the status came last, with the real end time: " + calls.get(calls.size() - 1));
    assertEquals("layers: 3", tracker.calls(Artifact.class).get(0).content());
    assertTrue(journalFiles().isEmpty(), "a delivered journal is deleted: " + journalFiles());
    logger.shutdown(1000);
  }

  @Test
  void aTrackerBackBeforeExitGetsEverythingWithinTheFlushTimeout() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    tracker.down = true;
    AsyncLogger logger = logger(tracker, 1 << 30);
    produce(logger, "at-exit", 1500, null);
    assertTrue(logger.flush(5000));
    tracker.down = false;
    logger.shutdown(5000); // at once: the retry is not due yet, the exit drains anyway
    assertEquals(1500, delivered(tracker, tracker.created("at-exit").runId()).size());
    assertEquals(RunStatus.FINISHED, tracker.calls(Status.class).get(0).status());
    assertTrue(journalFiles().isEmpty(), journalFiles().toString());
  }

  @Test
  void whatIsLeftAtExitIsReplayedOnceByTheNextProcess() throws Exception {
    RecordingTracker down = new RecordingTracker();
    down.down = true;
    AsyncLogger first = logger(down, 1 << 30);
    Path artifact = Files.writeString(temp.resolve("autolog-notes.txt"), "notes");
    produce(first, "left", 2500, artifact);
    first.shutdown(300);
    assertFalse(Files.exists(artifact), "the artifact moved into the journal");
    assertFalse(journalFiles().isEmpty());

    RecordingTracker next = new RecordingTracker();
    JournalReplayer.Report report = new JournalReplayer(next).replay(journalDir());
    assertEquals(1, report.segmentsDelivered());
    assertEquals(0, report.segmentsLeft());
    Created created = next.created("left");
    assertEquals(1000L, created.startTime(), "the run keeps its real start time");
    assertEquals(2500, delivered(next, created.runId()).size());
    assertEquals(List.of(new Status(created.runId(), RunStatus.FINISHED, 9000L)), next.calls(Status.class),
        "closed with its real status and end time");
    assertEquals("notes", next.calls(Artifact.class).get(0).content());
    assertTrue(journalFiles().isEmpty());

    int callsBefore = next.calls().size();
    new JournalReplayer(next).replay(journalDir());
    assertEquals(callsBefore, next.calls().size(), "a second replay has nothing to send");
  }

  @Test
  void aReplayInterruptedByAnotherOutageResumesWithoutDuplicates() throws Exception {
    RecordingTracker down = new RecordingTracker();
    down.down = true;
    AsyncLogger first = logger(down, 1 << 30);
    produce(first, "twice", 3500, null); // 4 batches of at most 1000 points
    first.shutdown(300);

    RecordingTracker flaky = new RecordingTracker();
    flaky.failBatch = new java.util.function.Predicate<>() {
      int batches;

      @Override
      public boolean test(Batch b) {
        if (++batches == 3) {
          flaky.down = true; // the tracker goes away in the middle of the replay
        }
        return false;
      }
    };
    JournalReplayer.Report partial = new JournalReplayer(flaky).replay(journalDir());
    assertEquals(1, partial.segmentsLeft());
    int deliveredBefore = delivered(flaky, flaky.created("twice").runId()).size();
    assertTrue(deliveredBefore > 0 && deliveredBefore < 3500, "part was delivered: " + deliveredBefore);

    flaky.down = false;
    new JournalReplayer(flaky).replay(journalDir());
    assertEquals(1, flaky.calls(Created.class).size(), "the run was not created again");
    List<Metric> points = delivered(flaky, flaky.created("twice").runId());
    assertEquals(3500, points.size(), "no point lost and none sent twice");
    assertEquals(3500, points.stream().map(Metric::step).distinct().count());
    assertEquals(1, flaky.calls(Status.class).size());
  }

  @Test
  void aRunWhoseCreationAnswerWasLostIsFoundNotCreatedTwice() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    Path dir = journalDir();
    try (Journal journal = Journal.create(dir, tracker.describe())) {
      journal.append(new Op.CreateRun("r1", "exp", "lost-answer", 1234L, Map.of(), null), false);
      journal.append(new Op.UpdateRun("r1", RunStatus.FINISHED, 5678L), false);
    }
    // The server created the run, but the process died before it learned the run's id.
    tracker.getOrCreateExperiment("exp");
    tracker.createRun("exp-1", "lost-answer", 1234L, Map.of());
    new JournalReplayer(tracker).replay(dir);
    assertEquals(1, tracker.calls(Created.class).size());
    assertEquals(RunStatus.FINISHED, tracker.calls(Status.class).get(0).status());
  }

  @Test
  void dataTheStoreRefusesForGoodDoesNotHoldUpTheRestOfTheJournal() throws Exception {
    Path store = temp.resolve("mlruns");
    FileStoreTracker tracker = new FileStoreTracker(store);
    String experiment = tracker.getOrCreateExperiment(null);
    RunInfo kept = tracker.createRun(experiment, "kept", 1L, Map.of());
    tracker.logBatch(kept.runId(), List.of(), Map.of("lr", "0.1"), Map.of());
    try (Journal journal = Journal.create(journalDir(), tracker.describe())) {
      journal.append(new Op.BindRun("gone", new RunInfo("0123456789abcdef0123456789abcdef", experiment, "x")), false);
      journal.append(new Op.LogBatch("gone", List.of(new Metric("loss", 1, 2L, 0)), Map.of(), Map.of()), false);
      journal.append(new Op.BindRun("kept", kept), false);
      journal.append(new Op.LogBatch("kept", List.of(new Metric("loss", 0.5, 3L, 0)), Map.of("lr", "0.2"), Map.of()), false);
      journal.append(new Op.LogBatch("kept", List.of(new Metric("loss", 0.25, 4L, 1)), Map.of(), Map.of()), false);
    }
    String stderr = captureStderr(() -> new JournalReplayer(tracker).replay(journalDir()));
    assertTrue(stderr.contains("not found") && stderr.contains("Changing param values"), stderr);
    assertTrue(journalFiles().isEmpty(), "refused records are reported and passed, not retried forever");
    Path metrics = store.resolve(experiment).resolve(kept.runId()).resolve("metrics").resolve("loss");
    assertEquals(2, Files.readAllLines(metrics).size(), "the points next to the changed param, and after it, arrived");
  }

  @Test
  void aRunLeftOpenByAKilledProcessIsClosedKilled() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    try (Journal journal = Journal.create(journalDir(), tracker.describe())) {
      journal.append(new Op.CreateRun("r1", null, "sigkill", 1L, Map.of(), null), false);
      journal.append(new Op.LogBatch("r1", List.of(new Metric("loss", 1, 2L, 0)), Map.of(), Map.of()), false);
    }
    new JournalReplayer(tracker).replay(journalDir());
    Status status = tracker.calls(Status.class).get(0);
    assertEquals(RunStatus.KILLED, status.status());
    assertNotNull(status.endTime());
  }

  @Test
  void aTornLastRecordIsSkippedWithAWarningAndTheRestDelivered() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    Path file;
    try (Journal journal = Journal.create(journalDir(), tracker.describe())) {
      journal.append(new Op.CreateRun("r1", null, "torn", 1L, Map.of(), null), false);
      journal.append(new Op.LogBatch("r1", List.of(new Metric("loss", Double.NaN, 2L, 0),
          new Metric("loss", Double.NEGATIVE_INFINITY, 3L, 1)), Map.of("p", "v"), Map.of()), false);
      journal.append(new Op.UpdateRun("r1", RunStatus.FAILED, 4L), false);
      file = journal.file();
    }
    // A crash in the middle of writing one more record.
    Files.write(file, "0badc0de {\"run\":\"r1\",\"op\":\"ba".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    String stderr = captureStderr(() -> new JournalReplayer(tracker).replay(journalDir()));
    assertTrue(stderr.contains("torn last record"), stderr);
    Batch batch = tracker.calls(Batch.class).get(0);
    assertTrue(Double.isNaN(batch.metrics().get(0).value()));
    assertEquals(Double.NEGATIVE_INFINITY, batch.metrics().get(1).value());
    assertEquals(RunStatus.FAILED, tracker.calls(Status.class).get(0).status());
  }

  @Test
  void aCorruptRecordOrFileNeverStopsTheReplay() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    Files.createDirectories(journalDir());
    Files.writeString(journalDir().resolve("00-garbage.journal"), "\u0000\u0001 not a journal at all");
    Path file;
    try (Journal journal = Journal.create(journalDir(), tracker.describe())) {
      journal.append(new Op.CreateRun("r1", null, "survivor", 1L, Map.of(), null), false);
      file = journal.file();
    }
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.add("deadbeef {\"flipped\": \"bits\"}");
    lines.add(lines.get(1).replace("survivor", "survivor-2").replace("\"r1\"", "\"r2\""));
    Files.write(file, lines);
    String stderr = captureStderr(() -> new JournalReplayer(tracker).replay(journalDir()));
    assertTrue(stderr.contains("skipped journal") && stderr.contains("00-garbage.journal"), stderr);
    assertTrue(stderr.contains("corrupt record"), stderr);
    assertEquals(List.of("survivor"), tracker.calls(Created.class).stream().map(Created::runName).toList(),
        "the record whose checksum does not match is skipped too");
  }

  @Test
  void theJournalIsReadableByItsOwnerOnly() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    tracker.down = true;
    AsyncLogger logger = logger(tracker, 1 << 30);
    produce(logger, "private", 10, Files.writeString(temp.resolve("autolog-a.txt"), "a"));
    logger.shutdown(200);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(journalDir())));
    List<Path> files = journalFiles();
    assertTrue(files.size() >= 2, files.toString());
    for (Path f : files) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
    }
  }

  @Test
  void pastTheCapTheLossIsCountedAndSaidLoudly() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    tracker.down = true;
    AsyncLogger logger = logger(tracker, 64 * 1024);
    String stderr = captureStderr(() -> {
      produce(logger, "capped", 20_000, null);
      logger.shutdown(2000);
    });
    long lost = logger.lostMetrics();
    assertTrue(lost > 0 && lost < 20_000, "some points fit, the rest were lost: " + lost);
    assertTrue(stderr.contains("LOST " + lost + " metric points"), stderr);

    RecordingTracker next = new RecordingTracker();
    new JournalReplayer(next).replay(journalDir());
    long replayed = delivered(next, next.created("capped").runId()).size();
    assertEquals(20_000, replayed + lost, "journaled plus counted as lost is everything produced");
  }

  @Test
  void aBatchRefusedAsInvalidLosesOnlyItsInvalidEntries() throws Exception {
    RecordingTracker tracker = new RecordingTracker();
    tracker.failBatch = b -> b.metrics().stream().anyMatch(m -> m.key().equals("bad key!"));
    AsyncLogger logger = new AsyncLogger(tracker, 100_000, journalDir(), 1 << 30);
    RunHandle run = new RunHandle("mixed");
    logger.createRun(run, null, 1L, Map.of("mlflow.runName", "mixed"), null);
    for (int i = 0; i < 9; i++) {
      logger.logMetric(run, i == 4 ? "bad key!" : "ok", i, 1L, i);
    }
    logger.logData(run, Map.of("p", "1"), Map.of("t", "2"));
    logger.start(); // only now: the worker takes all of it as one batch of 11 entries, which MLflow refuses whole
    String stderr = captureStderr(() -> assertTrue(logger.flush(5000)));
    List<Metric> points = delivered(tracker, run.info().runId());
    assertEquals(8, points.size(), points.toString());
    assertTrue(points.stream().noneMatch(m -> m.key().equals("bad key!")));
    assertTrue(tracker.calls(Batch.class).stream().anyMatch(b -> b.params().equals(Map.of("p", "1"))));
    assertTrue(tracker.calls(Batch.class).stream().anyMatch(b -> b.tags().equals(Map.of("t", "2"))));
    assertTrue(stderr.contains("metric bad key!"), stderr);
    logger.shutdown(1000);
  }

  private static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
