package dev.autolog.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RecordingTracker;
import dev.autolog.core.logger.RecordingTracker.Artifact;
import dev.autolog.core.logger.RecordingTracker.Batch;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.Metric;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModelRunTest {
  private final RecordingTracker tracker = new RecordingTracker();
  private final AsyncLogger logger = new AsyncLogger(tracker, 10_000);
  private ModelRun run;

  @BeforeEach
  void openRun() {
    RunHandle handle = new RunHandle("m-1");
    logger.createRun(handle, null, 1L, Map.of("mlflow.runName", "m-1"), null);
    logger.start();
    run = new ModelRun(handle, "dl4j", logger);
  }

  @AfterEach
  void stop() {
    logger.shutdown(1000);
  }

  private List<Batch> flushedBatches() {
    assertTrue(logger.flush(5000));
    return tracker.calls(Batch.class);
  }

  @Test
  void aParamLoggedAgainWithTheSameValueIsNotSentAgain() {
    run.logParam("lr", 0.1);
    assertEquals(List.of(Map.of("lr", "0.1")), flushedBatches().stream().map(Batch::params).toList());

    run.logParam("lr", 0.1);
    run.logParams(Map.of("lr", "0.1"));
    assertEquals(1, flushedBatches().size());
  }

  @Test
  void aParamLoggedWithAnotherValueBecomesAChangedParamTag() {
    run.logParam("lr", 0.1);
    run.logParam("lr", 0.2);
    List<Batch> batches = flushedBatches();

    Map<String, String> params = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    batches.forEach(b -> {
      params.putAll(b.params());
      tags.putAll(b.tags());
    });
    assertEquals(Map.of("lr", "0.1"), params);
    assertEquals(Map.of("autolog.changed_param.lr", "0.2"), tags);
  }

  @Test
  void nullParamsAreSkippedAndKeysSanitized() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("kept", 3);
    values.put("skipped", null);
    values.put("bad@key", "x");
    run.logParams(values);
    run.logParam("also-skipped", null);
    assertEquals(List.of(Map.of("kept", "3", "bad_key", "x")), flushedBatches().stream().map(Batch::params).toList());
  }

  @Test
  void anOverlongParamIsTruncatedAndItsFullValueLoggedAsAnArtifact() {
    String full = "0123456789".repeat(601); // 6010 characters
    run.logParam("config", full);
    List<Batch> batches = flushedBatches();

    assertEquals(full.substring(0, 6000), batches.get(0).params().get("config"));
    List<Artifact> artifacts = tracker.calls(Artifact.class);
    assertEquals(1, artifacts.size());
    assertEquals("autolog/full_values/params/config.txt", artifacts.get(0).path());
    assertEquals(full, artifacts.get(0).content());
  }

  @Test
  void anOverlongTagIsTruncatedAndItsFullValueLoggedAsAnArtifact() {
    String full = "abcdefghij".repeat(801); // 8010 characters
    run.setTag("summary", full);
    List<Batch> batches = flushedBatches();

    assertEquals(full.substring(0, 8000), batches.get(0).tags().get("summary"));
    assertEquals(List.of("autolog/full_values/tags/summary.txt"),
        tracker.calls(Artifact.class).stream().map(Artifact::path).toList());
    assertEquals(full, tracker.calls(Artifact.class).get(0).content());
  }

  @Test
  void tagsMayBeSetAgainWithNewValues() {
    run.setTag("stage", "a");
    assertTrue(logger.flush(5000));
    run.setTag("stage", "b");
    run.setTag("ignored", null);
    List<Batch> batches = flushedBatches();
    assertEquals(List.of(Map.of("stage", "a"), Map.of("stage", "b")), batches.stream().map(Batch::tags).toList());
  }

  @Test
  void metricsGoToTheRunWithTheirStep() {
    long before = System.currentTimeMillis();
    run.logMetric("loss", 0.5, 7);
    Metric metric = flushedBatches().get(0).metrics().get(0);
    assertEquals("loss", metric.key());
    assertEquals(0.5, metric.value());
    assertEquals(7, metric.step());
    assertTrue(metric.timestamp() >= before);
  }

  @Test
  void textArtifactsAreWrittenThroughATemporaryFile() {
    run.logText("notes/summary.txt", "hello");
    assertTrue(logger.flush(5000));
    assertEquals(List.of(new Artifact(run.handle().info().runId(), "notes/summary.txt", "hello", "autolog-logger")),
        tracker.calls(Artifact.class));
  }

  @Test
  void stepCountersStartAtZeroAndAdvance() {
    assertEquals(0, run.nextIteration());
    assertEquals(1, run.nextIteration());
    assertEquals(2, run.iterations());
    assertEquals(0, run.nextEpoch());
    assertEquals(1, run.epochs());
  }

  @Test
  void stateIsCreatedOnceAndKept() {
    AtomicInteger created = new AtomicInteger();
    List<String> first = run.state("k", () -> {
      created.incrementAndGet();
      return new java.util.ArrayList<>();
    });
    List<String> second = run.state("k", java.util.ArrayList::new);
    assertSame(first, second);
    assertEquals(1, created.get());
  }

  @Test
  void describesItself() {
    assertEquals("m-1", run.name());
    assertEquals("dl4j", run.flavor());
    assertTrue(run.isRunning());
    assertFalse(run.handle().creationFailed());
  }

  /** Thrown by a finisher in the test below; a class of its own, so no other test's warning hides its one. */
  private static final class CannotSave extends RuntimeException {
    CannotSave(String message) {
      super(message);
    }
  }

  @Test
  void earlyFinishingWorkRunsOnTheLoggerBeforeTheRunEndsAndAFailureIsAWarning() {
    run.finishEarly(sink -> sink.addText("model/summary.txt", "saved on " + Thread.currentThread().getName()));
    run.finishEarly(sink -> {
      throw new CannotSave("disk full");
    });
    run.logMetric("after", 1, 0);
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertTrue(logger.flush(5000));
    } finally {
      System.setErr(original);
    }
    List<String> warnings = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("disk full")).toList();
    assertEquals(1, warnings.size(), err.toString(StandardCharsets.UTF_8));
    assertTrue(warnings.get(0).contains("WARN could not write the model artifacts of " + run.name()), warnings.get(0));
    List<Artifact> artifacts = tracker.calls(Artifact.class);
    assertEquals(1, artifacts.size());
    assertEquals("model/summary.txt", artifacts.get(0).path());
    assertEquals("saved on autolog-logger", artifacts.get(0).content());
    assertTrue(tracker.calls(RecordingTracker.Status.class).isEmpty(), "the run has not ended");
    assertTrue(run.isRunning());
    assertEquals(List.of("after"), flushedBatches().stream()
        .flatMap(b -> b.metrics().stream()).map(Metric::key).toList(), "the logger went on after the failure");
  }
}
