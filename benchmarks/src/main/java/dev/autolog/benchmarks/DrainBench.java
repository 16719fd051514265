package dev.autolog.benchmarks;

import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.FileStoreTracker;
import dev.autolog.core.tracking.Tracker;
import dev.autolog.testing.MlflowServerDouble;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Target "drain": 100,000 queued points written at exit in ≤ 2 s on loopback. Each invocation
 * queues a run and 100,000 points on a logger whose worker has not started (untimed), then times
 * {@code start()} + {@code shutdown(60 s)}: what the JVM-exit hook waits for. The points are
 * counted at the destination afterwards (untimed).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class DrainBench {
  static final int POINTS = 100_000;

  /**
   * {@code file}: the local file store. {@code rest}: the MLflow server double (its store checks
   * every new point against the run's whole history, so it slows down as a run grows: this
   * measures the double as much as the agent). {@code rest-null}: a loopback endpoint that accepts
   * and discards, the agent's own client-side limit.
   */
  @Param({"file", "rest", "rest-null"})
  public String tracker;

  private MlflowServerDouble server;
  private NullMlflowServer nullServer;
  private long nullBefore;
  private Path dir;
  private AsyncLogger logger;
  private RunHandle handle;
  private int invocation;

  @Setup(Level.Trial)
  public void setUp() {
    dir = Fixtures.tempDir("autolog-bench-drain-");
    if (tracker.equals("rest")) {
      server = MlflowServerDouble.start();
    } else if (tracker.equals("rest-null")) {
      nullServer = new NullMlflowServer();
    }
  }

  @Setup(Level.Invocation)
  public void queue() {
    Tracker t = tracker.equals("rest") ? Fixtures.rest(server.baseUri())
        : tracker.equals("rest-null") ? Fixtures.rest(nullServer.baseUri())
        : new FileStoreTracker(dir.resolve("mlruns-" + invocation));
    if (nullServer != null) {
      nullBefore = nullServer.lossPoints.get();
    }
    logger = new AsyncLogger(t, POINTS + 16); // room for the run's creation next to the points
    handle = Fixtures.createRun(logger, "drain-" + invocation);
    long ts = System.currentTimeMillis();
    for (int i = 0; i < POINTS; i++) {
      logger.logMetric(handle, "loss", 1.0 / (i + 1), ts, i);
    }
    if (logger.droppedMetrics() != 0) {
      throw new IllegalStateException("dropped while queueing");
    }
  }

  @TearDown(Level.Invocation)
  public void verify() {
    long landed;
    if (tracker.equals("rest")) {
      landed = server.run(handle.info().runId()).metricHistory("loss").size();
      server.clearRequests();
    } else if (tracker.equals("rest-null")) {
      landed = nullServer.lossPoints.get() - nullBefore;
    } else {
      Path root = dir.resolve("mlruns-" + invocation);
      landed = Fixtures.countMetricLines(root);
      Fixtures.deleteRecursively(root);
    }
    invocation++;
    // Not an exception: a drain that misses the shutdown deadline is a result to report.
    System.out.printf("%n[drain %s] landed %d of %d points, %d failed writes%n", tracker, landed, POINTS,
        logger.failedWrites());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (server != null) {
      server.close();
    }
    if (nullServer != null) {
      nullServer.close();
    }
    Fixtures.deleteRecursively(dir);
  }

  @Benchmark
  public void drain100k() {
    logger.start();
    logger.shutdown(60_000);
  }
}
