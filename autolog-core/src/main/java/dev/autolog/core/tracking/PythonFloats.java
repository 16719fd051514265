package dev.autolog.core.tracking;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats doubles the way Python's {@code str(float)} does, which is how MLflow's file store writes
 * metric values: {@code 1.0}, {@code 0.3333333333333333}, {@code 1e-05}, {@code 1e+16}, {@code nan},
 * {@code inf}, {@code -inf}.
 *
 * <p>The digits are the shortest decimal that reads back as the value (Java 17's
 * {@link Double#toString} is not always shortest), laid out as Python lays them out. Runs on the
 * logger's thread for every metric point the file store writes, so the common case does no
 * {@link BigDecimal} arithmetic.
 */
public final class PythonFloats {
  private PythonFloats() {}

  /** Python's {@code repr(value)}. */
  public static String format(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return (1 / value < 0) ? "-0.0" : "0.0";
    }
    String sign = value < 0 ? "-" : "";
    double abs = Math.abs(value);
    // The shortest decimal that reads back as the value (Python's repr digits), as digits without
    // trailing zeros and the position of the decimal point within them.
    String digits;
    int pointPos;
    if (abs >= Double.MIN_NORMAL) {
      // Schubfach (Jackson's copy of the algorithm behind Java 19's Double.toString) finds it
      // without BigDecimal arithmetic; for normal doubles its choice is Python's.
      String text = NumberOutput.toString(abs, true);
      int e = text.indexOf('E');
      String mantissa = e < 0 ? text : text.substring(0, e);
      int point = mantissa.indexOf('.');
      String all = mantissa.substring(0, point) + mantissa.substring(point + 1);
      pointPos = point + (e < 0 ? 0 : Integer.parseInt(text.substring(e + 1)));
      int start = 0;
      while (start < all.length() - 1 && all.charAt(start) == '0') {
        start++;
        pointPos--;
      }
      digits = stripTrailingZeros(all.substring(start));
    } else {
      // Subnormal: Java 19's rule also admits a closer two-digit decimal where one digit suffices
      // (4.9E-324 for Python's 5e-324), so search exactly.
      BigDecimal shortest = shortestByExactSearch(abs);
      String all = shortest.unscaledValue().toString();
      pointPos = all.length() - shortest.scale();
      digits = stripTrailingZeros(all);
    }
    int decimalExponent = pointPos - 1; // exponent in d.ddd form
    if (decimalExponent < -4 || decimalExponent >= 16) {
      String m = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String expSign = decimalExponent < 0 ? "-" : "+";
      int absExp = Math.abs(decimalExponent);
      return sign + m + "e" + expSign + (absExp < 10 ? "0" : "") + absExp;
    }
    StringBuilder sb = new StringBuilder(sign);
    if (pointPos <= 0) {
      sb.append("0.");
      for (int i = 0; i < -pointPos; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else if (pointPos >= digits.length()) {
      sb.append(digits);
      for (int i = digits.length(); i < pointPos; i++) {
        sb.append('0');
      }
      sb.append(".0");
    } else {
      sb.append(digits, 0, pointPos).append('.').append(digits, pointPos, digits.length());
    }
    return sb.toString();
  }

  private static String stripTrailingZeros(String digits) {
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return digits.substring(0, end);
  }

  /**
   * The shortest decimal that parses back to {@code value} (finite, positive), the one closest to it
   * when several have that length, by exact arithmetic: slow, so used for subnormal values only (and
   * by tests as the reference). Java 17's {@link Double#toString} is not always shortest
   * ({@code 4.9E-324} for Python's {@code 5e-324}), so its digits only bound the search.
   */
  static BigDecimal shortestByExactSearch(double value) {
    BigDecimal exact = new BigDecimal(value);
    BigDecimal best = new BigDecimal(Double.toString(value));
    // Rounding to fewer digits only moves further from the value, so stop at the first failure.
    for (int precision = best.precision() - 1; precision >= 1; precision--) {
      BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
      BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
      boolean downOk = down.doubleValue() == value;
      boolean upOk = up.doubleValue() == value;
      if (downOk && upOk) {
        int cmp = exact.subtract(down).compareTo(up.subtract(exact));
        best = cmp < 0 ? down : cmp > 0 ? up : exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      } else if (downOk) {
        best = down;
      } else if (upOk) {
        best = up;
      } else {
        break;
      }
    }
    return best;
  }
}
