package dev.autolog.core.config;

import java.util.Locale;

/** Finds the known setting closest to a misspelt one, by Levenshtein distance. */
final class KeySuggester {

  private KeySuggester() {}

  /**
   * Returns the canonical name of the {@link ConfigKey} closest to {@code name}. Underscores and
   * dots are treated alike, because environment names turn dots into underscores.
   */
  static String closest(String name) {
    String wanted = normalize(name);
    ConfigKey best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (ConfigKey key : ConfigKey.values()) {
      int distance = distance(wanted, normalize(key.key()));
      if (distance < bestDistance) {
        best = key;
        bestDistance = distance;
      }
    }
    return best.key();
  }

  /**
   * Returns the canonical name of the {@link ConfigKey} {@code name} most likely stands for, or null when no
   * setting is close: a typo (an edit distance of at most a third of the name, and at least 2), else a setting
   * whose name contains {@code name} or is contained in it ({@code uri}, {@code mlflow_tracking_uri}).
   */
  static String suggest(String name) {
    String wanted = normalize(name);
    String closest = closest(name);
    if (distance(wanted, normalize(closest)) <= Math.max(2, wanted.length() / 3)) {
      return closest;
    }
    ConfigKey best = null;
    for (ConfigKey key : ConfigKey.values()) {
      String candidate = normalize(key.key());
      boolean related = wanted.length() >= 3 && (candidate.contains(wanted) || wanted.contains(candidate));
      if (related && (best == null || candidate.length() < normalize(best.key()).length())) {
        best = key;
      }
    }
    return best == null ? null : best.key();
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('.', '_');
  }

  /** The classic two-row dynamic programme: insertions, deletions and substitutions cost 1. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
