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

  /** The format with the most fraction bits whose range still holds {@code maxAbs}. */
  public static FixedType forRange(int width, double maxAbs) {
    if (!(maxAbs > 0) || Double.isInfinite(maxAbs)) return new FixedType(width, width - 1);
    long maxRaw = (1L << (width - 1)) - 1;
    int frac = (int) Math.floor(Math.log(maxRaw / maxAbs) / Math.log(2));
    // guard against log rounding at exact powers of two
    while (maxRaw * Math.scalb(1.0, -frac) < maxAbs) frac--;
    while (maxRaw * Math.scalb(1.0, -(frac + 1)) >= maxAbs) frac++;
    // beyond these the raw range or the int64 requantize arithmetic would not hold the value
    return new FixedType(width, Math.max(width - 62, Math.min(frac, 62 - width)));
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
