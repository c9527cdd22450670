package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trained digits CNN in fixed point: top-1 accuracy on the held-out split against float, at
 * 16 bit (within 0.5 points, >= 99.5% agreement) and 8 bit (within 2 points). Calibration uses the
 * first 64 held-out samples.
 */
class DigitsQuantizationTest {
  static final Path DIR = Path.of("../examples/digits");

  @ParameterizedTest(name = "precision {0}")
  @CsvSource({"16, 0.5, 99.5", "8, 2.0, 0"})
  void fixedPointTracksFloat(String precision, double maxDrop, double minAgreement) {
    Graph g = OnnxImporter.load(DIR.resolve("digits_cnn.onnx"));
    NpyFiles.Floats x = NpyFiles.readFloats(DIR.resolve("test_x.npy"));
    long[] labels = NpyFiles.readLongs(DIR.resolve("test_y.npy"));
    int n = labels.length, per = x.data().length / n;
    String in = g.inputs().get(0).name(), out = g.outputs().get(0);
    List<Map<String, float[]>> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] s = new float[per];
      System.arraycopy(x.data(), i * per, s, 0, per);
      samples.add(Map.of(in, s));
    }
    ValueRanges ranges = ValueRanges.calibrate(g, samples.subList(0, 64), 100);
    QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset(precision), ranges);
    FloatInterpreter fl = new FloatInterpreter(g);
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    int floatCorrect = 0, fixedCorrect = 0, agree = 0;
    for (int i = 0; i < n; i++) {
      int a = argmax(fl.run(samples.get(i)).get(out)), b = argmax(bit.runFloat(samples.get(i)).get(out));
      if (a == labels[i]) floatCorrect++;
      if (b == labels[i]) fixedCorrect++;
      if (a == b) agree++;
    }
    double floatAcc = 100.0 * floatCorrect / n, fixedAcc = 100.0 * fixedCorrect / n, agreement = 100.0 * agree / n;
    System.out.printf("digits %s-bit: float top-1 %.2f%%, fixed %.2f%%, agreement %.2f%%%n", precision, floatAcc, fixedAcc, agreement);
    assertTrue(floatAcc - fixedAcc <= maxDrop, "fixed-point accuracy dropped by " + (floatAcc - fixedAcc) + " points");
    assertTrue(agreement >= minAgreement, "agreement with float only " + agreement + "%");
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }
}
