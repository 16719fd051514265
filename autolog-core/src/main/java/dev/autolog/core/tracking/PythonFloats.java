package dev.autolog.core.tracking;

/**
 * Formats doubles the way Python's {@code str(float)} does, which is how MLflow's file store writes
 * metric values: {@code 1.0}, {@code 0.3333333333333333}, {@code 1e-05}, {@code 1e+16}, {@code nan},
 * {@code inf}, {@code -inf}.
 *
 * <p>Java's {@link Double#toString} gives the same digits (a shortest round-tripping decimal) but
 * a different layout, so only the layout is rewritten.
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
    String java = Double.toString(Math.abs(value));
    String sign = value < 0 ? "-" : "";
    // Split Java's output into its significant digits and a decimal exponent.
    String mantissa;
    int exponent;
    int e = java.indexOf('E');
    if (e >= 0) {
      mantissa = java.substring(0, e);
      exponent = Integer.parseInt(java.substring(e + 1));
    } else {
      mantissa = java;
      exponent = 0;
    }
    int dot = mantissa.indexOf('.');
    String intPart = mantissa.substring(0, dot);
    String fracPart = mantissa.substring(dot + 1);
    String digits = intPart + fracPart;
    int pointPos = intPart.length() + exponent; // position of the decimal point within digits
    // Strip leading zeros (e.g. "0.001" -> digits "0001").
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
    }
    digits = digits.substring(lead);
    pointPos -= lead;
    // Strip trailing zeros.
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits = digits.substring(0, end);
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
      sb.append(digits, 0, pointPos).append('.').append(digits.substring(pointPos));
    }
    return sb.toString();
  }
}
