package org.cnnhls.ir.quant;

import org.cnnhls.ir.ops.Op;

/**
 * A fused or standalone activation on requantized raw values: clamp to [lo, hi] (ReLU, ReLU6,
 * Clip, bounds quantized in the output format), and for LeakyReLU negatives requantized by
 * (leakMultiplier, leakShift) ~ alpha; or, for the nonlinear activations (standalone only), an
 * interpolated {@link ActTable} ({@code table} non-null, lo/hi the output's whole range).
 */
public record ActivationQuant(int lo, int hi, boolean leaky, int leakMultiplier, int leakShift, int width, ActTable table) {

  public ActivationQuant(int lo, int hi, boolean leaky, int leakMultiplier, int leakShift, int width) {
    this(lo, hi, leaky, leakMultiplier, leakShift, width, null);
  }

  /** Any activation with a fixed-point form; table activations read raw values of format {@code in}. */
  public static ActivationQuant of(Op.Activation a, FixedType in, FixedType out) {
    if (!hasTable(a)) return of(a, out);
    return new ActivationQuant((int) out.minRaw(), (int) out.maxRaw(), false, 1, 0, out.width(), ActTable.of(a, in, out));
  }

  /** Fraction bits of the LeakyReLU slope multiplier. */
  static final int LEAK_SHIFT = 15;

  public static ActivationQuant of(Op.Activation a, FixedType out) {
    int min = (int) out.minRaw(), max = (int) out.maxRaw();
    if (a == null) return new ActivationQuant(min, max, false, 1, 0, out.width());
    if (a instanceof Op.Relu) return new ActivationQuant(0, max, false, 1, 0, out.width());
    if (a instanceof Op.Relu6) return new ActivationQuant(0, out.quantize(6.0), false, 1, 0, out.width());
    if (a instanceof Op.Clip c) {
      int lo = Float.isInfinite(c.min()) ? min : out.quantize(c.min());
      int hi = Float.isInfinite(c.max()) ? max : out.quantize(c.max());
      return new ActivationQuant(lo, hi, false, 1, 0, out.width());
    }
    if (a instanceof Op.LeakyRelu l) {
      int m = (int) Math.round(l.alpha() * (1 << LEAK_SHIFT));
      return new ActivationQuant(min, max, true, m, LEAK_SHIFT, out.width());
    }
    throw new IllegalArgumentException(a.type() + " has no fixed-point form" + (hasTable(a) ? " without its input format" : ""));
  }

  public int apply(int v) {
    if (table != null) return table.apply(v);
    if (leaky && v < 0) v = Requantize.apply(v, leakMultiplier, leakShift, width);
    return v < lo ? lo : v > hi ? hi : v;
  }

  /** A nonlinear activation computed by an interpolated table (standalone nodes only). */
  public static boolean hasTable(Op.Activation a) {
    return a != null && ActTable.kindOf(a) != null;
  }

  /** The clamp and leaky activations: the ones the engines fuse at their outputs. */
  public static boolean isSupported(Op.Activation a) {
    return a == null || a instanceof Op.Relu || a instanceof Op.Relu6 || a instanceof Op.Clip || a instanceof Op.LeakyRelu;
  }
}
