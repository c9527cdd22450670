package org.cnnhls.ir.ops;

/**
 * The error function in double, accurate to about 1e-13 absolute everywhere (Java has none). Two
 * classical expansions (Abramowitz and Stegun 7.1.5 and 7.1.14): below |x| = 3 the Maclaurin series
 * erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), summed until the terms vanish (its
 * largest term at |x| = 3 is ~170, so cancellation costs under 3 of double's 16 digits); from 3 up
 * the continued fraction erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
 * evaluated backwards from depth 60 (converged to double precision for x >= 3). Uses StrictMath so
 * every platform computes the same bits (the fixed-point activation tables are built from it).
 */
public final class ErrorFunction {
  private ErrorFunction() {}

  private static final double TWO_OVER_SQRT_PI = 2.0 / StrictMath.sqrt(Math.PI);

  public static double erf(double x) {
    if (Double.isNaN(x)) return x;
    double a = Math.abs(x);
    double r;
    if (a < 3.0) {
      double x2 = a * a, term = a, sum = a;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double t = term / (2 * n + 1);
        sum += t;
        if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
      }
      r = TWO_OVER_SQRT_PI * sum;
    } else if (a < 30.0) {
      double t = a;
      for (int n = 60; n >= 1; n--) t = a + (n * 0.5) / t;
      r = 1.0 - StrictMath.exp(-a * a) / StrictMath.sqrt(Math.PI) / t;
    } else {
      r = 1.0;
    }
    return x < 0 ? -r : r;
  }
}
