package dev.autolog.core.tracking;

import java.util.regex.Pattern;

/**
 * Renders string scalars the way PyYAML's {@code safe_dump} does for the values MLflow's file store
 * writes: plain when unambiguous, single-quoted when the plain form would read back as another
 * type (numbers, booleans, null, dates) or is empty, double-quoted when it holds control characters.
 */
final class YamlScalars {
  private static final Pattern PLAIN_SAFE =
      Pattern.compile("[A-Za-z0-9_./\\\\][A-Za-z0-9_./\\\\:@+=~\\-() ]*");
  private static final Pattern RESOLVES_AS_OTHER_TYPE =
      Pattern.compile(
          "(?:[-+]?(?:0|[1-9][0-9_]*)"
              + "|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+"
              + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
              + "|[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*(?:[eE][-+][0-9]+)?"
              + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"
              + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
              // Plain 1e5 is a string to PyYAML but a number to YAML 1.2 readers such as Jackson,
              // which re-reads meta.yaml in updateRun, so it is quoted too.
              + "|[-+]?(?:\\.[0-9_]+|[0-9][0-9_]*(?:\\.[0-9_]*)?)[eE][-+]?[0-9_]+"
              + "|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
              + "|~|null|Null|NULL"
              + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*)");

  private YamlScalars() {}

  static String string(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    boolean plain =
        PLAIN_SAFE.matcher(s).matches()
            && !s.endsWith(" ")
            && !s.endsWith(":")
            && !s.contains(": ")
            && !s.contains(" #")
            && !RESOLVES_AS_OTHER_TYPE.matcher(s).matches();
    if (plain) {
      return s;
    }
    boolean printable = s.chars().noneMatch(YamlScalars::needsEscape);
    if (printable) {
      return "'" + s.replace("'", "''") + "'";
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        // YAML line breaks other than \n, which a reader would fold even inside quotes.
        case '\u0085' -> sb.append("\\N");
        case '\u2028' -> sb.append("\\L");
        case '\u2029' -> sb.append("\\P");
        default -> {
          if (c <= 0xff && needsEscape(c)) {
            sb.append(String.format("\\x%02X", (int) c));
          } else if (needsEscape(c)) {
            sb.append(String.format("\\u%04X", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Whether {@code c} can only be written escaped, in double quotes: C0 and C1 control characters
   * (NEL included), DEL, the Unicode line and paragraph separators and the byte order mark.
   */
  private static boolean needsEscape(int c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff;
  }
}
