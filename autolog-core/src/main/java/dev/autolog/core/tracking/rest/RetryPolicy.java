package dev.autolog.core.tracking.rest;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long to wait before retrying a request, as MLflow's client does: HTTP 408, 429,
 * 500, 502, 503, 504 and I/O errors are retried with exponential backoff and jitter; a
 * {@code Retry-After} header wins over the computed delay. Other answers are final.
 *
 * @param maxRetries retries after the first attempt
 * @param baseDelayMillis the delay before the first retry (doubled for each next one)
 * @param maxDelayMillis the longest single wait
 */
public record RetryPolicy(int maxRetries, long baseDelayMillis, long maxDelayMillis) {
  /**
   * 2 retries, 0.5 s doubling up to 2 s: a blip is ridden out inside the call; a longer outage (or
   * a Retry-After over 2 s) ends the call, and the delivery keeps the data in its journal and
   * retries later, so the logger's worker is never stuck for a minute in one request.
   */
  public static final RetryPolicy DEFAULT = new RetryPolicy(2, 500, 2000);

  private static final Set<Integer> RETRYABLE = Set.of(408, 429, 500, 502, 503, 504);

  /** Whether an answer with this HTTP status is worth retrying. */
  public static boolean retryable(int status) {
    return RETRYABLE.contains(status);
  }

  /** The longest wait a server's Retry-After can ask for (urllib3's cap, which MLflow's client uses). */
  public static final long MAX_RETRY_AFTER_MILLIS = 120_000;

  /** The wait before retry number {@code retry} (1-based), honouring a Retry-After header (nullable). */
  public long delayMillis(int retry, String retryAfter) {
    Long fromHeader = parseRetryAfter(retryAfter);
    if (fromHeader != null) {
      return Math.min(fromHeader, MAX_RETRY_AFTER_MILLIS);
    }
    long exponential = Math.min(maxDelayMillis, baseDelayMillis << Math.min(retry - 1, 20));
    // Jitter in [50%, 100%] of the delay spreads out clients that failed together.
    return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
  }

  /** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
  static Long parseRetryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      return Math.max(0, Long.parseLong(v)) * 1000;
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
      } catch (RuntimeException e2) {
        return null;
      }
    }
  }
}
