package dev.autolog.core.tracking;

/** MLflow's run statuses, with the integer codes the file store writes into {@code meta.yaml}. */
public enum RunStatus {
  RUNNING(1),
  SCHEDULED(2),
  FINISHED(3),
  FAILED(4),
  KILLED(5);

  private final int code;

  RunStatus(int code) {
    this.code = code;
  }

  /** The protobuf enum number, as stored by MLflow's file store. */
  public int code() {
    return code;
  }

  /** Whether the run has ended. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
