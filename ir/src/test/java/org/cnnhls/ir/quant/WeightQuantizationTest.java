package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/**
 * Weight clipping by MSE picks, by brute force, the candidate its definition names; bias correction
 * removes the weights' rounding shift from each channel's mean output on the calibration set (a
 * grouped conv, so the channel mapping is exercised), which max clipping without it does not.
 */
class WeightQuantizationTest {

  /** Conv [outs, cin/group, 3, 3] on a [1, cin, 3, 3] input (one output pixel), Laplace weights with outliers. */
  static Graph conv(int outs, int cin, int group, long seed) {
    return conv(outs, cin, group, seed, 0.9);
  }

  static Graph conv(int outs, int cin, int group, long seed, double outlier) {
    Random r = new Random(seed);
    int k = cin / group * 9;
    float[] w = new float[outs * k];
    for (int i = 0; i < w.length; i++) w[i] = (float) (0.05 * Math.log(1 - r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
    for (int o = 0; o < outs; o += 2) w[o * k + r.nextInt(k)] = (float) (r.nextBoolean() ? outlier : -outlier);
    float[] b = new float[outs];
    for (int o = 0; o < outs; o++) b[o] = (float) (r.nextGaussian() * 0.1);
    Map<String, Tensor> c = new LinkedHashMap<>();
    c.put("w", Tensor.of(Shape.of(outs, cin / group, 3, 3), w));
    c.put("b", Tensor.of(Shape.of(outs), b));
    Node n = new Node("conv", new Op.Conv(new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, group),
        List.of("x", "w", "b"), List.of("y"));
    return Graph.build("g", List.of(new ValueInfo("x", Shape.of(1, cin, 3, 3))), List.of("y"), c, List.of(n));
  }

  /** Samples whose channels have distinct non-zero means, constant over the 3x3 window (so a channel mean is every tap's mean). */
  static List<Map<String, float[]>> samples(int cin, int count, long seed) {
    Random r = new Random(seed);
    List<Map<String, float[]>> out = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      float[] x = new float[cin * 9];
      for (int ch = 0; ch < cin; ch++) {
        float v = (float) (1.5 + 0.5 * ch + r.nextGaussian() * 0.3);
        for (int t = 0; t < 9; t++) x[ch * 9 + t] = v;
      }
      out.add(Map.of("x", x));
    }
    return out;
  }

  static double channelSse(float[] w, int[] raw, double scale, int o, int k) {
    double s = 0;
    for (int i = o * k; i < (o + 1) * k; i++) {
      double e = w[i] - raw[i] * scale;
      s += e * e;
    }
    return s;
  }

  @Test
  void mseClipIsTheCandidateWithLeastErrorPerChannel() {
    for (int bits : new int[] {4, 6, 8}) {
      Graph g = conv(16, 8, 1, 11 + bits);
      float[] w = g.constants().get("w").toFloatArray();
      int k = w.length / 16;
      List<Map<String, float[]>> cal = samples(8, 4, 3);
      QuantOptions base = QuantOptions.preset(String.valueOf(bits)).withPerChannel(true);
      LinearQuant max = Quantizer.quantize(g, base, ValueRanges.calibrate(g, cal, 100)).linear().get("conv");
      LinearQuant mse = Quantizer.quantize(g, base.withWeightClipping(QuantOptions.WeightClipping.MSE), ValueRanges.calibrate(g, cal, 100))
          .linear().get("conv");
      double hi = mse.weightFormat().maxRaw(), lo = mse.weightFormat().minRaw();
      int clipped = 0;
      for (int o = 0; o < 16; o++) {
        double m = 0;
        for (int i = o * k; i < (o + 1) * k; i++) m = Math.max(m, Math.abs(w[i]));
        // brute force over the documented candidates max * (1 - j/64), j < 32, rounding as Math.rint
        double bestClip = m, bestErr = Double.POSITIVE_INFINITY;
        for (int j = 0; j < 32; j++) {
          double clip = m * (1 - j / 64.0), scale = clip / hi, err = 0;
          for (int i = o * k; i < (o + 1) * k; i++) {
            double e = w[i] - Math.max(lo, Math.min(hi, Math.rint(w[i] / scale))) * scale;
            err += e * e;
          }
          if (err < bestErr) {
            bestErr = err;
            bestClip = clip;
          }
        }
        assertEquals(bestClip / hi, mse.channelScale()[o], 1e-12 * bestClip, bits + " bit, channel " + o);
        double eMse = channelSse(w, mse.weights(), mse.channelScale()[o], o, k);
        double eMax = channelSse(w, max.weights(), max.channelScale()[o], o, k);
        assertEquals(bestErr, eMse, 1e-9 * bestErr + 1e-15, bits + " bit, channel " + o);
        assertTrue(eMse <= eMax + 1e-15, bits + " bit, channel " + o + ": mse " + eMse + " > max " + eMax);
        if (bestClip < m) clipped++;
      }
      if (bits == 4) assertTrue(clipped >= 8, "the outlier channels must clip at 4 bit: " + clipped);
    }
  }

  @Test
  void perLayerMseFormatIsTheBestOfThreePowerOfTwoFormats() {
    Graph g = conv(16, 8, 1, 5, 0.55); // just above 0.5: clipping them to a finer format costs less than its rounding saves
    float[] w = g.constants().get("w").toFloatArray();
    List<Map<String, float[]>> cal = samples(8, 2, 1);
    QuantOptions base = QuantOptions.preset("6").withPerChannel(false);
    FixedType f0 = Quantizer.quantize(g, base, ValueRanges.calibrate(g, cal, 100)).linear().get("conv").weightFormat();
    FixedType chosen = Quantizer.quantize(g, base.withWeightClipping(QuantOptions.WeightClipping.MSE), ValueRanges.calibrate(g, cal, 100))
        .linear().get("conv").weightFormat();
    FixedType best = f0;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int extra = 0; extra <= 2; extra++) {
      FixedType f = new FixedType(6, f0.frac() + extra);
      double err = 0;
      for (float v : w) {
        double e = v - Math.max(f.minRaw(), Math.min(f.maxRaw(), Math.rint(v / f.scale()))) * f.scale();
        err += e * e;
      }
      if (err < bestErr) {
        bestErr = err;
        best = f;
      }
    }
    assertEquals(best, chosen);
    assertTrue(chosen.frac() > f0.frac(), "the outliers make a finer format pay at 6 bit: " + f0 + " -> " + chosen);
  }

