package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The product bound of the numeric contract (|acc * M| < 2^Requantize.PRODUCT_BITS, the domain of
 * cnnhls_requant.h): on wide, deep layers with large biases and inputs from ordinary to near-silent,
 * every channel the quantizer makes satisfies (|bias| + sum |w| 2^(Wx-1)) * M < 2^62 and s <= 61,
 * computed exactly, and Requantize on accumulators up to that bound equals an exact BigInteger
 * reference, as does the whole layer run by the golden model.
 */
class RequantBoundTest {
  private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(Requantize.PRODUCT_BITS);

  /** kind: conv (1024 channels, 3x3: K = 9216) or fc (K inputs, transB or plain). */
  static Graph layer(String kind, int k, int outs, double biasScale, long seed) {
    Random r = new Random(seed);
    Map<String, Tensor> c = new LinkedHashMap<>();
    Node n;
    ValueInfo in;
    if (kind.equals("conv")) {
      int cin = k / 9;
      float[] w = gaussian(r, outs * k, 0.01);
      c.put("w", Tensor.of(Shape.of(outs, cin, 3, 3), w));
      c.put("b", Tensor.of(Shape.of(outs), uniform(r, outs, biasScale)));
      in = new ValueInfo("x", Shape.of(1, cin, 3, 3));
      n = new Node("conv", new Op.Conv(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1),
          List.of("x", "w", "b"), List.of("y"));
    } else {
      boolean transB = kind.equals("fc");
      c.put("w", Tensor.of(transB ? Shape.of(outs, k) : Shape.of(k, outs), gaussian(r, outs * k, 0.01)));
      c.put("b", Tensor.of(Shape.of(outs), uniform(r, outs, biasScale)));
      in = new ValueInfo("x", Shape.of(1, k));
      n = new Node("fc", new Op.Gemm(1f, 1f, false, transB), List.of("x", "w", "b"), List.of("y"));
    }
    return Graph.build("g", List.of(in), List.of("y"), c, List.of(n));
  }

  static float[] gaussian(Random r, int n, double sd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (r.nextGaussian() * sd);
    return v;
  }

  static float[] uniform(Random r, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    return v;
  }

