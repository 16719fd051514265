package dev.autolog.core.util;

import java.util.Iterator;
import java.util.Map;

/**
 * JSON text for plain values: maps (keys written with {@code String.valueOf}), iterables, strings,
 * numbers, booleans and null; anything else is written as its {@code toString()}, quoted. Non-finite
 * floating-point numbers are written as strings ({@code "NaN"}), as JSON has no such numbers.
 *
 * <p>For the few JSON files the file store and the integrations write on the logger's thread:
 * Jackson's data binding loads about 500 classes on first use, a quarter of a second of CPU that
 * a short job spends next to its training. The REST tracker, which parses what servers answer,
 * keeps Jackson.
 */
public final class Json {
  private Json() {}

  /** On one line, without spaces: {@code {"a":1,"b":["x"]}}. */
  public static String compact(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, -1);
    return sb.toString();
  }

  /** Indented by two spaces per level, one member or element per line. */
  public static String pretty(Object value) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, 0);
    return sb.toString();
  }

  /** @param depth the nesting level when indenting, or -1 for compact output */
  private static void write(StringBuilder sb, Object value, int depth) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Map<?, ?> map) {
      writeMembers(sb, map.entrySet().iterator(), '{', '}', depth, true);
    } else if (value instanceof Iterable<?> iterable) {
      writeMembers(sb, iterable.iterator(), '[', ']', depth, false);
    } else if (value instanceof Boolean) {
      sb.append(value);
    } else if (value instanceof Number number) {
      if ((number instanceof Double d && !Double.isFinite(d)) || (number instanceof Float f && !Float.isFinite(f))) {
        string(sb, number.toString());
      } else {
        sb.append(number);
      }
    } else {
      string(sb, value.toString());
    }
  }

  private static void writeMembers(StringBuilder sb, Iterator<?> members, char open, char close, int depth,
      boolean keyed) {
    sb.append(open);
    int inner = depth < 0 ? -1 : depth + 1;
    boolean any = false;
    while (members.hasNext()) {
      Object member = members.next();
      if (any) {
        sb.append(',');
      }
      any = true;
      newline(sb, inner);
      if (keyed) {
        Map.Entry<?, ?> entry = (Map.Entry<?, ?>) member;
        string(sb, String.valueOf(entry.getKey()));
        sb.append(depth < 0 ? ":" : ": ");
        member = entry.getValue();
      }
      write(sb, member, inner);
    }
    if (any) {
      newline(sb, depth);
    }
    sb.append(close);
  }

  private static void newline(StringBuilder sb, int depth) {
    if (depth >= 0) {
      sb.append('\n').append("  ".repeat(depth));
    }
  }

  /** A JSON string literal, escaped as RFC 8259 requires. */
  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