  /** Mean over the samples of channel o's error before requantize: the dequantized accumulator minus the float output. */
  static double meanOutputError(Graph g, LinearQuant lq, FixedType x, List<Map<String, float[]>> samples, int o, int group) {
    float[] w = g.constants().get("w").toFloatArray(), b = g.constants().get("b").toFloatArray();
    int outs = b.length, k = w.length / outs, inPerGroup = k / 9, base = (o / (outs / group)) * inPerGroup;
    double scale = lq.channelScale()[o], sum = 0;
    for (Map<String, float[]> s : samples) {
      float[] v = s.get("x");
      double q = lq.bias()[o] * x.scale() * scale, f = b[o];
      for (int i = 0; i < k; i++) {
        double xi = v[(base + i / 9) * 9 + i % 9];
        q += lq.weights()[o * k + i] * scale * xi;
        f += w[o * k + i] * xi;
      }
      sum += q - f;
    }
    return sum / samples.size();
  }

  @Test
  void biasCorrectionRemovesTheMeanShiftOfRoundedWeights() {
    int outs = 8, cin = 4, group = 2;
    Graph g = conv(outs, cin, group, 9);
    List<Map<String, float[]>> cal = samples(cin, 32, 4);
    ValueRanges ranges = ValueRanges.calibrate(g, cal, 100);
    QuantOptions base = QuantOptions.preset("4").withPerChannel(true);
    QuantizedGraph plain = Quantizer.quantize(g, base, ranges);
    QuantizedGraph corrected = Quantizer.quantize(g, base.withBiasCorrection(true), ranges);
    FixedType x = corrected.format("x");
    double worstPlain = 0;
    for (int o = 0; o < outs; o++) {
      LinearQuant lq = corrected.linear().get("conv");
      double e = meanOutputError(g, lq, x, cal, o, group);
      // what is left is the bias's own rounding: half an accumulator LSB (and float noise)
      double lsb = x.scale() * lq.channelScale()[o];
      assertTrue(Math.abs(e) <= 0.5 * lsb + 1e-5, "channel " + o + ": mean error " + e + " with correction, LSB " + lsb);
      worstPlain = Math.max(worstPlain, Math.abs(meanOutputError(g, plain.linear().get("conv"), x, cal, o, group)));
    }
    assertTrue(worstPlain > 0.01, "without correction the rounding shift must show: " + worstPlain);
  }

  @Test
  void headroomGivesEveryActivationFormatThatManyMoreIntegerBits() {
    Graph g = conv(8, 4, 2, 3);
    ValueRanges ranges = ValueRanges.calibrate(g, samples(4, 4, 2), 100);
    for (String p : new String[] {"16", "8"}) {
      QuantizedGraph q0 = Quantizer.quantize(g, QuantOptions.preset(p), ranges);
      for (int b = 1; b <= QuantOptions.MAX_HEADROOM_BITS; b++) {
        QuantizedGraph qb = Quantizer.quantize(g, QuantOptions.preset(p).withHeadroom(b), ranges);
        for (String v : new String[] {"x", "y"}) {
          assertEquals(q0.format(v).frac() - b, qb.format(v).frac(), p + " bit, " + v + ", headroom " + b);
          assertTrue(qb.format(v).maxReal() >= Math.scalb(ranges.of(v), b) * (1 - 1e-9), v);
        }
      }
    }
    assertThrows(ModelException.class, () -> QuantOptions.preset("8").withHeadroom(QuantOptions.MAX_HEADROOM_BITS + 1));
  }

  @Test
  void biasCorrectionWithoutCalibrationDataIsRefusedByLayer() {
    Graph g = conv(8, 4, 2, 1);
    QuantOptions o = QuantOptions.preset("8").withBiasCorrection(true);
    ModelException e = assertThrows(ModelException.class, () -> Quantizer.quantize(g, o, ValueRanges.analytic(g, 1.0)));
    assertTrue(e.getMessage().contains("'conv'") && e.getMessage().contains("calibration"), e.getMessage());
  }
}
