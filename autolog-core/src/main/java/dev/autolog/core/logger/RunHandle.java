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
  private volatile java.util.function.Consumer<RunInfo> whenCreated;

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
    java.util.function.Consumer<RunInfo> action = whenCreated;
    if (action != null) {
      whenCreated = null;
      action.accept(info);
    }
  }

  /**
   * Runs {@code action} on the logger's worker once the tracker has created the run: at once when
   * it has, later when the run's creation waits in the journal. Call on the worker only.
   */
  public void whenCreated(java.util.function.Consumer<RunInfo> action) {
    RunInfo known = info;
    if (known != null) {
      action.accept(known);
    } else {
      whenCreated = action;
    }
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
