package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cnnhls.ir.ModelException;
import org.junit.jupiter.api.Test;

/**
 * FixedType.forRange is closed form (issue 18: the former loop counted down from Integer.MAX_VALUE
 * for ranges below about 2^-990, 20+ s per call) and gives the former answer on every range it
 * handled: compared with that loop on powers of two and their neighbours, random bit patterns over
 * the whole double range, 0, denormals and huge values, at every width.
 */
class FixedTypeForRangeTest {

  /**
   * The former implementation, verbatim except that its starting guess is clamped to [-1100, 1100]
   * so it terminates on tiny ranges: its two loops converge to the same largest F satisfying the
   * condition from any start, so the clamp does not change its answer.
   */
  static FixedType oldForRange(int width, double maxAbs) {
    if (!(maxAbs > 0) || Double.isInfinite(maxAbs)) return new FixedType(width, width - 1);
    long maxRaw = (1L << (width - 1)) - 1;
    double guess = Math.floor(Math.log(maxRaw / maxAbs) / Math.log(2));
    int frac = (int) Math.max(-1100, Math.min(1100, guess));
    while (maxRaw * Math.scalb(1.0, -frac) < maxAbs) frac--;
    while (maxRaw * Math.scalb(1.0, -(frac + 1)) >= maxAbs) frac++;
    return new FixedType(width, Math.max(width - 62, Math.min(frac, 62 - width)));
  }

  static List<Double> ranges() {
    List<Double> r = new ArrayList<>(List.of(0.0, -0.0, -1.0, -Double.MAX_VALUE, Double.MIN_VALUE, Double.MIN_NORMAL,
        Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, 1e-300, 1e300, 0.1, 0.5, 1.0, 3.0, 127.0, 127.5, 128.0,
        32767.0, 32767.5, 32768.0, 2147483647.0, 1e-5, 6.0));
    for (int e = -1074; e <= 1023; e++) {
      double p = Math.scalb(1.0, e);
      r.add(p);
      r.add(Math.nextUp(p));
      r.add(Math.nextDown(p));
      // maxRaw-like values 2^k - 1 scaled, where the power-of-two rounding of the former log mattered
      for (int k = 1; k <= 31; k += 6) r.add(Math.scalb((double) ((1L << k) - 1), e - k));
    }
    Random rnd = new Random(18);
    for (int i = 0; i < 20000; i++) {
      double d = Math.abs(Double.longBitsToDouble(rnd.nextLong()));
      if (Double.isFinite(d)) r.add(d);
      r.add(rnd.nextDouble() * Math.scalb(1.0, rnd.nextInt(200) - 100));
    }
    return r;
  }

  @Test
  void sameAnswersAsTheFormerLoop() {
    List<Double> ranges = ranges();
    for (int w = FixedType.MIN_WIDTH; w <= FixedType.MAX_WIDTH; w++) {
      for (double d : ranges) {
        if (Math.abs(d) < 1e-290 && w % 4 != 0) continue; // the reference is slow there; every 4th width suffices
        assertEquals(oldForRange(w, d), FixedType.forRange(w, d), "width " + w + ", range " + d);
      }
    }
  }

  @Test
  void holdsTheRangeWithTheMostFractionBits() {
    for (int w = FixedType.MIN_WIDTH; w <= FixedType.MAX_WIDTH; w++) {
      for (double d : new double[] {1e-9, 0.3, 1.0, 7.9, 8.0, 1000.0, 123456.0}) {
        FixedType t = FixedType.forRange(w, d);
        if (t.frac() > w - 62 && t.frac() < 62 - w) {
          assertTrue(t.maxReal() >= d, t + " " + d);
          assertTrue(new FixedType(w, t.frac() + 1).maxReal() < d, t + " " + d);
        }
      }
    }
  }

  @Test
  void tinyRangesAreInstant() {
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      for (int i = 0; i < 100000; i++) {
        assertEquals(62 - 16, FixedType.forRange(16, Double.MIN_VALUE * (1 + i % 7)).frac());
        assertEquals(16 - 62, FixedType.forRange(16, Double.MAX_VALUE / (1 + i % 7)).frac());
      }
    });
  }

  @Test
  void nanAndInfinityAreRefused() {
    for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      ModelException e = assertThrows(ModelException.class, () -> FixedType.forRange(16, d));
      assertTrue(e.getMessage().contains(String.valueOf(d)), e.getMessage());
    }
    assertThrows(ModelException.class, () -> FixedType.forRange(1, 1.0));
    assertThrows(ModelException.class, () -> FixedType.forRange(33, 1.0));
  }
}
