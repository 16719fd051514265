package dev.autolog.testing;

/**
 * One stored point of a metric's history, as the recorded server's sqlite store keeps it.
 *
 * <p>{@code value} is what {@code metrics/get-history} answers: {@code NaN} stays {@code NaN}; {@code +Infinity} and
 * {@code -Infinity} were stored as {@code ±Double.MAX_VALUE} (1.7976931348623157e308), since SQL has no infinities.
 * A point whose value the server could not parse (a bare {@code NaN} literal, a non-numeric string) is stored
 * as value 0 with timestamp 0 and step 0, as the real server stored it.
 *
 * @param key       the metric key
 * @param value     the stored value (see above)
 * @param timestamp milliseconds since the epoch, as sent
 * @param step      the step, as sent (0 when omitted)
 */
public record MetricPoint(String key, double value, long timestamp, long step) {
}
