package dev.autolog.core.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Expected strings are Python 3's {@code repr(float)}, taken from python3 once and pasted here. */
class PythonFloatsTest {

  static Stream<Arguments> pythonRepr() {
    return Stream.of(
        Arguments.of(1.0, "1.0"),
        Arguments.of(0.1, "0.1"),
        Arguments.of(0.5, "0.5"),
        Arguments.of(0.9, "0.9"),
        Arguments.of(100.0, "100.0"),
        Arguments.of(1.0 / 3, "0.3333333333333333"),
        Arguments.of(1e-05, "1e-05"),
        Arguments.of(1.5e-05, "1.5e-05"),
        Arguments.of(-1e-07, "-1e-07"),
        Arguments.of(0.0001, "0.0001"),
        Arguments.of(0.001, "0.001"),
        Arguments.of(1e15, "1000000000000000.0"),
        Arguments.of(1e16, "1e+16"),
        Arguments.of(1e22, "1e+22"),
        Arguments.of(1234567890123456.0, "1234567890123456.0"),
        Arguments.of(9007199254740992.0, "9007199254740992.0"),
        Arguments.of(1.2345678901234567e+16, "1.2345678901234568e+16"),
        Arguments.of(123.456, "123.456"),
        Arguments.of(-2.5, "-2.5"),
        Arguments.of(0.0, "0.0"),
        Arguments.of(-0.0, "-0.0"),
        Arguments.of(Double.NaN, "nan"),
        Arguments.of(Double.POSITIVE_INFINITY, "inf"),
        Arguments.of(Double.NEGATIVE_INFINITY, "-inf"),
        Arguments.of(Double.MIN_VALUE, "5e-324"),
        Arguments.of(2 * Double.MIN_VALUE, "1e-323"),
        Arguments.of(Double.MIN_NORMAL, "2.2250738585072014e-308"),
        Arguments.of(Double.MAX_VALUE, "1.7976931348623157e+308"),
        // Java 17's Double.toString gives 6.3239798072436944E16 here: one digit more than needed.
        Arguments.of(6.323979807243694e16, "6.323979807243694e+16"),
        Arguments.of(1.2345678901234568e17, "1.2345678901234568e+17"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("pythonRepr")
  void formatsLikePythonRepr(double value, String expected) {
    assertEquals(expected, PythonFloats.format(value));
  }

  @Test
  void everyFiniteValueReadsBackExactly() {
    // Python's float() reads what Java's parseDouble reads; the text must name the same double.
    Random random = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (Double.isFinite(value)) {
        String text = PythonFloats.format(value);
        assertEquals(Double.doubleToLongBits(value), Double.doubleToLongBits(Double.parseDouble(text)), text);
      }
    }
  }

  @Test
  void digitsAreTheShortestAndClosestDecimalLikePython() {
    // Python's repr picks the shortest decimal that reads back, the closest one when several have
    // that length. Checked against an exact search over random bit patterns (every exponent) and
    // over values with few significant digits, as learning rates and losses often have.
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      double value = i % 2 == 0
          ? Double.longBitsToDouble(random.nextLong())
          : Math.round(random.nextDouble() * 1e6) / Math.pow(10, random.nextInt(12));
      if (Double.isFinite(value) && value != 0) {
        BigDecimal expected = PythonFloats.shortestByExactSearch(Math.abs(value));
        BigDecimal actual = new BigDecimal(PythonFloats.format(Math.abs(value)));
        assertEquals(expected.stripTrailingZeros(), actual.stripTrailingZeros(), () -> "for " + value);
      }
    }
  }

  @Test
  void switchesToExponentNotationWherePythonDoes() {
    // repr uses positional notation for exponents -4 <= e < 16.
    assertEquals("0.00012345", PythonFloats.format(0.00012345));
    assertEquals("1.2345e-05", PythonFloats.format(0.000012345));
    assertEquals("9999999999999998.0", PythonFloats.format(9999999999999998.0));
    assertEquals("1.0000000000000002e+16", PythonFloats.format(10000000000000002.0));
  }
}
