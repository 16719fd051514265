package dev.autolog.core.tracking.rest;

import java.io.IOException;

/** A request the MLflow server answered with an error, after any retries. */
public final class MlflowApiException extends IOException {
  private final int status;
  private final String errorCode;

  /** An error answer: HTTP {@code status}, MLflow's {@code errorCode} (may be null) and message. */
  public MlflowApiException(int status, String errorCode, String message) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** MLflow's error code, e.g. {@code RESOURCE_ALREADY_EXISTS}, or null when the body had none. */
  public String errorCode() {
    return errorCode;
  }
}
