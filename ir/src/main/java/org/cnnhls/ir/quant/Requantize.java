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

  /** The unsaturated result; a left shift that would leave int64 is clamped, which saturates alike. */
  public static long scaled(long acc, int multiplier, int shift) {
    long t = Math.multiplyExact(acc, (long) multiplier);
    if (shift > 0) return (t + (1L << (shift - 1))) >> shift;
    int left = -shift;
    if (left >= 63 || Math.abs(t) > (Long.MAX_VALUE >> left)) return t > 0 ? Long.MAX_VALUE : t < 0 ? Long.MIN_VALUE : 0;
    return t << left;
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
