package org.cnnhls.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.IntKernels;
import org.cnnhls.ir.quant.Requantize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cnnhls_requant.h against the Java golden model: requantize vs {@link Requantize#apply} on seeded
 * random cases over the whole domain the compiler guarantees (|acc * M| < 2^62, s in [-30, 61], W in
 * [2, 32]) plus rounding ties, saturation edges and left shifts that would overflow int64; activate
 * vs {@link ActivationQuant#apply}; avg_multiplier vs {@link IntKernels#avgMultiplier}.
 */
class RequantizeTest {
  @TempDir Path dir;

  private static final int RANDOM_CASES = 120_000;

  @Test
  void cppMatchesJavaGoldenModel() throws Exception {
    Random rnd = new Random(20240611L);
    List<String> cases = new ArrayList<>();
    for (int i = 0; i < RANDOM_CASES; i++) cases.add(randomRequant(rnd));
    for (int i = 0; i < 20_000; i++) cases.add(tieCase(rnd));
    for (int i = 0; i < 20_000; i++) cases.add(saturationEdge(rnd));
    for (int i = 0; i < 10_000; i++) cases.add(leftShift(rnd));
    for (long acc : new long[] {0, 1, -1, (1L << 61) - 1, -(1L << 61) + 1}) {
      for (int s : new int[] {-30, -1, 0, 1, 2, 30, 31, 60, 61}) {
        for (int w : new int[] {2, 8, 16, 31, 32}) cases.add(requant(acc, 1, s, w));
      }
    }
    // products just inside the bound: |acc * M| = 2^62 - small, M a 15-bit or reduced multiplier
    for (int m : new int[] {1, 3, 127, 128, 255, (1 << 13) + 1, (1 << 14) - 1, 1 << 14, (1 << 15) - 1}) {
      long top = ((1L << Requantize.PRODUCT_BITS) - 1) / m;
      for (long acc : new long[] {top, -top, top - 1, -(top - 1), top / 2}) {
        for (int s : new int[] {-30, 0, 1, 40, 55, 57, 60, 61}) cases.add(requant(acc, m, s, rnd.nextBoolean() ? 8 : 16));
      }
    }
    int requantCases = cases.size();
    for (int i = 0; i < 30_000; i++) cases.add(activationCase(rnd));
    for (int n = 1; n <= 5000; n++) cases.add("V " + n + " " + IntKernels.avgMultiplier(n));
    for (int i = 0; i < 5000; i++) {
      int n = 1 + rnd.nextInt(1 << 24);
      cases.add("V " + n + " " + IntKernels.avgMultiplier(n));
    }
    assertTrue(requantCases >= 100_000);

    Cpp.Result r = Cpp.runDriver(dir, "requant_driver.cpp", cases, 120);
    assertEquals(0, r.exit(), r.all());
    assertEquals("OK " + cases.size(), r.out().trim());
  }

  /**
   * The header's domain constants are Java's: the bound the quantizer enforces and lowering checks
   * (Requantize.PRODUCT_BITS, MIN_SHIFT, MAX_SHIFT) is the one cnnhls_requant.h documents and relies on.
   */
  @Test
  void headerDomainIsJavas() throws Exception {
    Path lib = Cpp.copyLibrary(dir.resolve("lib"));
    Path src = dir.resolve("domain.cpp");
    java.nio.file.Files.writeString(src, """
        #include <cstdio>
        #include "cnnhls_requant.h"
        int main() {
          std::printf("%d %d %d\\n", cnnhls::REQ_PRODUCT_BITS, cnnhls::REQ_MIN_SHIFT, cnnhls::REQ_MAX_SHIFT);
          return 0;
        }
        """);
    Path exe = dir.resolve("domain");
    Cpp.gxx(dir, Cpp.STRICT, List.of(lib), List.of(src), exe);
    Cpp.Result r = Cpp.run(dir, 30, List.of(exe.toString()));
    assertEquals(0, r.exit(), r.all());
    assertEquals(Requantize.PRODUCT_BITS + " " + Requantize.MIN_SHIFT + " " + Requantize.MAX_SHIFT, r.out().trim());
  }

  private static String requant(long acc, int m, int s, int w) {
    return "R " + acc + " " + m + " " + s + " " + w + " " + Requantize.apply(acc, m, s, w);
  }

  private static int bitLength(long v) {
    return 64 - Long.numberOfLeadingZeros(v);
  }

  /** A random long with |v| < 2^bits. */
  private static long signedBits(Random rnd, int bits) {
    if (bits <= 0) return 0;
    long mag = bits >= 63 ? rnd.nextLong() & Long.MAX_VALUE : rnd.nextLong() & ((1L << bits) - 1);
    return rnd.nextBoolean() ? mag : -mag;
  }

  private static int randomMultiplier(Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> 1;                                   // per-layer power-of-two scaling
      case 1 -> (1 << 14) + rnd.nextInt(1 << 14);    // per-channel: M in [2^14, 2^15)
      case 2 -> 1 + rnd.nextInt(1 << 20);            // average-pool multipliers
      default -> 1 + rnd.nextInt(64);
    };
  }

  private static String randomRequant(Random rnd) {
    int m = randomMultiplier(rnd);
    int w = 2 + rnd.nextInt(31);
    int s = rnd.nextInt(3) == 0 ? -30 + rnd.nextInt(92) : -8 + rnd.nextInt(40);
    // |acc| < 2^(62 - bitlen(M)) keeps |acc * M| < 2^62
    int maxBits = 62 - bitLength(m);
    long acc = signedBits(rnd, rnd.nextInt(maxBits + 1));
    return requant(acc, m, s, w);
  }

  /** t exactly at, or one off, a rounding tie (t = k 2^s + 2^(s-1) + delta). */
  private static String tieCase(Random rnd) {
    int s = 1 + rnd.nextInt(40);
    long k = signedBits(rnd, Math.min(20, 60 - s));
    long acc = (k << s) + (1L << (s - 1)) + (rnd.nextInt(3) - 1);
    return requant(acc, 1, s, 2 + rnd.nextInt(31));
  }

  /** Results around the saturation bounds of W. */
  private static String saturationEdge(Random rnd) {
    int w = 2 + rnd.nextInt(31);
    int s = rnd.nextInt(25);
    long bound = rnd.nextBoolean() ? (1L << (w - 1)) - 1 : -(1L << (w - 1));
    long target = bound + rnd.nextInt(5) - 2;
    long acc = (target << s) + (s > 0 ? rnd.nextLong() % (1L << s) : 0);
    return requant(acc, 1, s, w);
  }

  /** s <= 0 with large t: a plain left shift would leave int64 (Java takes its exact path). */
  private static String leftShift(Random rnd) {
    int m = randomMultiplier(rnd);
    int s = -30 + rnd.nextInt(31);
    long acc = signedBits(rnd, 20 + rnd.nextInt(62 - bitLength(m) - 19));
    return requant(acc, m, s, 2 + rnd.nextInt(31));
  }

  private static String activationCase(Random rnd) {
    // the engine's activation domain: values of at most 16 bits (HardwareConfig.MAX_WIDTH), slopes in
    // [0, 2) (leak_m < 2^16): the LeakyReLU multiply is 16 x 16 bits (LEAK_V_W x LEAK_M_W)
    int w = 2 + rnd.nextInt(15);
    long min = -(1L << (w - 1)), max = (1L << (w - 1)) - 1;
    long span = max - min + 1;
    int v = (int) (min + Math.floorMod(rnd.nextLong(), span));
    int a = (int) (min + Math.floorMod(rnd.nextLong(), span)), b = (int) (min + Math.floorMod(rnd.nextLong(), span));
    int lo = Math.min(a, b), hi = Math.max(a, b);
    switch (rnd.nextInt(4)) {
      case 0 -> { lo = (int) min; hi = (int) max; }  // no activation
      case 1 -> { lo = 0; hi = (int) max; }          // ReLU
      default -> { }                                 // Clip / ReLU6 bounds
    }
    boolean leaky = rnd.nextBoolean();
    int m = leaky ? rnd.nextInt(1 << 16) : 1, s = leaky ? (rnd.nextBoolean() ? 15 : 1 + rnd.nextInt(20)) : 0;
    int want = new ActivationQuant(lo, hi, leaky, m, s, w).apply(v);
    return "A " + v + " " + lo + " " + hi + " " + (leaky ? 1 : 0) + " " + m + " " + s + " " + w + " " + want;
  }
}
