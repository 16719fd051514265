package dev.autolog.core.run;

import dev.autolog.core.log.AgentLog;
import dev.autolog.core.logger.AsyncLogger;
import dev.autolog.core.logger.RunHandle;
import dev.autolog.core.tracking.MlflowLimits;
import dev.autolog.core.tracking.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One model's MLflow run, as an integration sees it. Everything here only queues work for the
 * logger: no method blocks on I/O. Params are deduplicated; a param re-logged with another value
 * becomes a warning and a tag {@code autolog.changed_param.<key>}, never a rejected batch.
 *
 * <p>A run also keeps the step counters an integration needs to continue a metric series across
 * the training calls that continue the run.
 */
public final class ModelRun {
  private final RunHandle handle;
  private final String flavor;
  private final AsyncLogger logger;
  private final Map<String, String> params = new HashMap<>();
  private final Map<String, Object> state = new ConcurrentHashMap<>();

  // Lifecycle, guarded by this.
  int activeCalls;
  int calls;
  long deadline;
  long lastExit;
  RunStatus status = RunStatus.RUNNING;
  RunFinisher finisher;

  private volatile long iterations;
  private volatile long epochs;

  ModelRun(RunHandle handle, String flavor, AsyncLogger logger) {
    this.handle = handle;
    this.flavor = flavor;
    this.logger = logger;
  }

  /** The run's name. */
  public String name() {
    return handle.name();
  }

  /** The integration that opened the run, e.g. {@code dl4j}. */
  public String flavor() {
    return flavor;
  }

  /** The logger's handle for this run. */
  public RunHandle handle() {
    return handle;
  }

  /** How many training or evaluation calls have entered this run so far, the current one included. */
  public synchronized int calls() {
    return calls;
  }

  /** Logs a param unless it was logged before; {@code null} values are skipped. */
  public void logParam(String key, Object value) {
    if (value == null) {
      return;
    }
    Map<String, String> one = new LinkedHashMap<>();
    one.put(key, String.valueOf(value));
    logParams(one);
  }

  /** Logs params, skipping those already logged with the same value and nulls. */
  public void logParams(Map<String, ?> values) {
    Map<String, String> fresh = new LinkedHashMap<>();
    Map<String, String> tags = new LinkedHashMap<>();
    synchronized (params) {
      for (Map.Entry<String, ?> e : values.entrySet()) {
        if (e.getValue() == null) {
          continue;
        }
        String key = MlflowLimits.sanitizeKey(e.getKey());
        String value = fitParam(key, String.valueOf(e.getValue()));
        String old = params.get(key);
        if (old == null) {
          params.put(key, value);
          fresh.put(key, value);
        } else if (!old.equals(value)) {
          AgentLog.warnOnce(
              "changed-param-" + handle.name() + key,
              "param " + key + " of run " + handle.name() + " was logged as \"" + old
                  + "\"; MLflow params never change, so the new value \"" + value
                  + "\" goes to tag autolog.changed_param." + key);
          tags.put(MlflowLimits.sanitizeKey("autolog.changed_param." + key), fitTag(key, value));
        }
      }
    }
    if (!fresh.isEmpty() || !tags.isEmpty()) {
      logger.logData(handle, fresh, tags);
    }
  }

  /** Sets a tag (tags may change). */
  public void setTag(String key, String value) {
    if (value == null) {
      return;
    }
    String k = MlflowLimits.sanitizeKey(key);
    logger.logData(handle, Map.of(), Map.of(k, fitTag(k, value)));
  }

  /** Logs one metric point, timestamped now. */
  public void logMetric(String key, double value, long step) {
    logger.logMetric(handle, key, value, System.currentTimeMillis(), step);
  }

  /** Logs a text artifact (written to a temporary file on the worker, then copied). */
  public void logText(String artifactPath, String text) {
    logText(artifactPath, () -> text);
  }

  /**
   * Logs a text artifact that {@code text} renders on the logger's thread, for text that is slow to
   * make (a JSON rendering that initializes a library's mapper, say) from objects that training
   * does not change. Nothing is logged when it renders null.
   */
  public void logText(String artifactPath, Supplier<String> text) {
    logger.runOnWorker(
        () -> {
          try {
            String rendered = text.get();
            if (rendered == null) {
              return;
            }
            Path tmp = Files.createTempFile("autolog-", ".txt");
            Files.writeString(tmp, rendered, StandardCharsets.UTF_8);
            logger.logArtifact(handle, artifactPath, tmp, true);
          } catch (IOException | RuntimeException e) {
            AgentLog.warnOnce("text-artifact", "could not write artifact " + artifactPath + ": " + AgentLog.describe(e));
          }
        });
  }

  /** Whether the run is RUNNING (not yet finished, failed or killed). */
  public synchronized boolean isRunning() {
    return status == RunStatus.RUNNING;
  }

  /**
   * Does {@code work} on the logger's thread as soon as the logger gets to it, instead of when the
   * run finishes: for a model that training can no longer change (a Tribuo model is immutable once
   * trained). Saving it then overlaps the rest of the job instead of delaying the JVM's exit, and
   * its garbage is collected with the job's.
   */
  public void finishEarly(RunFinisher work) {
    logger.runOnWorker(() -> runFinisher(work));
  }

  /** Does a finisher's work on the logger's thread; a failure is a warning. */
  void runFinisher(RunFinisher work) {
    try {
      work.finish(new TempFileSink(logger, handle));
    } catch (Throwable t) {
      AgentLog.warnOnce("finisher-" + t.getClass().getName(),
          "could not write the model artifacts of " + name() + ": " + AgentLog.describe(t));
    }
  }

  /** Sets the work to do when the run finishes (replacing any earlier one). */
  public synchronized void setFinisher(RunFinisher finisher) {
    this.finisher = finisher;
  }

  /** Returns the next iteration step of this run (0 for its first iteration) and advances it. */
  public long nextIteration() {
    return iterations++;
  }

  /** Iterations recorded in this run so far. */
  public long iterations() {
    return iterations;
  }

  /** Returns the next epoch step of this run (0 for its first epoch) and advances it. */
  public long nextEpoch() {
    return epochs++;
  }

  /** Epochs recorded in this run so far. */
  public long epochs() {
    return epochs;
  }

  /** Per-run state an integration keeps (e.g. the epoch's running loss), created on first use. */
  @SuppressWarnings("unchecked")
  public <T> T state(String key, Supplier<T> initial) {
    return (T) state.computeIfAbsent(key, k -> initial.get());
  }

  private String fitParam(String key, String value) {
    if (MlflowLimits.fitsParam(value)) {
      return value;
    }
    overflow("params", key, value, MlflowLimits.MAX_PARAM_VALUE_LENGTH);
    return MlflowLimits.truncate(value, MlflowLimits.MAX_PARAM_VALUE_LENGTH);
  }

  private String fitTag(String key, String value) {
    if (MlflowLimits.fitsTag(value)) {
      return value;
    }
    overflow("tags", key, value, MlflowLimits.MAX_TAG_VALUE_LENGTH);
    return MlflowLimits.truncate(value, MlflowLimits.MAX_TAG_VALUE_LENGTH);
  }

  private void overflow(String kind, String key, String value, int max) {
    String path = "autolog/full_values/" + kind + "/" + key + ".txt";
    AgentLog.warnOnce(
        "overflow-" + handle.name() + kind + key,
        kind.substring(0, kind.length() - 1) + " " + key + " of run " + handle.name() + " is "
            + value.length() + " characters, longer than MLflow's " + max
            + "; it was truncated and the full text logged as artifact " + path);
    logText(path, value);
  }
}
