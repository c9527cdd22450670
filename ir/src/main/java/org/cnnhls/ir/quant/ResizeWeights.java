package org.cnnhls.ir.quant;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.cnnhls.ir.ops.Op;

/**
 * The fixed-point form of linear Resize along one axis, computed exactly by the compiler: for every
 * output index o the two source indices {@code i0 = clamp(floor(x))}, {@code i1 = clamp(floor(x) + 1)}
 * (clamped into [0, in - 1], ONNX's edge padding) and the weight of i1,
 * {@code lambda = round(2^WEIGHT_BITS * (x - floor(x)))} (half up), where x is the source
 * coordinate of o as an exact rational: the coordinate transform on the float scale's exact value
 * (align_corners on (in - 1) / (length - 1), the length as FloatKernels.sourceCoordinate takes it). i0 weighs {@code 2^WEIGHT_BITS - lambda}. No floating
 * point is involved, so Java, the descriptor tables and C++ agree by construction.
 */
public record ResizeWeights(int[] i0, int[] i1, int[] lambda) {
  /** Fraction bits of each axis's weights; bilinear sums carry 2 x WEIGHT_BITS. */
  public static final int WEIGHT_BITS = 8;
  public static final int ONE = 1 << WEIGHT_BITS;

  public static ResizeWeights of(Op.CoordinateMode mode, int in, int out, float scale) {
    int[] i0 = new int[out], i1 = new int[out], lambda = new int[out];
    BigDecimal s = new BigDecimal((double) scale);
    BigInteger sn = s.unscaledValue(), sd = BigInteger.ONE;
    if (s.scale() > 0) sd = BigInteger.TEN.pow(s.scale());
    else sn = sn.multiply(BigInteger.TEN.pow(-s.scale()));
    for (int o = 0; o < out; o++) {
      BigInteger num, den;
      BigInteger bo = BigInteger.valueOf(o);
      switch (mode) {
        case HALF_PIXEL, PYTORCH_HALF_PIXEL -> {
          if (mode == Op.CoordinateMode.PYTORCH_HALF_PIXEL && out == 1) {
            num = BigInteger.ZERO;
            den = BigInteger.ONE;
          } else { // (o + 1/2) sd / sn - 1/2
            num = bo.shiftLeft(1).add(BigInteger.ONE).multiply(sd).subtract(sn);
            den = sn.shiftLeft(1);
          }
        }
        case ALIGN_CORNERS -> { // o (in - 1) / (len - 1), len = out or scale x in (FloatKernels.sourceCoordinate)
          BigInteger lenNum = scale == (float) out / in ? BigInteger.valueOf(out).multiply(sd) : sn.multiply(BigInteger.valueOf(in));
          BigInteger d = lenNum.subtract(sd);
          num = d.signum() == 0 ? BigInteger.ZERO : bo.multiply(BigInteger.valueOf(in - 1L)).multiply(sd);
          den = d.signum() == 0 ? BigInteger.ONE : d;
        }
        case ASYMMETRIC -> {
          num = bo.multiply(sd);
          den = sn;
        }
        default -> throw new IllegalArgumentException("linear Resize has no " + mode + " transform");
      }
      if (den.signum() < 0) {
        num = num.negate();
        den = den.negate();
      }
      BigInteger[] qr = num.divideAndRemainder(den);
      BigInteger fl = qr[0], frac = qr[1];
      if (frac.signum() < 0) {
        fl = fl.subtract(BigInteger.ONE);
        frac = frac.add(den);
      }
      // round(ONE * frac / den) half up = floor((2 ONE frac + den) / (2 den))
      lambda[o] = frac.shiftLeft(WEIGHT_BITS + 1).add(den).divide(den.shiftLeft(1)).intValueExact();
      long f = fl.max(BigInteger.valueOf(-1)).min(BigInteger.valueOf(in)).longValueExact();
      i0[o] = (int) Math.max(0, Math.min(in - 1, f));
      i1[o] = (int) Math.max(0, Math.min(in - 1, f + 1));
    }
    return new ResizeWeights(i0, i1, lambda);
  }

  /** True when this axis maps every output to the same input index with weight 0 (a size-keeping identity). */
  public boolean identity() {
    for (int o = 0; o < i0.length; o++) if (i0[o] != o || lambda[o] != 0) return false;
    return true;
  }
}
