package dev.autolog.core.config;

/** Turns text into a single line, since every warning and error is printed as one stderr line. */
final class OneLine {

  private OneLine() {}

  /** Replaces line breaks and other control characters with spaces. */
  static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean breaksLine = c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029;
      out.append(breaksLine ? ' ' : c);
    }
    return out.toString();
  }
}
