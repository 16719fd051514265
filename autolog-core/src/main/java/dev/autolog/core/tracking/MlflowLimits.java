package dev.autolog.core.tracking;

import java.util.regex.Pattern;

/**
 * MLflow's limits on names and values (mlflow/utils/validation.py, 2.17 and later), and the
 * repairs the agent applies so that one bad name never costs a whole batch.
 */
public final class MlflowLimits {
  /** Longest metric, param or tag key. */
  public static final int MAX_KEY_LENGTH = 250;
  /** Longest param value. */
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  /** Longest run tag value (8000 since MLflow 2.17). */
  public static final int MAX_TAG_VALUE_LENGTH = 8000;
  /** Longest experiment name. */
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  /** Metrics per log-batch request. */
  public static final int MAX_METRICS_PER_BATCH = 1000;
  /** Params per log-batch request. */
  public static final int MAX_PARAMS_PER_BATCH = 100;
  /** Tags per log-batch request. */
  public static final int MAX_TAGS_PER_BATCH = 100;
  /** Metrics, params and tags together per log-batch request. */
  public static final int MAX_ENTITIES_PER_BATCH = 1000;

  // Letters, digits, '_', '-', '.', ' ', '/' and ':' (':' allowed since 2.16, except on Windows).
  private static final Pattern INVALID_KEY_CHARS = Pattern.compile("[^A-Za-z0-9_\\-. /:]");

  private MlflowLimits() {}

  /** Whether every character of {@code key} is one {@link #INVALID_KEY_CHARS} lets through. */
  private static boolean hasOnlyValidKeyChars(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '-' || c == '.' || c == ' ' || c == '/' || c == ':';
      if (!valid) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code key} made valid for MLflow: characters MLflow rejects become '_', path tricks
   * ({@code ..}, {@code .} segments, leading, trailing or doubled '/') are removed, and the result
   * is at most 250 characters.
   * A valid key is returned unchanged.
   */
  public static String sanitizeKey(String key) {
    if (key == null || key.isEmpty()) {
      return "_";
    }
    // Most keys need no replacement: skip the regex's matcher (a few hundred keys per run, on the job's thread).
    String k = hasOnlyValidKeyChars(key) ? key : INVALID_KEY_CHARS.matcher(key).replaceAll("_");
    // Cut first: the repairs below only shorten, and a cut must not leave a trailing '/' or '.'.
    if (k.length() > MAX_KEY_LENGTH) {
      k = k.substring(0, MAX_KEY_LENGTH);
    }
    while (k.contains("//")) {
      k = k.replace("//", "/");
    }
    k = k.replace("..", "__");
    // '.' segments ("./a", "a/./b", "a/.") are changed by posixpath.normpath, so MLflow rejects them.
    while (k.contains("/./")) {
      k = k.replace("/./", "/");
    }
    while (k.startsWith("./")) {
      k = k.substring(2);
    }
    if (k.endsWith("/.")) {
      k = k.substring(0, k.length() - 2);
    }
    while (k.startsWith("/")) {
      k = k.substring(1);
    }
    while (k.endsWith("/")) {
      k = k.substring(0, k.length() - 1);
    }
    if (k.isEmpty() || k.equals(".")) {
      k = "_";
    }
    return k;
  }

  /** Whether {@code value} fits in a param. */
  public static boolean fitsParam(String value) {
    return value.length() <= MAX_PARAM_VALUE_LENGTH;
  }

  /** Whether {@code value} fits in a run tag. */
  public static boolean fitsTag(String value) {
    return value.length() <= MAX_TAG_VALUE_LENGTH;
  }

  /** Cuts {@code value} to at most {@code max} characters, without splitting a surrogate pair. */
  public static String truncate(String value, int max) {
    if (value.length() <= max) {
      return value;
    }
    // Never split a surrogate pair: a lone surrogate cannot be written as UTF-8.
    int end = max > 0 && Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    return value.substring(0, end);
  }
}
