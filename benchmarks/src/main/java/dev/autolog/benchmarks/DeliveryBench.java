package dev.autolog.benchmarks;

import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.rest.RestTracker;
import dev.autolog.testing.MlflowServerDouble;
import dev.autolog.testing.ServiceTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
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
 * Target "delivery": metric points per second into an MLflow REST server on loopback. Score is
 * points per second, each operation counted only once the points are on the server (the agent's
 * path ends with a flush). The server is {@link MlflowServerDouble}, an in-JVM double of MLflow
 * 2.22.4 (JDK HttpServer, in-memory store), started once per fork and shared by the clients, in one
 * of three modes ({@code server}):
 *
 * <ul>
 *   <li>{@code double}: as fast as it answers (about 0.2 ms per request, 50 times faster than the
 *       real server), so the clients' own per-request and per-point costs weigh most;
 *   <li>{@code sqlite-4-workers}: held to the service time of a real MLflow 2.22.4 server on sqlite
 *       ({@link ServiceTime#mlflowOnSqlite}: 9.4 ms per request plus 0.134 ms per batch item) with
 *       {@code mlflow server}'s default 4 workers;
 *   <li>{@code sqlite-1-worker}: the same with one worker, a server whose writes never overlap.
 * </ul>
 *
 * The benchmarks:
 *
 * <ul>
 *   <li>{@code agentAsyncLogger}: 10,000 {@code AsyncLogger.logMetric} calls + flush, through
 *       {@code RestTracker} (what the agent does);
 *   <li>{@code restTrackerBatch1000}: the agent's {@code RestTracker.logBatch} called directly with
 *       1000-point batches (the agent's wire path without its queue);
 *   <li>{@code mlflowClientLogBatch1000}: baseline, {@code org.mlflow:mlflow-client:2.17.2}
 *       {@code logBatch} with 1000-point batches on one thread;
 *   <li>{@code mlflowClientPerPoint}: baseline, one {@code logMetric} request per point.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 8, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class DeliveryBench {
  static final int POINTS = 10_000;
  static final int BATCH = 1000;
  static final int PER_POINT = 100;

  @Param({"double", "sqlite-4-workers", "sqlite-1-worker"})
  public String server;

  private MlflowServerDouble mlflow;
  private AsyncLogger logger;
  private RunHandle handle;
  private RestTracker direct;
  private String directRunId;
  private MlflowClient client;
  private String clientRunId;
  private long step;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    mlflow = MlflowServerDouble.builder().serviceTime(serviceTime(server)).start();
    logger = new AsyncLogger(Fixtures.rest(mlflow.baseUri()), 1_000_000);
    logger.start();
    direct = Fixtures.rest(mlflow.baseUri());
    client = new MlflowClient(mlflow.baseUri());
  }

  private static ServiceTime serviceTime(String server) {
    return switch (server) {
      case "double" -> null;
      case "sqlite-4-workers" -> ServiceTime.mlflowOnSqlite(4);
      case "sqlite-1-worker" -> ServiceTime.mlflowOnSqlite(1);
      default -> throw new IllegalArgumentException("server " + server);
    };
  }

  /** A fresh run per iteration for every client, so that every iteration starts from the same state. */
  @Setup(Level.Iteration)
  public void freshRuns() throws Exception {
    handle = Fixtures.createRun(logger, "delivery-agent");
    directRunId = direct.createRun("0", "delivery-direct", System.currentTimeMillis(), Map.of()).runId();
    clientRunId = client.createRun("0").getRunId();
    if (!logger.flush(30_000) || handle.info() == null) {
      throw new IllegalStateException("run not created on " + mlflow.baseUri());
    }
  }

  @TearDown(Level.Iteration)
  public void forgetRequests() {
    mlflow.clearRequests(); // the double records every request; keep its memory flat
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long failed = logger.failedWrites();
    logger.shutdown(30_000);
    direct.close();
    client.close();
    mlflow.close();
    if (failed > 0) {
      throw new IllegalStateException(failed + " failed writes on the agent path");
    }
  }

  @Benchmark
  @OperationsPerInvocation(POINTS)
  public void agentAsyncLogger() {
    long ts = System.currentTimeMillis();
    for (int i = 0; i < POINTS; i++) {
      long s = step++;
      logger.logMetric(handle, "loss", 1.0 / (s + 1), ts, s);
    }
    if (!logger.flush(60_000)) {
      throw new IllegalStateException("flush timed out");
    }
  }

  @Benchmark
  @OperationsPerInvocation(POINTS)
  public void restTrackerBatch1000() throws Exception {
    long ts = System.currentTimeMillis();
    List<Metric> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < POINTS; i++) {
      long s = step++;
      batch.add(new Metric("loss", 1.0 / (s + 1), ts, s));
      if (batch.size() == BATCH) {
        direct.logBatch(directRunId, batch, Map.of(), Map.of());
        batch = new ArrayList<>(BATCH);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(POINTS)
  public void mlflowClientLogBatch1000() {
    long ts = System.currentTimeMillis();
    List<Service.Metric> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < POINTS; i++) {
      long s = step++;
      batch.add(Service.Metric.newBuilder().setKey("loss").setValue(1.0 / (s + 1)).setTimestamp(ts).setStep(s).build());
      if (batch.size() == BATCH) {
        client.logBatch(clientRunId, batch, List.of(), List.of());
        batch = new ArrayList<>(BATCH);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(PER_POINT)
  public void mlflowClientPerPoint() {
    long ts = System.currentTimeMillis();
    for (int i = 0; i < PER_POINT; i++) {
      long s = step++;
      client.logMetric(clientRunId, "loss", 1.0 / (s + 1), ts, s);
    }
  }
}
