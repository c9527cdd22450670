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
  private static final int[][] FORMATS = {{16, 2}, {8, 3}, {16, -2}, {12, 14}, {32, 8}, {4, 4}, {24, 30}, {53, 32}, {2, 1}};

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

  /** Operand pairs (WA, WB), requantize pairs (AW, MW) and mode-sweep formats (W, I) of standins_diff_driver.cpp. */
  private static final int[][] PAIRS = {{8, 8}, {16, 16}, {20, 18}, {12, 10}, {32, 32}, {40, 22}, {2, 3}, {64, 16}};
  private static final int[][] REQ_PAIRS = {{20, 15}, {38, 31}, {48, 12}, {64, 31}, {30, 1}};
  private static final int[][] SWEEP = {{8, 3}, {5, 9}, {40, 20}};
  /** Source and target formats of the driver's conversion cases. */
  private static final int CONVERSIONS = 6;

  /**
   * The stand-ins against Xilinx's own headers on the operations the engine uses: one driver built
   * twice (stand-ins, and -DCNNHLS_VENDOR_HEADERS), the same seeded random and edge cases, identical
   * output required line for line. Covers wrap on construction, products, sums and compound
   * assignments across widths, the engine's shifts, requantize_narrow, ap_fixed quantization in
   * every rounding mode with AP_SAT / AP_SAT_ZERO / AP_SAT_SYM / AP_WRAP, the contract's format round
   * trip (fixed_raw / fixed_from_raw / to_double), conversions between formats, and stream order.
   */
  @Test
  void standInsMatchXilinxHeaders() throws Exception {
    List<String> vendor = Cpp.vendor("-O0"); // skips when the headers are absent; -O0: their templates compile slowly
    Random rnd = new Random(13L);
    List<String> cases = new ArrayList<>();
    for (int i = 0; i < 4000; i++) {
      long v = rnd.nextInt(3) == 0 ? rnd.nextInt(1 << 12) - (1 << 11) : rnd.nextLong() >> rnd.nextInt(64);
      cases.add((i % 2 == 0 ? "S " : "U ") + WIDTHS[rnd.nextInt(WIDTHS.length)] + " " + v);
    }
    for (int w : WIDTHS) {
      for (long v : new long[] {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << (w - 1), -(1L << (w - 1)) - 1}) {
        cases.add("S " + w + " " + v);
        cases.add("U " + w + " " + v);
      }
    }
    for (int i = 0; i < 6000; i++) {
      int p = rnd.nextInt(PAIRS.length);
      long a = signedIn(rnd, PAIRS[p][0]), b = signedIn(rnd, PAIRS[p][1]);
      cases.add("B " + p + " " + a + " " + b + " " + rnd.nextInt(PAIRS[p][0]));
    }
    for (int i = 0; i < 2000; i++) cases.add("H " + signedIn(rnd, 33) + " " + rnd.nextInt(31)); // values of <= 32 bits, shifts <= 30
    for (int i = 0; i < 4000; i++) {
      // inside requantize's domain: |acc * M| < 2^62, M >= 1, s in [-30, 61], W in [2, 32]
      int p = rnd.nextInt(REQ_PAIRS.length), aw = REQ_PAIRS[p][0], mw = REQ_PAIRS[p][1];
      long m = 1 + (mw == 1 ? 0 : (long) rnd.nextInt((int) Math.min((1L << mw) - 1, Integer.MAX_VALUE)));
      int accBits = Math.min(aw, 62 - (64 - Long.numberOfLeadingZeros(m)));
      long acc = signedIn(rnd, Math.max(accBits, 2));
      cases.add("Q " + p + " " + acc + " " + m + " " + (rnd.nextInt(92) - 30) + " " + (2 + rnd.nextInt(31)));
    }
    for (int i = 0; i < 30_000; i++) {
      int f = rnd.nextInt(SWEEP.length);
      cases.add("F " + rnd.nextInt(7) + " " + rnd.nextInt(4) + " " + f + " " + hex(fixedValue(rnd, SWEEP[f][0], SWEEP[f][1])));
    }
    for (int f = 0; f < SWEEP.length; f++) {
      for (double x : edges(SWEEP[f][0], SWEEP[f][1])) {
        for (int q = 0; q < 7; q++) for (int o = 0; o < 4; o++) cases.add("F " + q + " " + o + " " + f + " " + hex(x));
      }
    }
    for (int i = 0; i < 8000; i++) {
      int f = rnd.nextInt(FORMATS.length);
      cases.add("G " + f + " " + hex(fixedValue(rnd, FORMATS[f][0], FORMATS[f][1])));
    }
    for (int f = 0; f < FORMATS.length; f++) for (double x : edges(FORMATS[f][0], FORMATS[f][1])) cases.add("G " + f + " " + hex(x));
    for (int i = 0; i < 4000; i++) {
      cases.add("C " + rnd.nextInt(CONVERSIONS) + " " + hex((rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, rnd.nextInt(24) - 8)));
    }
    cases.add("T 64");

    java.nio.file.Files.write(dir.resolve("diff_cases.txt"), cases);
    java.nio.file.Path lib = Cpp.copyLibrary(dir.resolve("lib"));
    java.nio.file.Path src = Cpp.copyTestResource("standins_diff_driver.cpp", dir);
    List<String> outputs = new ArrayList<>();
    for (List<String> flags : List.of(Cpp.STRICT, vendor)) {
      java.nio.file.Path exe = dir.resolve("diff" + outputs.size());
      Cpp.gxx(dir, flags, List.of(lib), List.of(src), exe);
      Cpp.Result r = Cpp.run(dir, 120, List.of(exe.toString(), dir.resolve("diff_cases.txt").toString()));
      assertEquals(0, r.exit(), r.all());
      outputs.add(r.out());
    }
    // Xilinx's stream reports its high-water mark on exit
    List<String> standIn = outputs.get(0).lines().toList();
    List<String> xilinx = outputs.get(1).lines().filter(l -> !l.startsWith("INFO [HLS SIM]")).toList();
    assertEquals(cases.size(), standIn.size(), "stand-in driver output");
    assertEquals(cases.size(), xilinx.size(), "vendor driver output");
    for (int i = 0; i < cases.size(); i++) {
      final int k = i;
      assertEquals(xilinx.get(i), standIn.get(i), () -> "case '" + cases.get(k) + "': stand-in differs from Xilinx's headers");
    }
  }

  private static long signedIn(Random rnd, int bits) {
    long v = bits == 64 ? rnd.nextLong() : rnd.nextLong() >> (64 - bits);
    return switch (rnd.nextInt(10)) {
      case 0 -> bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1)); // the most negative value
      case 1 -> v >> rnd.nextInt(bits); // small magnitudes
      default -> v;
    };
  }

  /** Values around a format's range, ties of its raw scale, and exactly representable values. */
  private static double fixedValue(Random rnd, int w, int i) {
    int frac = w - i;
    return switch (rnd.nextInt(5)) {
      case 0, 1 -> (rnd.nextDouble() * 2 - 1) * Math.scalb(1.0, i - 1 + rnd.nextInt(9) - 4);
      case 2 -> Math.scalb(rnd.nextInt(1 << Math.min(w + 2, 22)) - (1 << Math.min(w + 2, 22) - 1) + 0.5, -frac);
      case 3 -> Math.scalb((double) (rnd.nextLong() >> (64 - Math.min(w + 3, 53))), -frac); // beyond the range too
      default -> Math.scalb((double) (rnd.nextLong() >> (64 - Math.min(w, 53))), -frac);
    };
  }

  /** The range ends, one raw step and half a step beyond them, zero, -0.0, tiny and huge values. */
  private static List<Double> edges(int w, int i) {
    int frac = w - i;
    double max = Math.scalb((double) ((1L << (w - 1)) - 1), -frac), min = -Math.scalb(1.0, i - 1), step = Math.scalb(1.0, -frac);
    List<Double> out = new ArrayList<>(List.of(0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e300, -1e300, 1e-300, -1e-300));
    for (double e : new double[] {max, min}) {
      for (double d : new double[] {-1, -0.5, -0.25, 0, 0.25, 0.5, 1, 1.5, 2}) out.add(e + d * step);
    }
    for (int k = -3; k <= 3; k++) out.add(Math.scalb(1.0, i + k) * (k % 2 == 0 ? 1 : -1));
    return out;
  }

  private static String hex(double x) {
    return Long.toHexString(Double.doubleToRawLongBits(x));
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
