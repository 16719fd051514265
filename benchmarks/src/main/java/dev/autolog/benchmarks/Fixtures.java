package dev.autolog.benchmarks;

import dev.autolog.core.config.AutologConfig;
import dev.autolog.core.config.ConfigLoader;
import dev.autolog.core.config.ConfigResult;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import dev.autolog.core.tracking.Tracker;
import dev.autolog.core.tracking.rest.Credentials;
import dev.autolog.core.tracking.rest.RestTracker;
import dev.autolog.core.tracking.rest.RetryPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What the benchmarks share: configs, trackers, runs, temp directories. Never timed itself. */
final class Fixtures {
  private Fixtures() {}

  /** The agent's configuration with every default, loaded the way the agent loads it (no real environment). */
  static AutologConfig config(Path dir, String agentArgs) {
    ConfigResult result = ConfigLoader.load(agentArgs, Map.of(), Map.of(), dir, dir);
    if (result.hasErrors()) {
      throw new IllegalStateException("bad benchmark config: " + result.errors());
    }
    return result.config();
  }

  /** A REST tracker for {@code baseUri} as the agent builds one for {@code tracking_uri=http://...}. */
  static RestTracker rest(String baseUri) {
    return new RestTracker(baseUri, baseUri, Credentials.of(null, null, null), null, null, false, false,
        RetryPolicy.DEFAULT);
  }

  /** Queues a run's creation on {@code logger} and returns its handle. */
  static RunHandle createRun(AsyncLogger logger, String name) {
    RunHandle handle = new RunHandle(name);
    logger.createRun(handle, null, System.currentTimeMillis(), Map.of("mlflow.runName", name), null);
    return handle;
  }

  static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines in every metric file below {@code root} (one line per point). */
  static long countMetricLines(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(p -> Files.isRegularFile(p) && p.getParent().getFileName().toString().equals("metrics"))
          .mapToLong(p -> {
            try (Stream<String> lines = Files.lines(p)) {
              return lines.count();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tracker that accepts everything and does nothing: isolates the training thread's cost. */
  static final class NoopTracker implements Tracker {
    volatile long points;

    @Override
    public String getOrCreateExperiment(String name) {
      return "0";
    }

    @Override
    public RunInfo createRun(String experimentId, String runName, long startTime, Map<String, String> tags) {
      return new RunInfo("noop-" + runName, experimentId, "file:///dev/null");
    }

    @Override
    public void logBatch(String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags) {
      points += metrics.size();
    }

    @Override
    public void updateRun(String runId, RunStatus status, Long endTime) {}

    @Override
    public void logArtifact(RunInfo run, String artifactPath, Path file) {}

    @Override
    public void logModel(RunInfo run, ModelArtifact model) {}

    @Override
    public String runLocation(RunInfo run) {
      return run.runId();
    }

    @Override
    public String describe() {
      return "no-op tracker";
    }
  }
}
