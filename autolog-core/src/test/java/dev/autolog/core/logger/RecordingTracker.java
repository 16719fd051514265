package dev.autolog.core.logger;

import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import dev.autolog.core.tracking.rest.MlflowApiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A fake {@link Tracker} that records every call, in order, and can be told to fail or block. */
public final class RecordingTracker implements Tracker {

  /** A call made to the tracker. */
  public sealed interface Call permits Created, Batch, Status, Artifact {
    String runId();
  }

  public record Created(String runId, String experimentName, String runName, long startTime,
      Map<String, String> tags) implements Call {}

  public record Batch(String runId, List<Metric> metrics, Map<String, String> params,
      Map<String, String> tags) implements Call {}

  public record Status(String runId, RunStatus status, Long endTime) implements Call {}

  /** An artifact copy, with the file's content when it was copied and the copying thread. */
  public record Artifact(String runId, String path, String content, String thread) implements Call {}

  private final List<Call> calls = new ArrayList<>();
  private final Map<String, String> experiments = new LinkedHashMap<>();
  private int runs;
  private volatile boolean closed;

  /** Batches for which this answers true are refused for good, as MLflow refuses invalid data (400). */
  public volatile Predicate<Batch> failBatch = b -> false;
  /** Experiment names for which this answers true are refused for good (400). */
  public volatile Predicate<String> failExperiment = name -> false;
  /** While true, every call fails as an unreachable server does (connection refused). */
  public volatile boolean down;
  /** While not null, logBatch waits (up to 10 s) until this is counted down. */
  public volatile CountDownLatch gate;
  /** Whether a logBatch call is waiting at the gate now. */
  public volatile boolean waitingAtGate;

  @Override
  public synchronized String getOrCreateExperiment(String name) throws IOException {
    failIfDown();
    if (failExperiment.test(name)) {
      throw new MlflowApiException(400, "INVALID_PARAMETER_VALUE", "refused experiment " + name);
    }
    return experiments.computeIfAbsent(name, n -> "exp-" + (experiments.size() + 1));
  }

  @Override
  public synchronized RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags)
      throws IOException {
    failIfDown();
    String runId = "run-" + (++runs);
    String experimentName = null;
    for (Map.Entry<String, String> e : experiments.entrySet()) {
      if (e.getValue().equals(experimentId)) {
        experimentName = e.getKey();
      }
    }
    calls.add(new Created(runId, experimentName, runName, startTime, Map.copyOf(tags)));
    return new RunInfo(runId, experimentId, "mem://" + runId);
  }

  @Override
  public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags)
      throws IOException {
    failIfDown();
    CountDownLatch g = gate;
    if (g != null) {
      waitingAtGate = true;
      try {
        g.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        waitingAtGate = false;
      }
    }
    Batch batch = new Batch(runId, List.copyOf(metrics), new LinkedHashMap<>(params), new LinkedHashMap<>(tags));
    if (failBatch.test(batch)) {
      throw new MlflowApiException(400, "INVALID_PARAMETER_VALUE", "refused batch for " + runId);
    }
    synchronized (this) {
      calls.add(batch);
    }
  }

  @Override
  public synchronized void updateRun(String runId, RunStatus status, Long endTime) throws IOException {
    failIfDown();
    calls.add(new Status(runId, status, endTime));
  }

  @Override
  public synchronized void logArtifact(RunInfo run, String artifactPath, Path file) throws IOException {
    failIfDown();
    calls.add(new Artifact(run.runId(), artifactPath, Files.readString(file, StandardCharsets.UTF_8),
        Thread.currentThread().getName()));
  }

  @Override
  public synchronized void logModel(RunInfo run, dev.autolog.core.tracking.ModelArtifact model) throws IOException {
    for (java.util.Map.Entry<String, Path> file : model.files().entrySet()) {
      logArtifact(run, model.artifactPath() + "/" + file.getKey(), file.getValue());
    }
  }

  @Override
  public synchronized RunInfo findRun(String experimentId, String runName, long startTime) throws IOException {
    failIfDown();
    for (Call c : calls) {
      if (c instanceof Created created && created.runName().equals(runName) && created.startTime() == startTime) {
        return new RunInfo(created.runId(), experimentId, "mem://" + created.runId());
      }
    }
    return null;
  }

  private void failIfDown() throws IOException {
    if (down) {
      throw new java.net.ConnectException("Connection refused");
    }
  }

  @Override
  public String runLocation(RunInfo run) {
    return "mem://" + run.runId();
  }

  @Override
  public String describe() {
    return "recording tracker";
  }

  @Override
  public void close() {
    closed = true;
  }

  public boolean closed() {
    return closed;
  }

  /** All calls so far, in order. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The calls of one type, in order. */
  public <T extends Call> List<T> calls(Class<T> type) {
    return calls().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The calls concerning one run, in order. */
  public List<Call> callsFor(String runId) {
    return calls().stream().filter(c -> c.runId().equals(runId)).toList();
  }

  /** The run created with that name (the last one, if several). */
  public Created created(String runName) {
    List<Created> matching = calls(Created.class).stream().filter(c -> c.runName().equals(runName)).toList();
    if (matching.isEmpty()) {
      throw new AssertionError("no run named " + runName + " in " + calls());
    }
    return matching.get(matching.size() - 1);
  }
}
