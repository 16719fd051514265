package dev.autolog.core.delivery;

import dev.autolog.core.tracking.DataRefusedException;
import dev.autolog.core.tracking.rest.MlflowApiException;

/** Tells a tracker that cannot take data now (retry later) from one that refuses this data (drop it). */
final class Failures {
  private Failures() {}

  /**
   * Whether waiting may help: the tracker is unreachable, stalls, answers garbage, is overloaded
   * (408, 429, 5xx), or refuses the credentials (401, 403: fixed credentials and a sync deliver
   * the data later). MLflow's answers to bad data (400, 404) and a {@link DataRefusedException}
   * are final.
   */
  static boolean isTransient(Throwable t) {
    if (t instanceof DataRefusedException) {
      return false;
    }
    if (t instanceof MlflowApiException api) {
      int status = api.status();
      return status == 401 || status == 403 || status == 408 || status == 429 || status >= 500;
    }
    return t instanceof java.io.IOException;
  }

  /** How long the tracker asked to be left alone (Retry-After), or 0. */
  static long retryAfterMillis(Throwable t) {
    return t instanceof MlflowApiException api ? api.retryAfterMillis() : 0;
  }
}
