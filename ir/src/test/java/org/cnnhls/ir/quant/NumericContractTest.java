package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the numeric contract (design.md section 2) on seeded random data. Each kernel is
 * compared with an independent exact reference written with BigInteger/BigDecimal arithmetic on the
 * real values, so a shortcut in the integer code (a wrong rounding, a lost bit) shows.
 */
class NumericContractTest {
  private final Random random = new Random(2024);

  /** sat_W(acc * M / 2^s rounded half to even), computed exactly on rationals. */
  static long reference(long acc, int m, int s, int width) {
    BigDecimal t = new BigDecimal(BigInteger.valueOf(acc).multiply(BigInteger.valueOf(m)));
    BigDecimal scaled = s >= 0 ? t.divide(new BigDecimal(BigInteger.TWO.pow(s))) : t.multiply(new BigDecimal(BigInteger.TWO.pow(-s)));
    BigInteger r = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    BigInteger max = BigInteger.TWO.pow(width - 1).subtract(BigInteger.ONE), min = BigInteger.TWO.pow(width - 1).negate();
    return r.max(min).min(max).longValueExact();
  }

  @Test
  void requantizeMatchesExactReferenceOnRandomData() {
    for (int i = 0; i < 200_000; i++) {
      int width = 2 + random.nextInt(31);
      long acc = random.nextLong() >> random.nextInt(60);
      int m = 1 + random.nextInt(1 << (1 + random.nextInt(15)));
      int s = random.nextInt(80) - 10;
      assertEquals(reference(acc, m, s, width), Requantize.apply(acc, m, s, width),
          "acc=" + acc + " M=" + m + " s=" + s + " W=" + width);
    }
  }

  @Test
  void exactHalvesRoundToEvenForBothSigns() {
    // 2^(s-1) exactly halfway: to the even neighbour, so ties carry no mean error
    assertEquals(0, Requantize.apply(1, 1, 1, 16)); // 0.5 -> 0
    assertEquals(0, Requantize.apply(-1, 1, 1, 16)); // -0.5 -> 0
    assertEquals(2, Requantize.apply(3, 1, 1, 16)); // 1.5 -> 2
    assertEquals(-2, Requantize.apply(-3, 1, 1, 16)); // -1.5 -> -2
    assertEquals(-2, Requantize.apply(-5, 1, 1, 16)); // -2.5 -> -2
    assertEquals(3, Requantize.apply(11, 1, 2, 16)); // 2.75 -> 3: not a tie
    long sum = 0;
    for (int s = 1; s < 30; s++) {
      long half = 1L << (s - 1);
      long k = random.nextInt(1000) - 500;
      long even = (k & 1) == 0 ? k : k + 1;
      assertEquals(even, Requantize.apply((k << s) + half, 1, s, 32), "s=" + s);
      assertEquals(k + 1, Requantize.apply((k << s) + half + 1, 1, s, 32), "just above the tie, s=" + s);
    }
    // the mean rounding error of all ties over a full period is zero (half up gave +1/2 per tie)
    for (long t = -64; t < 64; t += 2) sum += Requantize.apply(t + 1, 1, 1, 16) * 2 - (t + 1);
    assertEquals(0, sum);
    // the int64 edge goes through the exact path and rounds the same way
    assertEquals(Requantize.apply(3, 1, 1, 16), Requantize.apply(3L << 40, 1, 41, 16));
    assertEquals(1L << 19, Requantize.scaled(Long.MAX_VALUE - 5, 1, 44));
  }

  @Test
  void saturatesAtBothEnds() {
    assertEquals(32767, Requantize.apply(1L << 40, 1, 0, 16));
    assertEquals(-32768, Requantize.apply(-(1L << 40), 1, 0, 16));
    assertEquals(127, Requantize.apply(255, 1, 1, 8)); // 127.5 -> 128 -> 127
    assertEquals(-128, Requantize.apply(-257, 1, 1, 8)); // -128.5 -> -128
    assertEquals(-2, Requantize.apply(-100, 1, 0, 2));
    assertEquals(1, Requantize.apply(100, 1, 0, 2));
    assertTrue(Requantize.saturates(1L << 40, 1, 0, 16));
  }

  @Test
  void nonPositiveShiftIsAnExactLeftShift() {
    assertEquals(40, Requantize.apply(5, 1, -3, 16));
    assertEquals(-40, Requantize.apply(-5, 1, -3, 16));
    assertEquals(15, Requantize.apply(5, 3, 0, 16));
    assertEquals(32767, Requantize.apply(5, 1, -62, 16)); // would leave int64: saturates
    assertEquals(-32768, Requantize.apply(-5, 3, -63, 16));
  }

