package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The structural ops in fixed point (issue 14): the lowered ConvTranspose (Spread + Conv), Slice,
 * ChannelShuffle and general Reduce run in the bit-accurate interpreter, and its results track the
 * float reference (per-model SQNR bound at 16 and 8 bit).
 */
class StructuralOpsQuantTest {

  @ParameterizedTest(name = "{0} at {1} bit")
  @CsvSource({"unet_block, 16, 50", "unet_block, 8, 20", "shufflenetv2_unit, 16, 50", "shufflenetv2_unit, 8, 20",
      "reduce_any_axes, 16, 40", "reduce_any_axes, 8, 15"})
  void fixedPointTracksFloat(String name, int bits, double minSqnrDb) {
    Graph g = name.equals("reduce_any_axes")
        ? org.cnnhls.ir.pass.PassManager.defaultPipeline().run(reduceOnly())
        : ReferenceModels.pipelined(name);
    List<Map<String, float[]>> samples = ReferenceModels.samples(g, name, 8);
    ValueRanges ranges = ValueRanges.calibrate(g, samples, 100);
    QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset(String.valueOf(bits)), ranges);
    FloatInterpreter fl = new FloatInterpreter(g);
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    double signal = 0, noise = 0;
    for (Map<String, float[]> s : samples) {
      for (Map.Entry<String, float[]> e : fl.run(s).entrySet()) {
        float[] a = e.getValue(), b = bit.runFloat(s).get(e.getKey());
        for (int i = 0; i < a.length; i++) {
          signal += (double) a[i] * a[i];
          noise += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
      }
    }
    double sqnr = 10 * Math.log10(signal / Math.max(noise, 1e-30));
    System.out.printf("%s %d-bit: SQNR %.1f dB%n", name, bits, sqnr);
    assertTrue(sqnr >= minSqnrDb, name + " at " + bits + " bit: SQNR " + sqnr + " dB");
  }

  /** The channel ReduceMean and W ReduceSum of the ORT comparison model, without its float-only LogSoftmax. */
  private static Graph reduceOnly() {
    OnnxModelBuilder b = new OnnxModelBuilder("reduce_c", 13, 3);
    String x = b.input("input", 1, 3, 12, 12);
    String y = b.relu(b.conv(x, 3, 8, 3, 1, 1, 1, true));
    String m = b.op("ReduceMean", y);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 1));
    String sum = b.op("ReduceSum", y, b.intInitializer("sum.axes", new long[] {-1}, 1));
    String mx = b.op("ReduceMax", sum);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 0, 2));
    String mn = b.op("ReduceMin", m);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 1));
    b.rename(mx, "max");
    b.output("max", 1, 8, 1, 1);
    b.rename(mn, "min");
    b.output("min", 1, 1, 12, 12);
    return OnnxImporter.fromProto(b.build(), "reduce_c.onnx", null);
  }
}
