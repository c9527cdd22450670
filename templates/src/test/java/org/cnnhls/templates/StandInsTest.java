package org.cnnhls.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ap_int / ap_uint / ap_fixed / hls::stream stand-ins: the driver's fixed checks (Vitis wrap
 * examples such as ap_int&lt;8&gt;(200) == -56, rounding and saturation of the contract's
 * ap_fixed&lt;W, I, AP_RND, AP_SAT&gt;, the ring-buffer FIFO), then seeded random cases whose
 * expected values are computed here exactly (BigDecimal for ap_fixed).
 */
class StandInsTest {
  @TempDir Path dir;

  private static final int[] WIDTHS = {1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 40, 48, 63, 64};
  /** (W, I) by index, as FORMATS in standins_driver.cpp. */
  private static final int[][] FORMATS = {{16, 2}, {8, 3}, {16, -2}, {12, 14}, {32, 8}, {4, 4}, {24, 30}, {64, 32}, {2, 1}};

  @Test
  void standInsBehaveLikeVitis() throws Exception {
    Random rnd = new Random(7L);
    List<String> cases = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      int w = WIDTHS[rnd.nextInt(WIDTHS.length)];
      long v = rnd.nextInt(3) == 0 ? rnd.nextInt(1 << 12) - (1 << 11) : rnd.nextLong() >> rnd.nextInt(64);
      long wrapped = w == 64 ? v : (v << (64 - w)) >> (64 - w);
      cases.add("S " + w + " " + v + " " + wrapped);
      long uw = w == 64 ? v : v & ((1L << w) - 1);
      cases.add("U " + w + " " + Long.toUnsignedString(v) + " " + Long.toUnsignedString(uw));
    }
    for (int i = 0; i < 40_000; i++) {
      int f = rnd.nextInt(FORMATS.length);
      int w = FORMATS[f][0], frac = w - FORMATS[f][1];
      double x = switch (rnd.nextInt(4)) {
        // random magnitudes around the format's range
        case 0, 1 -> (rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, w - 1 - frac + rnd.nextInt(7) - 4);
        // exact ties k + 1/2 of the raw scale, and their neighbours
        case 2 -> Math.scalb(rnd.nextInt(1 << Math.min(w, 20)) - (1 << Math.min(w, 20) - 1) + 0.5, -frac)
            + (rnd.nextInt(3) - 1) * Math.scalb(1.0, -frac - 30);
        // exactly representable values
        default -> Math.scalb((double) (rnd.nextLong() >> (64 - Math.min(w, 53))), -frac);
      };
      cases.add("F " + f + " " + Long.toHexString(Double.doubleToRawLongBits(x)) + " " + fixedRaw(x, w, frac));
    }
    Cpp.Result r = Cpp.runDriver(dir, "standins_driver.cpp", cases, 60);
    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().startsWith("OK "), r.out());
    assertTrue(Long.parseLong(r.out().trim().substring(3)) >= cases.size() + 100, r.out());
  }

  /** sat_W(floor(x * 2^F + 1/2)): ap_fixed&lt;W, W-F, AP_RND, AP_SAT&gt;, exactly. */
  static long fixedRaw(double x, int w, int frac) {
    BigDecimal scaled = new BigDecimal(x).multiply(frac >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(frac))
        : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-frac))));
    BigInteger r = scaled.add(new BigDecimal("0.5")).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    BigInteger max = BigInteger.ONE.shiftLeft(w - 1).subtract(BigInteger.ONE), min = BigInteger.ONE.shiftLeft(w - 1).negate();
    return r.max(min).min(max).longValueExact();
  }
}
