package org.cnnhls.ir.quant;

/**
 * The one rounding primitive of the numeric contract (design.md section 2), shared by every layer:
 * {@code t = acc * M}; if {@code s > 0}: {@code sat_W(t / 2^s rounded half to even)}, computed as
 * {@code (t + 2^(s-1) - 1 + ((t >> s) & 1)) >> s} (arithmetic shifts), else {@code sat_W(t << -s)}.
 * Half to even, not half up: a residual Add or a pooling sum whose output is one bit coarser than its
 * inputs makes half of its results exact ties, and rounding them all up biased every such layer by
 * +1/4 LSB (issue 19); ties to even have no mean error. HLS C++, SystemC and RTL match it bit for bit.
 */
public final class Requantize {
  private Requantize() {}

  /**
   * The domain of the C++ primitive (cnnhls_requant.h: REQ_PRODUCT_BITS, REQ_MIN_SHIFT, REQ_MAX_SHIFT;
   * templates' RequantizeTest compiles the header and checks these equal its values): int64
   * arithmetic there is exact only for |acc * M| < 2^PRODUCT_BITS and s in [MIN_SHIFT, MAX_SHIFT].
   * Java is exact everywhere; the quantizer keeps every layer inside, lowering refuses the rest.
   */
  public static final int PRODUCT_BITS = 62, MIN_SHIFT = -30, MAX_SHIFT = 61;

  /** True when every |acc| <= accBound times {@code multiplier} stays below 2^PRODUCT_BITS (accBound >= 0). */
  public static boolean productInBound(long accBound, int multiplier) {
    if (accBound < 0 || multiplier < 0) return false;
    long lo = accBound * multiplier; // the 128-bit product is (multiplyHigh, lo); below 2^62 iff hi == 0, 0 <= lo < 2^62
    return Math.multiplyHigh(accBound, multiplier) == 0 && lo >= 0 && lo < (1L << PRODUCT_BITS);
  }

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
      if (t <= Long.MAX_VALUE - half) return roundShift(t, shift);
    } else if (fits && shift <= 0 && shift > -63 && Math.abs(t) <= (Long.MAX_VALUE >> -shift)) {
      return t << -shift;
    } else if (fits && shift == 0) {
      return t;
    }
    return exact(acc, multiplier, shift);
  }

  /** t / 2^s rounded half to even, for 0 &lt; s &lt; 62 and t + 2^(s-1) inside int64. */
  public static long roundShift(long t, int s) {
    return (t + (1L << (s - 1)) - 1 + ((t >> s) & 1)) >> s;
  }

  private static long exact(long acc, int multiplier, int shift) {
    java.math.BigInteger t = java.math.BigInteger.valueOf(acc).multiply(java.math.BigInteger.valueOf(multiplier));
    java.math.BigInteger r = shift > 0
        ? t.add(java.math.BigInteger.ONE.shiftLeft(shift - 1)).subtract(java.math.BigInteger.ONE)
            .add(t.testBit(shift) ? java.math.BigInteger.ONE : java.math.BigInteger.ZERO).shiftRight(shift)
        : t.shiftLeft(-shift);
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
