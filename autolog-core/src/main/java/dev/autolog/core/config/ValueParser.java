package dev.autolog.core.config;

import java.util.Locale;

/** Parses the text of boolean and whole-number settings, checking ranges. */
final class ValueParser {

  static final String BOOLEAN_FORMS = "true, false, yes, no, 1, 0";

  private ValueParser() {}

  /** Accepts true/false, yes/no and 1/0, ignoring case. */
  static boolean parseBoolean(String text) throws ConfigException {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1":
        return true;
      case "false", "no", "0":
        return false;
      default:
        throw new ConfigException("not a boolean", "use one of " + BOOLEAN_FORMS);
    }
  }

  /** Parses a decimal whole number between {@code key}'s minimum and its type's maximum. */
  static long parseWholeNumber(ConfigKey key, String text) throws ConfigException {
    long minimum = key.minimum();
    long maximum = key.kind() == ConfigKey.Kind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
    String range = "a whole number from " + minimum + " to " + maximum;
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("not a whole number in range", "use " + range);
    }
    if (value < minimum) {
      throw new ConfigException("must be at least " + minimum, "use " + range);
    }
    if (value > maximum) {
      throw new ConfigException("must be at most " + maximum, "use " + range);
    }
    return value;
  }
}