  @Test
  void weightsRoundHalfToEven() {
    FixedType q = new FixedType(8, 1);
    assertEquals(0, q.quantize(0.25)); // 0.5 raw -> 0
    assertEquals(2, q.quantize(0.75)); // 1.5 raw -> 2
    assertEquals(-2, q.quantize(-0.75));
    assertEquals(127, q.quantize(1e9));
    assertEquals(-128, q.quantize(-1e9));
  }

  @Test
  void formatChosenFromRangeHoldsTheRange() {
    for (int i = 0; i < 10_000; i++) {
      int w = 4 + random.nextInt(20);
      double max = Math.exp(random.nextGaussian() * 5);
      FixedType f = FixedType.forRange(w, max);
      assertTrue(f.maxReal() >= max, f + " cannot hold " + max);
      if (f.frac() < 62 - w) assertTrue(new FixedType(w, f.frac() + 1).maxReal() < max, f + " wastes a fraction bit for " + max);
    }
    assertEquals(new FixedType(16, 14), FixedType.forRange(16, 1.5)); // the CNNA paper's Q2.14
  }

  @Test
  void impossibleFormatsAreRefused() {
    assertThrows(ModelException.class, () -> new FixedType(33, 0));
    assertThrows(ModelException.class, () -> new FixedType(1, 0));
    assertThrows(ModelException.class, () -> FormatSpec.parse("40,2"));
    assertThrows(ModelException.class, () -> FormatSpec.parse("sixteen"));
  }

