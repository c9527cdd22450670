package org.cnnhls.ir.quant;

import org.cnnhls.ir.ModelException;

/**
 * A signed fixed-point format (W, F): raw integers of W bits, real value = raw * 2^-F. F may exceed
 * W (small values) or be negative (large values). Emitters print it as ap_fixed&lt;W, W-F&gt; or
 * sc_fixed; the IR keeps only these two numbers.
 */
public record FixedType(int width, int frac) {
  public static final int MIN_WIDTH = 2, MAX_WIDTH = 32;

  public FixedType {
    if (width < MIN_WIDTH || width > MAX_WIDTH) {
      throw new ModelException("fixed-point width " + width + " is impossible; use " + MIN_WIDTH + " to " + MAX_WIDTH + " bits");
    }
  }

  /** Integer bits including the sign (ap_fixed's I). */
  public int intBits() {
    return width - frac;
  }

  public long maxRaw() {
    return (1L << (width - 1)) - 1;
  }

  public long minRaw() {
    return -(1L << (width - 1));
  }

  public double scale() {
    return Math.scalb(1.0, -frac);
  }

  public double maxReal() {
    return maxRaw() * scale();
  }

  /**
   * The format with the most fraction bits whose range still holds {@code maxAbs}: the largest F
   * with (2^(W-1) - 1) * 2^-F &gt;= maxAbs, kept in [W-62, 62-W] (beyond these the raw range or the
   * int64 requantize arithmetic would not hold the value). Zero (or a negative) gives F = W-1.
   * Closed form from the exponent of {@code maxAbs}: constant time for any double, denormals
   * included. NaN and infinity have no format and are refused.
   */
  public static FixedType forRange(int width, double maxAbs) {
    if (Double.isNaN(maxAbs) || Double.isInfinite(maxAbs)) {
      throw new ModelException("value range " + maxAbs + " has no fixed-point format (a range must be finite)");
    }
    if (!(maxAbs > 0)) return new FixedType(width, width - 1);
    if (width < MIN_WIDTH || width > MAX_WIDTH) return new FixedType(width, 0); // the constructor refuses it
    long maxRaw = (1L << (width - 1)) - 1;
    int lo = width - 62, hi = 62 - width;
    // maxAbs = m 2^e, m in [1, 2); log2(maxRaw) in [W-2, W-1): the largest F is W-2-e or W-3-e
    // (getExponent is -1023 for denormals, whose true F is larger still: clamped to hi below)
    long e = Math.getExponent(maxAbs);
    long c = width - 2 - e;
    if (c > hi) return new FixedType(width, hi); // then F >= c - 1 >= hi
    if (c < lo) return new FixedType(width, lo); // then F <= c < lo
    int f = (int) c;
    // within [-60, 60] the product is exact (maxRaw < 2^31, a power-of-two scale)
    if (maxRaw * Math.scalb(1.0, -f) < maxAbs) f--;
    return new FixedType(width, Math.max(lo, f));
  }

  /** Round half to even, then saturate: how weights and inputs enter fixed point. */
  public int quantize(double real) {
    double r = Math.rint(real * Math.scalb(1.0, frac));
    if (Double.isNaN(r)) return 0;
    return (int) Math.max(minRaw(), Math.min(maxRaw(), r));
  }

  public boolean saturates(double real) {
    double r = Math.rint(real * Math.scalb(1.0, frac));
    return r > maxRaw() || r < minRaw();
  }

  public double toReal(long raw) {
    return raw * scale();
  }

  /** Printed as {@code fixed<16,14>} (W, F). */
  @Override
  public String toString() {
    return "fixed<" + width + "," + frac + ">";
  }
}
