package dev.autolog.core.tracking.rest;

import java.io.IOException;

/** A request the MLflow server answered with an error, after any retries. */
public final class MlflowApiException extends IOException {
  private final int status;
  private final String errorCode;
  private final long retryAfterMillis;

  /** An error answer: HTTP {@code status}, MLflow's {@code errorCode} (may be null) and message. */
  public MlflowApiException(int status, String errorCode, String message) {
    this(status, errorCode, message, 0);
  }

  /** As {@link #MlflowApiException(int, String, String)}, with the wait the server asked for (Retry-After). */
  public MlflowApiException(int status, String errorCode, String message, long retryAfterMillis) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.retryAfterMillis = retryAfterMillis;
  }

  /** How long the server asked the client to wait before trying again (its Retry-After), or 0. */
  public long retryAfterMillis() {
    return retryAfterMillis;
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