  @Test
  void averagePoolWithNonPowerOfTwoWindowsMatchesExactReference() {
    for (int trial = 0; trial < 200; trial++) {
      int k = 2 + random.nextInt(6), s = 1 + random.nextInt(3), p = random.nextInt(k / 2 + 1);
      int h = k + random.nextInt(9), w = k + random.nextInt(9);
      boolean includePad = random.nextBoolean();
      FixedType fin = new FixedType(16, 8 + random.nextInt(6)), fout = new FixedType(16, 6 + random.nextInt(8));
      Op.AveragePool op = new Op.AveragePool(new int[] {k, k}, new int[] {s, s}, new int[] {p, p, p, p}, false, includePad);
      Shape xs = Shape.of(1, 2, h, w);
      Shape ys = op.inferShapes(List.of(xs)).get(0);
      int[] x = randomRaw(xs.size(), fin);
      int[] y = IntKernels.averagePool(op, xs, x, ys, fin, fout, new AtomicLong());
      for (int c = 0; c < 2; c++) {
        for (int oy = 0; oy < ys.dim(2); oy++) {
          for (int ox = 0; ox < ys.dim(3); ox++) {
            long sum = 0;
            int valid = 0, padded = 0;
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * s - p + ky, ix = ox * s - p + kx;
                if (iy < h + p && ix < w + p) padded++;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                  sum += x[(c * h + iy) * w + ix];
                  valid++;
                }
              }
            }
            int n = includePad ? padded : valid;
            // contract: M = round(2^k / N), shift k + F_in - F_out
            long m = BigDecimal.valueOf(1L << IntKernels.AVG_SHIFT).divide(BigDecimal.valueOf(n), 0, RoundingMode.HALF_UP).longValueExact();
            long expected = reference(sum, (int) m, IntKernels.AVG_SHIFT + fin.frac() - fout.frac(), 16);
            assertEquals(expected, y[(c * ys.dim(2) + oy) * ys.dim(3) + ox], "k=" + k + " n=" + n);
            // and the result is within one LSB (plus multiplier error) of the true mean
            double mean = fin.toReal(sum) / n;
            if (Math.abs(mean) < fout.maxReal()) {
              assertTrue(Math.abs(fout.toReal(expected) - mean) <= fout.scale() * (0.5 + Math.abs(mean) / fout.scale() * 1e-3) + 1e-12);
            }
          }
        }
      }
    }
  }

  @Test
  void addAlignsDifferentFormatsExactly() {
    for (int trial = 0; trial < 2000; trial++) {
      FixedType fa = new FixedType(16, random.nextInt(16)), fb = new FixedType(16, random.nextInt(16));
      FixedType out = new FixedType(8 + random.nextInt(9), random.nextInt(14));
      int[] a = randomRaw(64, fa), b = randomRaw(64, fb);
      ActivationQuant none = ActivationQuant.of(null, out);
      int[] y = IntKernels.add(a, fa, b, fb, out, none, new AtomicLong());
      for (int i = 0; i < 64; i++) {
        // exact real sum, rounded half to even at the output LSB, saturated
        BigDecimal real = new BigDecimal(a[i]).divide(new BigDecimal(BigInteger.TWO.pow(fa.frac())))
            .add(new BigDecimal(b[i]).divide(new BigDecimal(BigInteger.TWO.pow(fb.frac()))));
        BigInteger raw = real.multiply(new BigDecimal(BigInteger.TWO.pow(out.frac()))).setScale(0, RoundingMode.HALF_EVEN)
            .toBigIntegerExact();
        long expected = Math.max(out.minRaw(), Math.min(out.maxRaw(), raw.longValue()));
        assertEquals(expected, y[i]);
      }
    }
  }

  @Test
  void reluAndRelu6ClampInTheOutputFormat() {
    FixedType out = new FixedType(8, 4);
    ActivationQuant relu6 = ActivationQuant.of(new Op.Relu6(), out);
    assertEquals(0, relu6.apply(-5));
    assertEquals(96, relu6.apply(127)); // 6.0 in Q4.4
    assertEquals(50, relu6.apply(50));
    ActivationQuant leaky = ActivationQuant.of(new Op.LeakyRelu(0.125f), out);
    assertEquals(-2, leaky.apply(-16));
    assertEquals(16, leaky.apply(16));
  }

  @Test
  void concatRequantizesInputsToTheSharedFormat() {
    FixedType f1 = new FixedType(16, 10), f2 = new FixedType(16, 12), out = new FixedType(16, 10);
    Shape s = Shape.of(1, 2, 2, 2);
    int[] a = randomRaw(8, f1), b = randomRaw(8, f2);
    int[] y = IntKernels.concat(new Op.Concat(1), List.of(s, s), List.of(a, b), List.of(f1, f2), out, Shape.of(1, 4, 2, 2),
        new AtomicLong());
    int[] expected = new int[16];
    System.arraycopy(a, 0, expected, 0, 8);
    for (int i = 0; i < 8; i++) expected[8 + i] = (int) reference(b[i], 1, 2, 16);
    assertArrayEquals(expected, y);
  }

  private int[] randomRaw(int n, FixedType f) {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = (int) (f.minRaw() + (long) (random.nextDouble() * (f.maxRaw() - f.minRaw() + 1)));
    return v;
  }

  @Test
  void convMatchesDirectInt64ReferenceOnBothAccumulationPaths() {
    for (int trial = 0; trial < 60; trial++) {
      // 16-bit operands take the exact-double path, 24-bit ones the int64 path: both must match
      int inWidth = trial % 2 == 0 ? 16 : 24, wWidth = trial % 2 == 0 ? 16 : 20;
      int c = 1 + random.nextInt(6), m = 1 + random.nextInt(5), k = 1 + 2 * random.nextInt(3);
      int h = k + random.nextInt(6), w = k + random.nextInt(6), s = 1 + random.nextInt(2), p = random.nextInt(k);
      Op.Conv op = new Op.Conv(new int[] {k, k}, new int[] {s, s}, new int[] {p, p, p, p}, new int[] {1, 1}, 1);
      Shape xs = Shape.of(1, c, h, w), ws = Shape.of(m, c, k, k);
      Shape ys = op.inferShapes(List.of(xs, ws)).get(0);
      FixedType fin = new FixedType(inWidth, inWidth - 2), fw = new FixedType(wWidth, wWidth - 1), fout = new FixedType(16, 8);
      int[] x = randomRaw(xs.size(), fin), wt = randomRaw(ws.size(), fw);
      long[] bias = new long[m];
      int[] mult = new int[m], shift = new int[m];
      for (int o = 0; o < m; o++) {
        bias[o] = random.nextLong() >> 30;
        mult[o] = 1 + random.nextInt(1 << 14);
        shift[o] = fin.frac() + fw.frac() - fout.frac() + 14;
      }
      int accBits = inWidth + wWidth + 32 - Integer.numberOfLeadingZeros(c * k * k) + 1;
      LinearQuant lq = new LinearQuant(fw, wt, bias, mult, shift, new double[m], accBits, 1.0);
      ActivationQuant none = ActivationQuant.of(null, fout);
      int[] y = IntKernels.conv(op, xs, x, inWidth, ws, lq, none, 16, ys, new AtomicLong());
      for (int o = 0; o < m; o++) {
        for (int oy = 0; oy < ys.dim(2); oy++) {
          for (int ox = 0; ox < ys.dim(3); ox++) {
            long acc = bias[o];
            for (int ic = 0; ic < c; ic++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy * s - p + ky, ix = ox * s - p + kx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    acc += (long) wt[((o * c + ic) * k + ky) * k + kx] * x[(ic * h + iy) * w + ix];
                  }
                }
              }
            }
            assertEquals(reference(acc, mult[o], shift[o], 16), y[(o * ys.dim(2) + oy) * ys.dim(3) + ox]);
          }
        }
      }
    }
  }
}
