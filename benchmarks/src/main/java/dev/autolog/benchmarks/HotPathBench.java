package dev.autolog.benchmarks;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.run.ModelRun;
import dev.autolog.core.run.RunContext;
import dev.autolog.core.run.RunManager;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.Tracker;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Target "hot path": recording one metric point on the training thread, ≤ 100 ns median and no
 * allocation in steady state. One training thread calls {@code logMetric}; the logger's real worker
 * drains into a no-op tracker or the real file store meanwhile (on the machine's other core).
 *
 * <p>Run with {@code -prof gc} for {@code gc.alloc.rate.norm} (bytes per point). Drops (queue full)
 * are printed per iteration: a dropped point is cheaper than a queued one, so a run with many drops
 * flatters the figure.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 6, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Threads(1)
@State(Scope.Benchmark)
public class HotPathBench {
  @Param({"noop", "file"})
  public String tracker;

  /**
   * Work (JMH CPU tokens) the training thread does between two points. 0 saturates the queue (the
   * worker cannot keep up and points spill to memory-mapped files: the spill path's cost, which no
   * training loop keeps paying); 1000 is a few microseconds, a loop the worker keeps up with.
   * Subtract {@link HotPathBaseline}'s figure.
   */
  @Param({"0", "1000"})
  public int work;

  private Path dir;
  private AsyncLogger logger;
  private RunManager runs;
  private ModelRun run;
  private long step;
  private long droppedBefore;
  private long opsBefore;
  private long allocatedBefore;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

  @Setup(Level.Trial)
  public void setUp() {
    dir = Fixtures.tempDir("autolog-bench-hot-");
    AutologConfig config = Fixtures.config(dir, null);
    Tracker t = tracker.equals("file") ? new FileStoreTracker(dir.resolve("mlruns")) : new Fixtures.NoopTracker();
    logger = new AsyncLogger(t, config.queueCapacity());
    runs = new RunManager(config, logger, new RunContext("bench", "bench", "bench", null));
    runs.installTicker();
    logger.start();
    Object model = new Object();
    run = runs.enterTraining(model, "bench", "BenchModel");
    if (!logger.flush(10_000)) {
      throw new IllegalStateException("run not created");
    }
  }

  @Setup(Level.Iteration)
  public void mark() {
    droppedBefore = logger.droppedMetrics();
    opsBefore = step;
    allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
  }

  @TearDown(Level.Iteration)
  public void report() {
    // -prof gc counts every thread, the logger's worker included; this is the training thread alone.
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
    // Let the worker catch up so the next iteration starts from an empty queue, as in steady state.
    logger.flush(60_000);
    long ops = step - opsBefore;
    long dropped = logger.droppedMetrics() - droppedBefore;
    System.out.printf("%n[hot-path %s work=%d] points this iteration: %d, dropped (queue and spill full): %d (%.2f%%),"
        + " training-thread allocation: %.1f B/point%n",
        tracker, work, ops, dropped, ops == 0 ? 0.0 : 100.0 * dropped / ops, ops == 0 ? 0.0 : (double) allocated / ops);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    runs.shutdown();
    Fixtures.deleteRecursively(dir);
  }

  /** What an integration calls per iteration: ModelRun.logMetric (adds the timestamp, then AsyncLogger.logMetric). */
  @Benchmark
  public void modelRunLogMetric() {
    if (work > 0) {
      Blackhole.consumeCPU(work);
    }
    long s = step++;
    run.logMetric("loss", 1.0 / (s + 1), s);
  }
}
