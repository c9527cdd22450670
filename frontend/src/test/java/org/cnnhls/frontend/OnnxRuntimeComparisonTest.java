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
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;
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
        Arguments.of("reducemax_keepdims1_opset13", (LongFunction<OnnxModelBuilder>) s -> reduceHead(s, 13, true, true)),
        // structural ops (issue 14)
        Arguments.of("unet_block", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::unetBlock),
        Arguments.of("shufflenetv2_unit", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::shuffleNetV2Unit),
        Arguments.of("shufflenet_v2_x0_5_64", (LongFunction<OnnxModelBuilder>) s -> OnnxModelBuilder.shuffleNetV2x05(s, 64)),
        Arguments.of("reduce_channels_logsoftmax", (LongFunction<OnnxModelBuilder>) OnnxRuntimeComparisonTest::channelReduce),
        // issue 14: squeeze-excitation Muls, nearest and bilinear Resize (sizes), and bilinear by scales
        Arguments.of("se_block", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::seBlock),
        Arguments.of("resize_block", (LongFunction<OnnxModelBuilder>) OnnxModelBuilder::resizeBlock),
        Arguments.of("resize_scales_pytorch_half_pixel", (LongFunction<OnnxModelBuilder>) s -> resizeScales(s, "pytorch_half_pixel", 1.5f)),
        Arguments.of("resize_scales_asymmetric", (LongFunction<OnnxModelBuilder>) s -> resizeScales(s, "asymmetric", 2f)),
        Arguments.of("resize_scales_align_corners_0p6", (LongFunction<OnnxModelBuilder>) s -> resizeScales(s, "align_corners", 0.6f)),
        Arguments.of("resize_opset10_linear", (LongFunction<OnnxModelBuilder>) s -> oldLinear(s, "Resize", 10)),
        Arguments.of("upsample_opset9_linear", (LongFunction<OnnxModelBuilder>) s -> oldLinear(s, "Upsample", 9)));
  }

  /** Resize-10 / Upsample-9 mode linear (asymmetric by definition) by scales 2 on H and W. */
  static OnnxModelBuilder oldLinear(long seed, String op, int opset) {
    OnnxModelBuilder b = new OnnxModelBuilder("old_linear", opset, seed);
    String x = b.input("input", 1, 3, 5, 5);
    String y = b.conv(x, 3, 4, 3, 1, 1, 1, true);
    String r = b.op(op, y, b.initializer("scales", new float[] {1, 1, 2, 2}, 4));
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.s("mode", "linear"));
    b.output(r, 1, 4, 10, 10);
    return b;
  }

  @Test
  void nonConstantResizeScalesAreRefusedByNode() {
    OnnxModelBuilder b = new OnnxModelBuilder("dyn_resize", 13, 1);
    String x = b.input("input", 1, 3, 4, 4);
    String sc = b.input("scales", 4);
    b.node("Resize", new String[] {x, "", sc}, "y").setName("dyn");
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.s("mode", "linear"));
    b.output("y", 1, 3, 8, 8);
    ModelException e = org.junit.jupiter.api.Assertions.assertThrows(ModelException.class,
        () -> OnnxImporter.fromProto(b.build(), "dyn.onnx", null));
    assertTrue(e.getMessage().contains("'dyn'") && e.getMessage().contains("constant"), e.getMessage());
  }

  /** Conv, then a linear Resize by constant scales on H and W (opset 13). */
  static OnnxModelBuilder resizeScales(long seed, String coord, float scale) {
    OnnxModelBuilder b = new OnnxModelBuilder("resize_scales", 13, seed);
    String x = b.input("input", 1, 3, 10, 10);
    String y = b.conv(x, 3, 4, 3, 1, 1, 1, true);
    String r = b.op("Resize", y, "", b.initializer("scales", new float[] {1, 1, scale, scale}, 4));
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.s("mode", "linear"))
        .addAttribute(OnnxModelBuilder.s("coordinate_transformation_mode", coord));
    int out = (int) Math.floor(10 * (double) scale);
    b.output(r, 1, 4, out, out);
    return b;
  }


  /** ReduceMean over channels (keepdims), ReduceSum over W (axes input), a strided Slice, LogSoftmax on the last axis. */
  static OnnxModelBuilder channelReduce(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("reduce_c", 13, seed);
    String x = b.input("input", 1, 3, 12, 12);
    String y = b.relu(b.conv(x, 3, 8, 3, 1, 1, 1, true));
    String m = b.op("ReduceMean", y);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 1));
    String sum = b.op("ReduceSum", y, b.intInitializer("sum.axes", new long[] {-1}, 1));
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.i("keepdims", 0));
    String sl = b.op("Slice", sum, b.intInitializer("sl.starts", new long[] {-1, 1}, 2), b.intInitializer("sl.ends",
        new long[] {-100, 12}, 2), b.intInitializer("sl.axes", new long[] {1, 2}, 2), b.intInitializer("sl.steps", new long[] {-2, 3}, 2));
    String ls = b.op("LogSoftmax", sl);
    b.rename(ls, "y");
    b.output("y", 1, 4, 4);
    b.rename(m, "mean");
    b.output("mean", 1, 1, 12, 12);
    return b;
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
  void reductionsOverOtherAxesAreGeneralReduceOps() {
    Graph g = OnnxImporter.fromProto(channelReduce(1).build(), "reduce_c.onnx", null);
    assertTrue(g.nodes().stream().anyMatch(n -> n.op() instanceof org.cnnhls.ir.ops.Op.Reduce r
        && r.kind() == org.cnnhls.ir.ops.Op.ReduceKind.MEAN && java.util.Arrays.equals(r.axes(), new int[] {1})), g.dump());
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
