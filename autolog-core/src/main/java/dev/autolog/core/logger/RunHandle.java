package dev.autolog.core.logger;

import dev.autolog.core.tracking.RunInfo;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A run as the training thread knows it: created at once, without waiting for the tracker. The
 * logger's worker fills in the tracker's {@link RunInfo} when it has created the run.
 */
public final class RunHandle {
  private static final AtomicLong KEYS = new AtomicLong();
  private final String key = "r" + KEYS.incrementAndGet();
  private final String name;
  private volatile RunInfo info;
  private volatile boolean creationFailed;

  /** A handle for a run to be called {@code name}. */
  public RunHandle(String name) {
    this.name = name;
  }

  /** Names the run in the logger and its journal (unique in this process), before the tracker has an id for it. */
  public String key() {
    return key;
  }

  /** The run's name (MLflow's {@code mlflow.runName}). */
  public String name() {
    return name;
  }

  /** The tracker's view of the run, or null while it is not created yet. */
  public RunInfo info() {
    return info;
  }

  void created(RunInfo info) {
    this.info = info;
  }

  /** Whether the tracker refused to create the run; its data is then dropped, with a warning. */
  public boolean creationFailed() {
    return creationFailed;
  }

  void markCreationFailed() {
    this.creationFailed = true;
  }

  @Override
  public String toString() {
    RunInfo i = info;
    return name + (i == null ? "" : " (" + i.runId() + ")");
  }
}
