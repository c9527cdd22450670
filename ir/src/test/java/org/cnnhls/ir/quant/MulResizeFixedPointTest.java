package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the fixed-point Mul and bilinear Resize (issue 14) on seeded random data against
 * exact references on the real values (BigDecimal): Mul is the product rounded half to even into the
 * output format and saturated; bilinear Resize is the interpolation with the weights
 * ResizeWeights states, rounded once; and those weights are within half a weight LSB of the real
 * coordinate transform.
 */
class MulResizeFixedPointTest {
  private final Random random = new Random(14);

  private static BigDecimal real(long raw, int frac) {
    return new BigDecimal(raw).divide(new BigDecimal(BigInteger.TWO.pow(Math.max(frac, 0))))
        .multiply(new BigDecimal(BigInteger.TWO.pow(Math.max(-frac, 0))));
  }

  /** round half to even of v in format f, saturated. */
  private static long toRaw(BigDecimal v, FixedType f) {
    BigDecimal scaled = f.frac() >= 0 ? v.multiply(new BigDecimal(BigInteger.TWO.pow(f.frac())))
        : v.divide(new BigDecimal(BigInteger.TWO.pow(-f.frac())));
    long r = scaled.setScale(0, RoundingMode.HALF_EVEN).max(new BigDecimal(f.minRaw())).min(new BigDecimal(f.maxRaw())).longValueExact();
    return r;
  }