  @ParameterizedTest(name = "{0} K={1} outs={2} at {3} bit (per-channel {4}), inputs ~{5}")
  @CsvSource({
    "conv, 9216, 32, 8, true, 1", "conv, 9216, 32, 8, true, 1e-9", "conv, 9216, 32, 8, true, 1e-13",
    "fc, 25088, 48, 8, true, 1", "fc, 25088, 48, 8, true, 1e-11", "fc, 25088, 48, 8, true, 1e-14",
    "fc, 9216, 64, 8, true, 1e-6", "fc, 9216, 64, 8, true, 1e-12",
    "gemm, 9216, 40, 8, true, 1e-12",
    "conv, 9216, 32, 16, true, 1e-9", "fc, 25088, 48, 16, true, 1e-12", "fc, 9216, 64, 16, true, 1e-14",
    "fc, 25088, 48, 16, false, 1e-14", "conv, 9216, 32, 16, false, 1e-13", "gemm, 9216, 40, 16, false, 1e-14"
  })
  void everyChannelStaysInsideTheBoundAndRequantizeIsExact(String kind, int k, int outs, int bits, boolean perChannel,
      double inputScale) {
    long seed = 31L * k + outs + bits;
    Graph g = layer(kind, k, outs, 1.0, seed);
    Random r = new Random(seed + 1);
    float[] x = new float[g.inputs().get(0).shape().size()];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * inputScale);
    QuantOptions opts = QuantOptions.preset(String.valueOf(bits)).withPerChannel(perChannel);
    QuantizedGraph q = Quantizer.quantize(g, opts, ValueRanges.calibrate(g, List.of(Map.of("x", x)), 100));
    Node n = g.nodes().get(0);
    LinearQuant lq = q.linear().get(n.name());
    int wx = q.format("x").width();
    boolean rows = !kind.equals("gemm");
    BigInteger worst = BigInteger.ZERO;
    long[] bounds = lq.accumulatorBounds(n.op(), wx);
    for (int c = 0; c < outs; c++) {
      BigInteger a = BigInteger.valueOf(lq.bias()[c]).abs();
      for (int i = 0; i < k; i++) a = a.add(BigInteger.valueOf(Math.abs((long) lq.weights()[rows ? c * k + i : i * outs + c])).shiftLeft(wx - 1));
      assertEquals(a, BigInteger.valueOf(bounds[c]), "channel " + c);
      BigInteger p = a.multiply(BigInteger.valueOf(lq.multiplier()[c]));
      worst = worst.max(p);
      assertTrue(p.compareTo(LIMIT) < 0, "channel " + c + ": |acc| * M = " + p + " >= 2^62, bound " + bounds[c] + " M " + lq.multiplier()[c]
          + " s " + lq.shift()[c] + " fits " + Quantizer.fitsContract(bounds[c], lq.multiplier()[c], lq.shift()[c]));
      assertTrue(lq.shift()[c] <= Requantize.MAX_SHIFT && lq.shift()[c] >= Requantize.MIN_SHIFT, "shift " + lq.shift()[c]);
      assertTrue(lq.multiplier()[c] >= 1);
      // accumulators across the whole bound, its ends included
      long bound = bounds[c];
      for (long acc : new long[] {bound, -bound, bound - 1, -bound + 1, 0, lq.bias()[c], r.nextLong() % Math.max(1, bound)}) {
        for (int w : new int[] {bits, 32}) {
          assertEquals(NumericContractTest.reference(acc, lq.multiplier()[c], lq.shift()[c], w),
              Requantize.apply(acc, lq.multiplier()[c], lq.shift()[c], w), "acc " + acc);
        }
      }
    }
    // the layer in the golden model against exact per-output references
    int[] xr = q.quantizeInput("x", x);
    int[] y = new BitAccurateInterpreter(q).run(Map.of("x", xr)).get("y");
    int spatial = y.length / outs, fw = q.format("y").width();
    double maxErr = 0;
    float[] ref = new org.cnnhls.ir.interp.FloatInterpreter(g).run(Map.of("x", x)).get("y");
    float[] deq = q.dequantize("y", y);
    for (int i = 0; i < y.length; i++) maxErr = Math.max(maxErr, Math.abs(deq[i] - ref[i]));
    for (int c = 0; c < outs; c++) {
      int cin = k / 9;
      for (int p = 0; p < spatial; p++) {
        BigInteger acc = BigInteger.valueOf(lq.bias()[c]);
        if (kind.equals("conv")) {
          int oy = p / 3, ox = p % 3;
          for (int ic = 0; ic < cin; ic++) {
            for (int ky = 0; ky < 3; ky++) {
              for (int kx = 0; kx < 3; kx++) {
                int iy = oy - 1 + ky, ix = ox - 1 + kx;
                if (iy < 0 || iy >= 3 || ix < 0 || ix >= 3) continue;
                acc = acc.add(BigInteger.valueOf((long) lq.weights()[c * k + ic * 9 + ky * 3 + kx] * xr[ic * 9 + iy * 3 + ix]));
              }
            }
          }
        } else {
          for (int i = 0; i < k; i++) acc = acc.add(BigInteger.valueOf((long) lq.weights()[rows ? c * k + i : i * outs + c] * xr[i]));
        }
        int want = (int) NumericContractTest.reference(acc.longValueExact(), lq.multiplier()[c], lq.shift()[c], fw);
        assertEquals(want, y[c * spatial + p], "output " + c + "," + p);
      }
    }
    System.out.printf("%s K=%d %d-bit%s inputs ~%g: x %s, out %s, worst |acc|*M = 2^%.3f (margin %.3f bits), M %d..%d,"
        + " max |out - float| = %.3g (%.2f LSB)%n", kind, k, bits, perChannel ? " per-channel" : "", inputScale, q.format("x"),
        q.format("y"), log2(worst), Requantize.PRODUCT_BITS - log2(worst), min(lq.multiplier()), max(lq.multiplier()), maxErr,
        maxErr / q.format("y").scale());
  }

  static double log2(BigInteger v) {
    return v.signum() == 0 ? Double.NEGATIVE_INFINITY : Math.log(v.doubleValue()) / Math.log(2);
  }

  static int min(int[] v) {
    int m = Integer.MAX_VALUE;
    for (int x : v) m = Math.min(m, x);
    return m;
  }

  static int max(int[] v) {
    int m = Integer.MIN_VALUE;
    for (int x : v) m = Math.max(m, x);
    return m;
  }
}
