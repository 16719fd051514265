package dev.autolog.benchmarks;

import java.util.List;
import java.util.Locale;

/** Median and spread of a small sample. */
record Stats(double median, double min, double max, double p25, double p75, int n) {
  static Stats of(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (v.length == 0) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    return new Stats(quantile(v, 0.5), v[0], v[v.length - 1], quantile(v, 0.25), quantile(v, 0.75), v.length);
  }

  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  String format(String fmt) {
    return String.format(Locale.ROOT, "median " + fmt + " (min " + fmt + ", max " + fmt + ", IQR " + fmt + ".." + fmt
        + ", n=%d)", median, min, max, p25, p75, n);
  }

  @Override
  public String toString() {
    return format("%.3f");
  }
}
