package dev.autolog.core.config;

import java.util.Objects;

/**
 * One invalid setting, rendered by {@link #message()} as one stderr line:
 *
 * <pre>{@code
 * invalid setting tracking_username (environment MLFLOW_TRACKING_USERNAME) = "alice": a username
 * needs a password; set tracking_password (or MLFLOW_TRACKING_PASSWORD) or use tracking_token
 * instead
 * }</pre>
 *
 * <p>The value is stored already made safe for printing: {@code ****} for secret settings, and
 * without URI user info for the rest. No part of a secret ever reaches this class.
 */
public final class ConfigProblem {

  // Long values (a pasted certificate, say) would drown the actual reason.
  private static final int MAX_VALUE_LENGTH = 200;

  private final String key;
  private final String source;
  private final String value;
  private final String reason;
  private final String fix;

  private ConfigProblem(String key, String source, String value, String reason, String fix) {
    this.key = Objects.requireNonNull(key, "key");
    this.source = Objects.requireNonNull(source, "source");
    this.value = value;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.fix = fix == null ? "" : fix;
  }

  /**
   * Returns a problem with {@code key}'s value {@code rawValue}, which is masked or stripped of
   * user info here. {@code rawValue} may be null when the problem is not about one value.
   */
  static ConfigProblem of(String key, ConfigSource source, String rawValue, String reason,
      String fix) {
    return new ConfigProblem(key, source.description(), shorten(Secrets.display(key, rawValue)),
        reason, fix);
  }

  private static String shorten(String value) {
    if (value == null || value.length() <= MAX_VALUE_LENGTH) {
      return value;
    }
    return value.substring(0, MAX_VALUE_LENGTH) + "...";
  }

  /** Returns the setting's canonical name, e.g. {@code tracking_uri}. */
  public String key() {
    return key;
  }

  /** Returns the description of the source that supplied the value, e.g. {@code agent argument}. */
  public String source() {
    return source;
  }

  /** Returns the printable value ({@code ****} for secrets), or null if none applies. */
  public String value() {
    return value;
  }

  /** Returns what is wrong. */
  public String reason() {
    return reason;
  }

  /** Returns how to fix it, or an empty string. */
  public String fix() {
    return fix;
  }

  /** Returns the problem as one line: setting, source, printable value, reason and fix. */
  public String message() {
    StringBuilder line = new StringBuilder("invalid setting ")
        .append(key).append(" (").append(source).append(')');
    if (value != null) {
      line.append(" = \"").append(value).append('"');
    }
    line.append(": ").append(reason);
    if (!fix.isEmpty()) {
      line.append("; ").append(fix);
    }
    return OneLine.of(line.toString());
  }

  /** Returns {@link #message()}. */
  @Override
  public String toString() {
    return message();
  }
}
