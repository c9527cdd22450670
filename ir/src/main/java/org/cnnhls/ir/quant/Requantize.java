package org.cnnhls.ir.quant;

/**
 * The one rounding primitive of the numeric contract (design.md section 2), shared by every layer:
 * {@code t = acc * M}; if {@code s > 0}: {@code sat_W((t + 2^(s-1)) >> s)} (arithmetic shift, round
 * half up), else {@code sat_W(t << -s)}. HLS C++, SystemC and RTL must match it bit for bit.
 */
public final class Requantize {
  private Requantize() {}

  public static int apply(long acc, int multiplier, int shift, int width) {
    return saturate(scaled(acc, multiplier, shift), width);
  }

  /**
   * The unsaturated result, clamped into int64 (which saturates alike). The fast path is plain long
   * arithmetic; products or shifts that would leave int64 take an exact BigInteger path.
   */
  public static long scaled(long acc, int multiplier, int shift) {
    long hi = Math.multiplyHigh(acc, multiplier), t = acc * multiplier;
    boolean fits = (hi == 0 && t >= 0) || (hi == -1 && t < 0);
    if (fits && shift > 0 && shift < 62) {
      long half = 1L << (shift - 1);
      if (t <= Long.MAX_VALUE - half) return (t + half) >> shift;
    } else if (fits && shift <= 0 && shift > -63 && Math.abs(t) <= (Long.MAX_VALUE >> -shift)) {
      return t << -shift;
    } else if (fits && shift == 0) {
      return t;
    }
    return exact(acc, multiplier, shift);
  }

  private static long exact(long acc, int multiplier, int shift) {
    java.math.BigInteger t = java.math.BigInteger.valueOf(acc).multiply(java.math.BigInteger.valueOf(multiplier));
    java.math.BigInteger r = shift > 0 ? t.add(java.math.BigInteger.ONE.shiftLeft(shift - 1)).shiftRight(shift) : t.shiftLeft(-shift);
    if (r.bitLength() >= 64) return r.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    return r.longValue();
  }

  /** Clamp to [-2^(W-1), 2^(W-1) - 1]. */
  public static int saturate(long v, int width) {
    long max = (1L << (width - 1)) - 1, min = -(1L << (width - 1));
    return (int) (v > max ? max : v < min ? min : v);
  }

  /** True when {@link #apply} clamps (for saturation counts). */
  public static boolean saturates(long acc, int multiplier, int shift, int width) {
    long r = scaled(acc, multiplier, shift);
    return r > (1L << (width - 1)) - 1 || r < -(1L << (width - 1));
  }
}
