package dev.autolog.core.tracking;

/**
 * One metric point, as MLflow stores it.
 *
 * @param key metric name, already valid for MLflow
 * @param value the value; NaN and infinities are allowed and written as MLflow writes them
 * @param timestamp milliseconds since the epoch, taken when the value was recorded
 * @param step the step (iteration or epoch index)
 */
public record Metric(String key, double value, long timestamp, long step) {}
