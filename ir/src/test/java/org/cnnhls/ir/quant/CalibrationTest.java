package org.cnnhls.ir.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.ModelException;
import org.junit.jupiter.api.Test;

/** The calibration methods choose the formats their definitions say (brute force on seeded data). */
class CalibrationTest {
  static final Graph RELU = IrParser.parse("graph g\n  input  x: [1,4096]\n  y = Relu(x) : [1,4096]\n  output y\n", 0);

  /** Samples of a Laplace-like distribution with a few outliers: clipping pays at 8 bit. */
  static List<Map<String, float[]>> samples(long seed, double outlier) {
    Random r = new Random(seed);
    List<Map<String, float[]>> out = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      float[] v = new float[4096];
      for (int i = 0; i < v.length; i++) v[i] = (float) (Math.log(1 - r.nextDouble()) * (r.nextBoolean() ? 1 : -1));
      v[r.nextInt(v.length)] = (float) outlier;
      out.add(Map.of("x", v));
    }
    return out;
  }

  /** Summed squared error of quantizing every y value into format f, computed the plain way. */
  static double sse(List<Map<String, float[]>> samples, FixedType f) {
    double s = 0;
    for (Map<String, float[]> m : samples) {
      for (float x : m.get("x")) {
        double y = Math.max(0, x);
        double e = y - f.toReal(f.quantize(y));
        s += e * e;
      }
    }
    return s;
  }

  @Test
  void mseChoosesTheCandidateFormatWithLeastSquaredError() {
    int clipped = 0;
    for (double outlier : new double[] {3, 40, 900}) {
      for (int width : new int[] {4, 6, 8, 16}) {
        List<Map<String, float[]>> samples = samples(7 + (long) outlier, outlier);
        double max = ValueRanges.calibrate(RELU, samples, 100).of("y");
        FixedType f0 = FixedType.forRange(width, max);
        FixedType best = f0;
        for (int k = 1; k <= Calibration.MAX_CLIP_BITS; k++) {
          FixedType f = new FixedType(width, f0.frac() + k);
          if (sse(samples, f) < sse(samples, best)) best = f;
        }
        double range = ValueRanges.calibrate(RELU, samples, new Calibration(Calibration.Method.MSE, 100), width).of("y");
        assertEquals(best, FixedType.forRange(width, range), "outlier " + outlier + ", width " + width);
        if (best.frac() > f0.frac()) clipped++;
      }
    }
    assertTrue(clipped > 0 && clipped < 12, "the cases must include clipped and unclipped choices: " + clipped);
  }

  @Test
  void entropyClipsARareOutlierAndKeepsTheMaxAboveEightBits() {
    List<Map<String, float[]>> samples = samples(3, 500);
    double max = ValueRanges.calibrate(RELU, samples, 100).of("y");
    Calibration entropy = new Calibration(Calibration.Method.ENTROPY, 100);
    double r8 = ValueRanges.calibrate(RELU, samples, entropy, 8).of("y");
    assertTrue(FixedType.forRange(8, r8).frac() > FixedType.forRange(8, max).frac(), "range " + r8 + " vs max " + max);
    assertEquals(max, ValueRanges.calibrate(RELU, samples, entropy, 16).of("y"));
    // without an outlier (a uniform spread) there is nothing worth clipping
    List<Map<String, float[]>> uniform = new ArrayList<>();
    Random r = new Random(5);
    float[] v = new float[4096];
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 10);
    uniform.add(Map.of("x", v));
    double u = ValueRanges.calibrate(RELU, uniform, entropy, 8).of("y");
    assertEquals(FixedType.forRange(8, 10.0), FixedType.forRange(8, u));
  }

  @Test
  void namesAndPercentilesAreChecked() {
    assertEquals(Calibration.Method.MSE, Calibration.parse("MSE", 100).method());
    assertEquals(Calibration.Method.PERCENTILE, Calibration.parse("percentile", 99.9).method());
    assertEquals(Calibration.Method.MAX, Calibration.percentile(100).method());
    assertThrows(ModelException.class, () -> Calibration.parse("kl", 100));
    assertThrows(ModelException.class, () -> Calibration.parse("percentile", 100));
    assertThrows(ModelException.class, () -> Calibration.parse("mse", 99));
    assertThrows(ModelException.class, () -> new Calibration(Calibration.Method.MAX, 0));
  }
}
