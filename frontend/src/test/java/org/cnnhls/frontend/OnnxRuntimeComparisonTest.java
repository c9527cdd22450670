package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole models built with seeded random weights, run by ONNX Runtime (float CPU) and by the float
 * interpreter on seeded random inputs. Tolerance: |a - b| <= 1e-5 + 1e-4 * max|ort output|, the
 * conformance tolerance scaled to the output's range, since ORT's summation order differs.
 */
class OnnxRuntimeComparisonTest {

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("lenet5", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::lenet5),
        Arguments.of("small_vgg", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::smallVgg),
        Arguments.of("resnet_block", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::resnetBlock),
        Arguments.of("mobilenetv2_block", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::mobilenetV2Block),
        Arguments.of("activation_block", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::activationBlock),
        // ReduceMean/ReduceMax over H, W as MnasNet, ShuffleNetV2 and SE blocks pool: global pooling
        Arguments.of("reducemean_keepdims0_opset13", (LongFunction<OnnxModelBuilder>) s -> reduceHead(s, 13, false, false)),
        Arguments.of("reducemean_keepdims1_opset18", (LongFunction<OnnxModelBuilder>) s -> reduceHead(s, 18, false, true)),
        Arguments.of("reducemax_keepdims0_opset18", (LongFunction<OnnxModelBuilder>) s -> reduceHead(s, 18, true, false)),
        Arguments.of("reducemax_keepdims1_opset13", (LongFunction<OnnxModelBuilder>) s -> reduceHead(s, 13, true, true)));
  }

  /** Conv, ReLU, a ReduceMean/ReduceMax over [2, 3] (axes an attribute before opset 18, an input from 18), a Linear. */
  static OnnxModelBuilder reduceHead(long seed, int opset, boolean max, boolean keepdims) {
    OnnxModelBuilder b = new OnnxModelBuilder("reduce", opset, seed);
    String x = b.input("input", 1, 3, 12, 12);
    String y = b.relu(b.conv(x, 3, 8, 3, 1, 1, 1, true));
    String op = max ? "ReduceMax" : "ReduceMean", r;
    if (opset >= 18) {
      r = b.op(op, y, b.intInitializer("axes", new long[] {-1, 2}, 2));
    } else {
      r = b.op(op, y);
      b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 2, 3));
    }
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.i("keepdims", keepdims ? 1 : 0));
    String z = b.linear(keepdims ? b.flatten(r) : r, 8, 5);
    b.rename(z, "logits");
    b.output("logits", 1, 5);
    return b;
  }

  @org.junit.jupiter.api.Test
  void reductionsOverOtherAxesAreRefusedByName() {
    OnnxModelBuilder b = new OnnxModelBuilder("reduce_c", 13, 1);
    String x = b.input("input", 1, 3, 12, 12);
    String r = b.op("ReduceMean", b.relu(b.conv(x, 3, 8, 3, 1, 1, 1, true)));
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 1));
    b.rename(r, "y");
    b.output("y", 1, 1, 12, 12);
    UnsupportedFeatureException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedFeatureException.class,
        () -> OnnxImporter.fromProto(b.build(), "reduce_c.onnx", null));
    assertTrue(e.getMessage().contains("ReduceMean") && e.getMessage().contains("spatial axes [2, 3]")
        && e.getMessage().contains("axes [1]"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void interpreterMatchesOnnxRuntime(String name, LongFunction<OnnxModelBuilder> factory) throws Exception {
    ModelProto model = factory.apply(42).build();
    Graph g = OnnxImporter.fromProto(model, name + ".onnx", null);
    FloatInterpreter interp = new FloatInterpreter(g);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Shape inShape = g.inputs().get(0).shape();
    long[] dims = java.util.Arrays.stream(inShape.dims()).asLongStream().toArray();
    Random random = new Random(7);
    double worst = 0;
    try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions())) {
      for (int sample = 0; sample < 3; sample++) {
        float[] x = new float[inShape.size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        float[] ours = interp.run(Map.of(g.inputs().get(0).name(), x)).values().iterator().next();
        float[] theirs;
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims);
            OrtSession.Result r = session.run(Map.of(g.inputs().get(0).name(), t))) {
          FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
          theirs = new float[fb.remaining()];
          fb.get(theirs);
        }
        assertEquals(theirs.length, ours.length, "output size");
        double range = 0;
        for (float v : theirs) range = Math.max(range, Math.abs(v));
        assertTrue(range > 0, "degenerate all-zero output");
        for (int i = 0; i < ours.length; i++) {
          double diff = Math.abs(ours[i] - theirs[i]);
          worst = Math.max(worst, diff / range);
          assertTrue(diff <= 1e-5 + 1e-4 * range,
              name + " sample " + sample + " index " + i + ": ours " + ours[i] + " ORT " + theirs[i]);
        }
      }
    }
    System.out.printf("%s vs ONNX Runtime: worst |diff| / max|output| = %.2e (%.3f MMAC)%n", name, worst, g.totalMacs() / 1e6);
  }
}