  private int[] raws(int n, FixedType f) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = (int) (f.minRaw() + (long) (random.nextDouble() * (f.maxRaw() - f.minRaw() + 1)));
    return v;
  }

  @Test
  void mulMatchesExactProductWithBroadcasting() {
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(2), c = 1 + random.nextInt(5), h = 1 + random.nextInt(4), w = 1 + random.nextInt(4);
      Shape ys = Shape.of(n, c, h, w);
      Shape bs = switch (trial % 4) {
        case 0 -> ys; // same shape
        case 1 -> Shape.of(1, c, 1, 1); // per channel (squeeze-excitation)
        case 2 -> Shape.of(1); // a scalar constant
        default -> Shape.of(c, 1, 1); // per channel, lower rank
      };
      int wa = 2 + random.nextInt(15), wb = 2 + random.nextInt(15), wo = 2 + random.nextInt(15);
      FixedType fa = new FixedType(wa, random.nextInt(wa + 4) - 2), fb = new FixedType(wb, random.nextInt(wb + 4) - 2);
      FixedType fo = new FixedType(wo, random.nextInt(wo + 8) - 4);
      boolean swap = trial % 3 == 0; // the broadcast operand first
      int[] a = raws(ys.size(), fa), b = raws(bs.size(), fb);
      AtomicLong sat = new AtomicLong();
      int[] y = swap ? IntKernels.mul(bs, b, fb, ys, a, fa, ys, fo, sat) : IntKernels.mul(ys, a, fa, bs, b, fb, ys, fo, sat);
      int[] st = bs.rank() == 4 ? bs.strides() : null;
      for (int i = 0; i < y.length; i++) {
        int ci = (i / (h * w)) % c;
        int j = bs.size() == 1 ? 0 : bs.size() == ys.size() ? i : ci;
        BigDecimal exact = real(a[i], fa.frac()).multiply(real(b[j], fb.frac()));
        assertEquals(toRaw(exact, fo), y[i], "trial " + trial + " element " + i);
      }
      assertTrue(st == null || st.length == 4);
    }
  }

  @Test
  void weightsAreTheRoundedExactCoordinate() {
    Op.CoordinateMode[] modes = {Op.CoordinateMode.HALF_PIXEL, Op.CoordinateMode.PYTORCH_HALF_PIXEL,
        Op.CoordinateMode.ALIGN_CORNERS, Op.CoordinateMode.ASYMMETRIC};
    for (int trial = 0; trial < 2000; trial++) {
      int in = 1 + random.nextInt(20);
      float scale = trial % 2 == 0 ? 1 + random.nextInt(4) : (float) (0.25 + 3 * random.nextDouble());
      int out = Math.max(1, (int) Math.floor(in * (double) scale));
      Op.CoordinateMode mode = modes[trial % modes.length];
      ResizeWeights rw = ResizeWeights.of(mode, in, out, scale);
      double len = scale == (float) out / in ? out : (double) scale * in;
      for (int o = 0; o < out; o++) {
        // the coordinate in BigDecimal at 50 digits, independent of the rational code
        MathContext mc = new MathContext(50);
        BigDecimal s = new BigDecimal((double) scale), half = new BigDecimal("0.5");
        BigDecimal x = switch (mode) {
          case HALF_PIXEL -> new BigDecimal(o).add(half).divide(s, mc).subtract(half);
          case PYTORCH_HALF_PIXEL -> out > 1 ? new BigDecimal(o).add(half).divide(s, mc).subtract(half) : BigDecimal.ZERO;
          case ALIGN_CORNERS -> {
            BigDecimal l = scale == (float) out / in ? new BigDecimal(out) : s.multiply(new BigDecimal(in));
            yield l.compareTo(BigDecimal.ONE) == 0 ? BigDecimal.ZERO
                : new BigDecimal(o).multiply(new BigDecimal(in - 1)).divide(l.subtract(BigDecimal.ONE), mc);
          }
          default -> new BigDecimal(o).divide(s, mc);
        };
        BigDecimal fl = x.setScale(0, RoundingMode.FLOOR);
        int lam = x.subtract(fl).multiply(new BigDecimal(256)).setScale(0, RoundingMode.HALF_UP).intValueExact();
        long f = fl.longValue();
        assertEquals(Math.max(0, Math.min(in - 1, f)), rw.i0()[o], mode + " in " + in + " out " + out + " o " + o);
        assertEquals(Math.max(0, Math.min(in - 1, f + 1)), rw.i1()[o]);
        assertEquals(lam, rw.lambda()[o], mode + " in " + in + " scale " + scale + " o " + o + " len " + len);
      }
    }
  }

  @Test
  void bilinearIsTheExactWeightedSumRoundedOnce() {
    Op.CoordinateMode[] modes = {Op.CoordinateMode.HALF_PIXEL, Op.CoordinateMode.ALIGN_CORNERS,
        Op.CoordinateMode.ASYMMETRIC, Op.CoordinateMode.PYTORCH_HALF_PIXEL};
    for (int trial = 0; trial < 200; trial++) {
      int c = 1 + random.nextInt(3), h = 1 + random.nextInt(6), w = 1 + random.nextInt(6);
      float sy = trial % 2 == 0 ? 2f : (float) (0.5 + 2 * random.nextDouble()), sx = trial % 2 == 0 ? 2f : (float) (0.5 + 2 * random.nextDouble());
      int oh = Math.max(1, (int) Math.floor(h * (double) sy)), ow = Math.max(1, (int) Math.floor(w * (double) sx));
      Op.CoordinateMode mode = modes[trial % modes.length];
      ResizeWeights wy = ResizeWeights.of(mode, h, oh, sy), wx = ResizeWeights.of(mode, w, ow, sx);
      int width = trial % 3 == 0 ? 8 : 16;
      FixedType f = new FixedType(width, random.nextInt(width));
      Shape xs = Shape.of(1, c, h, w), ys = Shape.of(1, c, oh, ow);
      int[] x = raws(xs.size(), f);
      int[] y = IntKernels.resizeBilinear(wy, wx, xs, x, ys, width);
      for (int p = 0; p < c; p++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            BigDecimal ly = BigDecimal.valueOf(wy.lambda()[oy]).divide(BigDecimal.valueOf(256));
            BigDecimal lx = BigDecimal.valueOf(wx.lambda()[ox]).divide(BigDecimal.valueOf(256));
            BigDecimal x00 = BigDecimal.valueOf(x[(p * h + wy.i0()[oy]) * w + wx.i0()[ox]]);
            BigDecimal x01 = BigDecimal.valueOf(x[(p * h + wy.i0()[oy]) * w + wx.i1()[ox]]);
            BigDecimal x10 = BigDecimal.valueOf(x[(p * h + wy.i1()[oy]) * w + wx.i0()[ox]]);
            BigDecimal x11 = BigDecimal.valueOf(x[(p * h + wy.i1()[oy]) * w + wx.i1()[ox]]);
            BigDecimal top = BigDecimal.ONE.subtract(lx).multiply(x00).add(lx.multiply(x01));
            BigDecimal bot = BigDecimal.ONE.subtract(lx).multiply(x10).add(lx.multiply(x11));
            BigDecimal v = BigDecimal.ONE.subtract(ly).multiply(top).add(ly.multiply(bot));
            long expect = v.setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            assertEquals(expect, y[(p * oh + oy) * ow + ox], "trial " + trial);
          }
        }
      }
    }
  }
}
