package dev.autolog.benchmarks;

import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target "local store": ≥ 500,000 metric points per second written to the file store. Score is
 * points per second ({@code FileStoreTracker.logBatch} of 1000-point batches, as the worker calls
 * it), with all points under one key (a loss curve) or spread over 10 keys.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(2)
@State(Scope.Thread)
public class FileStoreBench {
  static final int BATCH = 1000;

  @Param({"1", "10"})
  public int keys;

  private Path dir;
  private FileStoreTracker tracker;
  private String experimentId;
  private String runId;
  private List<Metric> batch;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Fixtures.tempDir("autolog-bench-fs-");
    tracker = new FileStoreTracker(dir.resolve("mlruns"));
    experimentId = tracker.getOrCreateExperiment(null);
    batch = new ArrayList<>(BATCH);
    long ts = System.currentTimeMillis();
    for (int i = 0; i < BATCH; i++) {
      batch.add(new Metric(keys == 1 ? "loss" : "metric_" + (i % keys), 0.123456789 + i * 1e-3, ts + i / 10, i));
    }
  }

  @Setup(Level.Iteration)
  public void newRun() throws Exception {
    runId = tracker.createRun(experimentId, "fs-bench", System.currentTimeMillis(), Map.of()).runId();
  }

  @TearDown(Level.Iteration)
  public void dropRun() {
    // Keep the disk flat between iterations.
    Fixtures.deleteRecursively(dir.resolve("mlruns").resolve(experimentId).resolve(runId));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Fixtures.deleteRecursively(dir);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void logBatch1000() throws Exception {
    tracker.logBatch(runId, batch, Map.of(), Map.of());
  }
}
