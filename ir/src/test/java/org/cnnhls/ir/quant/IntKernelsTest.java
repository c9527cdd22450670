package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/**
 * The fast conv and FC paths (exact in double, vector or scalar kernels; int64) against a plain
 * int64 reference written here, on seeded random data: outputs and saturation counts must be equal.
 */
class IntKernelsTest {
  private final Random random = new Random(77);

  /** The kernels under test: whatever {@link DoubleKernels#get()} picks, the scalar ones, and none (int64). */
  private static List<DoubleKernels> kernels() {
    List<DoubleKernels> ks = new ArrayList<>();
    ks.add(DoubleKernels.get());
    if (DoubleKernels.get() != ScalarKernels.INSTANCE) ks.add(ScalarKernels.INSTANCE);
    ks.add(null);
    return ks;
  }

  @Test
  void vectorKernelsAreUsedWhenTheModuleIsPresent() {
    // the test JVM gets --add-modules jdk.incubator.vector (root pom), so the fast path is what runs here
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !Boolean.getBoolean("cnnhls.scalarKernels")) {
      assertEquals("VectorKernels", DoubleKernels.get().getClass().getSimpleName());
    } else {
      assertSame(ScalarKernels.INSTANCE, DoubleKernels.get());
    }
  }

  private record Case(int n, int c, int h, int w, int m, int group, int kh, int kw, int sh, int sw, int[] pads, int dh, int dw,
      int inWidth, int wWidth) {}

  @Test
  void convPathsMatchPlainInt64ReferenceOnManyGeometries() {
    List<Case> cases = new ArrayList<>(List.of(
        new Case(1, 3, 9, 13, 7, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 16, 16), // ow 13: no vector multiple
        new Case(2, 5, 11, 10, 13, 1, 3, 3, 2, 2, new int[] {1, 1, 1, 1}, 1, 1, 16, 16), // stride 2, batch 2
        new Case(1, 4, 12, 17, 6, 1, 3, 3, 1, 1, new int[] {2, 2, 2, 2}, 2, 2, 16, 16), // dilation 2
        new Case(1, 6, 10, 10, 9, 3, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 16, 16), // groups 3
        new Case(1, 8, 9, 9, 8, 8, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 16, 16), // depthwise
        new Case(1, 8, 15, 15, 16, 8, 3, 3, 2, 2, new int[] {1, 1, 1, 1}, 1, 1, 16, 16), // depthwise x2, stride 2
        new Case(1, 3, 23, 21, 5, 1, 7, 7, 2, 2, new int[] {3, 3, 3, 3}, 1, 1, 16, 16), // ResNet stem-like
        new Case(1, 7, 8, 8, 11, 1, 1, 1, 2, 2, new int[] {0, 0, 0, 0}, 1, 1, 16, 16), // 1x1 stride 2
        new Case(1, 4, 10, 12, 5, 1, 2, 3, 3, 1, new int[] {0, 2, 1, 0}, 2, 1, 16, 16), // asymmetric everything
        new Case(1, 3, 6, 40, 4, 1, 3, 3, 1, 1, new int[] {0, 0, 0, 0}, 1, 1, 8, 8), // no padding, 8-bit
        new Case(1, 9, 7, 7, 14, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 20, 20), // exact in double, near 2^52
        new Case(1, 227, 4, 5, 7, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 20, 20), // K = 2043: the bound is exactly 52 bits
        new Case(1, 5, 9, 11, 7, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 24, 20), // not exact in double: int64
        new Case(2, 6, 8, 9, 6, 2, 3, 3, 2, 1, new int[] {1, 0, 1, 2}, 1, 2, 24, 24), // int64, grouped, strided
        // Winograd: odd and even sizes, pads 0..2 (asymmetric), groups, the bound exactly met and just missed
        new Case(1, 8, 9, 13, 7, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 16, 16),
        new Case(2, 12, 14, 14, 13, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 16, 16),
        new Case(1, 16, 7, 7, 16, 2, 3, 3, 1, 1, new int[] {0, 2, 1, 0}, 1, 1, 16, 16),
        new Case(1, 9, 20, 5, 40, 1, 3, 3, 1, 1, new int[] {0, 0, 0, 0}, 1, 1, 16, 12),
        new Case(1, 63, 6, 9, 8, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 20, 20), // 20 + 20 + 6 = 46: Winograd
        new Case(1, 64, 6, 9, 8, 1, 3, 3, 1, 1, new int[] {1, 1, 1, 1}, 1, 1, 20, 20), // 47: direct
        // strides of 2^30 (legal, output 1x1): the double path's phase buffer would pass 2^31 elements
        new Case(1, 3, 8, 8, 4, 1, 3, 3, 1 << 30, 1 << 30, new int[] {0, 0, 0, 0}, 1, 1, 16, 16)));
    for (int i = 0; i < 25; i++) {
      int k = 1 + 2 * random.nextInt(3), s = 1 + random.nextInt(3), d = 1 + random.nextInt(2), span = (k - 1) * d + 1;
      int group = random.nextBoolean() ? 1 : 2;
      int c = group * (1 + random.nextInt(4)), m = group * (1 + random.nextInt(9));
      int p = random.nextInt(k);
      cases.add(new Case(1 + random.nextInt(2), c, span + random.nextInt(20), span + random.nextInt(40), m, group, k, k, s, s,
          new int[] {p, p, random.nextInt(k), random.nextInt(k)}, d, d, 16, 8 + random.nextInt(9)));
    }
    for (Case t : cases) {
      for (boolean extreme : new boolean[] {false, true}) checkConv(t, extreme);
    }
    for (IntKernels.ConvPath path : IntKernels.ConvPath.values()) assertTrue(paths.contains(path), "no case took " + path);
  }

  private final java.util.Set<IntKernels.ConvPath> paths = java.util.EnumSet.noneOf(IntKernels.ConvPath.class);

  private void checkConv(Case t, boolean extreme) {
    Op.Conv op = new Op.Conv(new int[] {t.kh, t.kw}, new int[] {t.sh, t.sw}, t.pads, new int[] {t.dh, t.dw}, t.group);
    Shape xs = Shape.of(t.n, t.c, t.h, t.w), ws = Shape.of(t.m, t.c / t.group, t.kh, t.kw);
    Shape ys = op.inferShapes(List.of(xs, ws)).get(0);
    FixedType fin = new FixedType(t.inWidth, t.inWidth - 3), fw = new FixedType(t.wWidth, t.wWidth - 1), fout = new FixedType(16, 7);
    // extreme: every operand at -2^(W-1), the largest partial sums the format allows
    int[] x = extreme ? filled(xs.size(), (int) fin.minRaw()) : randomRaw(xs.size(), fin);
    int[] w = extreme ? filled(ws.size(), (int) fw.minRaw()) : randomRaw(ws.size(), fw);
    long[] bias = new long[t.m];
    int[] mult = new int[t.m], shift = new int[t.m];
    for (int o = 0; o < t.m; o++) {
      bias[o] = random.nextLong() >> 34;
      mult[o] = 1 + random.nextInt(1 << 12);
      shift[o] = fin.frac() + fw.frac() - fout.frac() + 12 - random.nextInt(3);
    }
    LinearQuant lq = new LinearQuant(fw, w, bias, mult, shift, new double[t.m], 48, 1.0);
    ActivationQuant act = ActivationQuant.of(random.nextBoolean() ? new Op.Relu() : new Op.LeakyRelu(0.1f), fout);

    int cg = t.c / t.group, mg = t.m / t.group, oh = ys.dim(2), ow = ys.dim(3);
    int[] expected = new int[ys.size()];
    long expectedSat = 0;
    for (int b = 0; b < t.n; b++) {
      for (int oc = 0; oc < t.m; oc++) {
        int g = oc / mg;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            long acc = bias[oc];
            for (int icl = 0; icl < cg; icl++) {
              for (int ky = 0; ky < t.kh; ky++) {
                for (int kx = 0; kx < t.kw; kx++) {
                  int iy = oy * t.sh - t.pads[0] + ky * t.dh, ix = ox * t.sw - t.pads[1] + kx * t.dw;
                  if (iy < 0 || iy >= t.h || ix < 0 || ix >= t.w) continue;
                  acc += (long) w[((oc * cg + icl) * t.kh + ky) * t.kw + kx] * x[((b * t.c + g * cg + icl) * t.h + iy) * t.w + ix];
                }
              }
            }
            if (Requantize.saturates(acc, mult[oc], shift[oc], 16)) expectedSat++;
            expected[((b * t.m + oc) * oh + oy) * ow + ox] = act.apply(Requantize.apply(acc, mult[oc], shift[oc], 16));
          }
        }
      }
    }
    for (DoubleKernels k : kernels()) {
      AtomicLong sat = new AtomicLong();
      int[] y = IntKernels.conv(op, xs, x, t.inWidth, ws, lq, act, 16, ys, sat, k);
      IntKernels.ConvPath path = IntKernels.convPath(op, ws, t.inWidth, lq, k);
      paths.add(path);
      String what = t + " pads=" + java.util.Arrays.toString(t.pads) + " extreme=" + extreme + " " + path + " kernels=" + (k == null ? "int64" : k.getClass().getSimpleName());
      assertArrayEquals(expected, y, what);
      assertEquals(expectedSat, sat.get(), what);
    }
  }

  @Test
  void gemmPathsMatchPlainInt64Reference() {
    for (int trial = 0; trial < 40; trial++) {
      boolean transB = trial % 2 == 0, wide = trial % 5 == 4, extreme = trial % 7 == 6;
      int rows = 1 + random.nextInt(3), k = 1 + random.nextInt(trial < 20 ? 40 : 700), n = 1 + random.nextInt(trial < 20 ? 12 : 150);
      FixedType fin = new FixedType(wide ? 28 : 16, 10), fw = new FixedType(wide ? 28 : 16, 14), fout = new FixedType(16, 8);
      int[] x = extreme ? filled(rows * k, (int) fin.minRaw()) : randomRaw(rows * k, fin);
      int[] w = extreme ? filled(k * n, (int) fw.minRaw()) : randomRaw(k * n, fw);
      long[] bias = new long[n];
      int[] mult = new int[n], shift = new int[n];
      for (int j = 0; j < n; j++) {
        bias[j] = random.nextLong() >> 30;
        mult[j] = 1 + random.nextInt(1 << 10);
        shift[j] = fin.frac() + fw.frac() - fout.frac() + 10;
      }
      LinearQuant lq = new LinearQuant(fw, w, bias, mult, shift, new double[n], 60, 1.0);
      ActivationQuant act = ActivationQuant.of(trial % 3 == 0 ? new Op.Relu() : null, fout);
      int[] expected = new int[rows * n];
      long expectedSat = 0;
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < n; j++) {
          long acc = bias[j];
          for (int p = 0; p < k; p++) acc += (long) x[i * k + p] * (transB ? w[j * k + p] : w[p * n + j]);
          if (Requantize.saturates(acc, mult[j], shift[j], 16)) expectedSat++;
          expected[i * n + j] = act.apply(Requantize.apply(acc, mult[j], shift[j], 16));
        }
      }
      Shape xs = Shape.of(rows, k), ys = Shape.of(rows, n);
      for (DoubleKernels kern : kernels()) {
        AtomicLong sat = new AtomicLong();
        int[] y = IntKernels.gemm(transB, xs, x, lq, act, 16, ys, sat, kern);
        String what = "trial " + trial + " rows=" + rows + " k=" + k + " n=" + n + " transB=" + transB + " wide=" + wide
            + " kernels=" + (kern == null ? "int64" : kern.getClass().getSimpleName());
        assertArrayEquals(expected, y, what);
        assertEquals(expectedSat, sat.get(), what);
      }
    }
  }

  @Test
  void maxPoolMatchesPlainReference() {
    int[][] geometries = { // k, s, pad, dilation, h, w
        {2, 2, 0, 1, 8, 8}, {2, 2, 0, 1, 7, 9}, {2, 1, 0, 1, 5, 6}, {3, 2, 1, 1, 9, 8}, {2, 2, 1, 1, 6, 7}, {3, 1, 0, 2, 9, 9}};
    for (int[] t : geometries) {
      int[] k = {t[0], t[0]}, st = {t[1], t[1]}, pad = {t[2], t[2], t[2], t[2]}, dil = {t[3], t[3]};
      Shape xs = Shape.of(2, 3, t[4], t[5]);
      int oh = (t[4] + 2 * t[2] - (t[0] - 1) * t[3] - 1) / t[1] + 1, ow = (t[5] + 2 * t[2] - (t[0] - 1) * t[3] - 1) / t[1] + 1;
      Shape ys = Shape.of(2, 3, oh, ow);
      int[] x = randomRaw(xs.size(), new FixedType(16, 8));
      int[] expected = new int[ys.size()];
      for (int plane = 0; plane < 6; plane++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int best = Integer.MIN_VALUE;
            for (int ky = 0; ky < k[0]; ky++) {
              for (int kx = 0; kx < k[1]; kx++) {
                int iy = oy * st[0] - pad[0] + ky * dil[0], ix = ox * st[1] - pad[1] + kx * dil[1];
                if (iy >= 0 && iy < t[4] && ix >= 0 && ix < t[5]) best = Math.max(best, x[(plane * t[4] + iy) * t[5] + ix]);
              }
            }
            expected[(plane * oh + oy) * ow + ox] = best;
          }
        }
      }
      assertArrayEquals(expected, IntKernels.maxPool(k, st, pad, dil, xs, x, ys), java.util.Arrays.toString(t));
    }
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private int[] randomRaw(int n, FixedType f) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = (int) (f.minRaw() + (long) (random.nextDouble() * (f.maxRaw() - f.minRaw() + 1)));
    return v;
  }

  /** Reduce (issue 14): max/min of raw values; sum and mean through the one requantize, ties to even. */
  @org.junit.jupiter.api.Test
  void reduceSumMeanMaxMinFollowTheContract() {
    org.cnnhls.ir.Shape xs = org.cnnhls.ir.Shape.of(1, 2, 3);
    int[] x = {1, 2, 0, -3, 1, 0}; // [[1, 2, 0], [-3, 1, 0]] raw, F = 1
    FixedType fin = new FixedType(8, 1), fout = new FixedType(8, 0);
    AtomicLong sat = new AtomicLong();
    org.cnnhls.ir.ops.Op.Reduce sumC = new org.cnnhls.ir.ops.Op.Reduce(org.cnnhls.ir.ops.Op.ReduceKind.SUM, new int[] {1}, false);
    // column sums -2, 3, 0 at F = 1: -1, 1.5 -> 2 (even), 0
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {-1, 2, 0},
        IntKernels.reduce(sumC, xs, x, org.cnnhls.ir.Shape.of(1, 3), fin, fout, sat));
    org.cnnhls.ir.ops.Op.Reduce sumW = new org.cnnhls.ir.ops.Op.Reduce(org.cnnhls.ir.ops.Op.ReduceKind.SUM, new int[] {2}, true);
    // row sums 3 (1.5 -> 2), -2 (-1)
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, -1},
        IntKernels.reduce(sumW, xs, x, org.cnnhls.ir.Shape.of(1, 2, 1), fin, fout, sat));
    org.cnnhls.ir.ops.Op.Reduce mean = new org.cnnhls.ir.ops.Op.Reduce(org.cnnhls.ir.ops.Op.ReduceKind.MEAN, new int[] {1}, false);
    // column means -0.5 (-> 0, even), 0.75 (-> 1), 0 in F = 0
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 0},
        IntKernels.reduce(mean, xs, x, org.cnnhls.ir.Shape.of(1, 3), fin, fout, sat));
    org.cnnhls.ir.ops.Op.Reduce max = new org.cnnhls.ir.ops.Op.Reduce(org.cnnhls.ir.ops.Op.ReduceKind.MAX, new int[] {0, 2}, false);
    org.cnnhls.ir.ops.Op.Reduce min = new org.cnnhls.ir.ops.Op.Reduce(org.cnnhls.ir.ops.Op.ReduceKind.MIN, new int[] {0, 2}, false);
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 1},
        IntKernels.reduce(max, xs, x, org.cnnhls.ir.Shape.of(2), fin, fin, sat));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, -3},
        IntKernels.reduce(min, xs, x, org.cnnhls.ir.Shape.of(2), fin, fin, sat));
    org.junit.jupiter.api.Assertions.assertEquals(0, sat.get());
  }
}
