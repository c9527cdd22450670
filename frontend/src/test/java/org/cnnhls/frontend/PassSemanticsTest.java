package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.pass.PassManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Passes keep the float semantics of real imported models: every pass on its own and the whole
 * default pipeline give the same outputs on seeded random inputs, within
 * 1e-5 * max(1, max|output|); after the pipeline only the expected engine ops remain.
 */
class PassSemanticsTest {
  private static final Path DIGITS = Path.of("../examples/digits/digits_cnn.onnx");

  /** Model name -> importer, fresh each call (graphs are immutable, but building is cheap). */
  private static final Map<String, Supplier<Graph>> MODELS = new java.util.LinkedHashMap<>();

  static {
    MODELS.put("lenet5", () -> imported(OnnxModelBuilder.lenet5(42), "lenet5"));
    MODELS.put("small_vgg", () -> imported(OnnxModelBuilder.smallVgg(42), "small_vgg"));
    MODELS.put("resnet_block", () -> imported(OnnxModelBuilder.resnetBlock(42), "resnet_block"));
    MODELS.put("mobilenetv2_block", () -> imported(OnnxModelBuilder.mobilenetV2Block(42), "mobilenetv2_block"));
    MODELS.put("activation_block", () -> imported(OnnxModelBuilder.activationBlock(42), "activation_block"));
    MODELS.put("pass_zoo", () -> imported(passZoo(42), "pass_zoo"));
    MODELS.put("unet_block", () -> imported(OnnxModelBuilder.unetBlock(42), "unet_block"));
    MODELS.put("shufflenetv2_unit", () -> imported(OnnxModelBuilder.shuffleNetV2Unit(42), "shufflenetv2_unit"));
    MODELS.put("digits_cnn", () -> OnnxImporter.load(DIGITS));
  }

  private static Graph imported(OnnxModelBuilder b, String name) {
    return OnnxImporter.fromProto(b.build(), name + ".onnx", null);
  }

  /**
   * A net made to exercise the folds the reference nets do not: a data Identity, Pad into a
   * bias-less Conv, a per-channel Add (bias), Clip(0, inf), a standalone BatchNorm after a pool,
   * -inf Pad into MaxPool, zero Pad into AveragePool, Reshape before a Gemm whose weight is a
   * Transpose of an initializer, BatchNorm after that Gemm, and an Identity as the graph output.
   */
  static OnnxModelBuilder passZoo(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("pass_zoo", 13, seed);
    String x = b.op("Identity", b.input("input", 1, 3, 12, 12));
    x = b.op("Pad", x, b.intInitializer("pad1.pads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8));
    x = b.conv(x, 3, 8, 3, 1, 0, 1, false);
    x = b.op("Add", x, b.randomInitializer("conv.bias_add", 0.2, 1, 8, 1, 1));
    x = b.op("Clip", x, b.initializer("clip.min", new float[] {0f}));
    x = b.batchNorm(b.maxPool(x, 2, 2), 8);
    x = b.op("Pad", x, b.intInitializer("pad2.pads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8),
        b.initializer("pad2.value", new float[] {Float.NEGATIVE_INFINITY}));
    x = b.maxPool(x, 3, 2);
    x = b.op("Pad", x, b.intInitializer("pad3.pads", new long[] {0, 0, 1, 1, 0, 0, 1, 1}, 8));
    x = b.averagePool(x, 2, 1);
    x = b.op("Reshape", x, b.intInitializer("flat.shape", new long[] {1, -1}, 2));
    String w = b.op("Transpose", b.randomInitializer("fc.w_t", 0.2, 10, 128));
    x = b.op("Gemm", x, w, b.randomInitializer("fc.bias", 0.1, 10));
    x = b.op("Relu", b.batchNorm(x, 10));
    String out = b.op("Identity", x);
    b.rename(out, "logits");
    b.output("logits", 1, 10);
    return b;
  }

  static Stream<Arguments> modelsAndPasses() {
    List<Arguments> out = new ArrayList<>();
    for (String model : MODELS.keySet()) {
      for (String pass : PassManager.DEFAULT_PIPELINE) out.add(Arguments.of(model, pass));
      out.add(Arguments.of(model, "pipeline"));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} / {1}")
  @MethodSource("modelsAndPasses")
  void passKeepsTheOutputs(String model, String pass) {
    Graph before = MODELS.get(model).get();
    PassManager pm = pass.equals("pipeline") ? PassManager.defaultPipeline() : PassManager.of(List.of(pass));
    Graph after = pm.run(before);
    assertSameOutputs(model + " / " + pass, before, after);
  }

  @Test
  void pipelineLeavesOnlyEngineOps() {
    assertOps("lenet5", Set.of("FusedConv", "Flatten", "FusedGemm"));
    assertOps("small_vgg", Set.of("FusedConv", "Flatten", "FusedGemm"));
    assertOps("resnet_block", Set.of("FusedConv", "FusedAdd"));
    assertOps("mobilenetv2_block", Set.of("FusedConv", "FusedAdd"));
    assertOps("digits_cnn", Set.of("FusedConv", "Flatten", "FusedGemm"));
    assertOps("pass_zoo", Set.of("FusedConv", "AveragePool", "Flatten", "FusedGemm"));
    assertOps("unet_block", Set.of("FusedConv", "Spread", "Concat"));
    assertOps("shufflenetv2_unit", Set.of("FusedConv", "Slice", "Concat", "ChannelShuffle", "GlobalAveragePool", "Flatten"));
    assertOps("activation_block", Set.of("FusedConv", "HardSwish", "Sigmoid", "Silu", "Gelu", "Tanh", "HardSigmoid"));
    assertEquals(2, count(lowered("activation_block"), n -> n.op() instanceof Op.HardSwish));
  }

  @Test
  void fusedLayersCarryTheirActivationsAndPools() {
    Graph lenet = lowered("lenet5");
    for (Node n : lenet.nodes()) {
      if (n.op() instanceof Op.FusedConv f) {
        assertTrue(f.activation() instanceof Op.Relu && f.pool() != null, n + " should be conv+relu+pool");
      }
    }
    assertEquals(2, count(lenet, n -> n.op() instanceof Op.FusedGemm f && f.activation() instanceof Op.Relu));

    Graph mobilenet = lowered("mobilenetv2_block");
    assertEquals(2, count(mobilenet, n -> n.op() instanceof Op.FusedConv f && f.activation() instanceof Op.Relu6));
    assertEquals(1, count(mobilenet, n -> n.op() instanceof Op.FusedConv f && f.conv().isDepthwise(mobilenet.shape(n.input(0)))));

    Graph resnet = lowered("resnet_block");
    assertEquals(3, count(resnet, n -> n.op() instanceof Op.FusedConv f && f.conv().group() == 1));
    assertEquals(1, count(resnet, n -> n.op() instanceof Op.FusedAdd f && f.activation() instanceof Op.Relu));
    assertEquals(List.of("output"), resnet.outputs());

    // the standalone BatchNorm became a depthwise conv that took the following (pad-folded) MaxPool
    Graph zoo = lowered("pass_zoo");
    assertTrue(zoo.nodes().stream().anyMatch(n -> n.op() instanceof Op.FusedConv f && f.conv().group() == 8
        && f.pool() != null && f.pool().pads()[0] == 1), zoo.dump());
    assertTrue(zoo.nodes().stream().anyMatch(n -> n.op() instanceof Op.AveragePool p && p.countIncludePad()), zoo.dump());
    assertEquals(List.of("logits"), zoo.outputs());
  }

  /** The IR text of real models (exporter names such as /0/Conv_output_0) parses back to itself. */
  @Test
  void dumpsOfRealModelsParseBack() {
    for (String model : MODELS.keySet()) {
      Graph g = MODELS.get(model).get();
      for (Graph h : List.of(g, PassManager.defaultPipeline().run(g))) {
        assertEquals(h.dump(), IrParser.parse(h.dump(), 1).dump(), model);
      }
    }
  }

  private static Graph lowered(String model) {
    Graph before = MODELS.get(model).get();
    Graph after = PassManager.defaultPipeline().run(before);
    assertNotSame(before, after);
    return after;
  }

  private static void assertOps(String model, Set<String> expected) {
    Set<String> ops = new TreeSet<>();
    Graph g = lowered(model);
    for (Node n : g.nodes()) ops.add(n.op().type());
    assertEquals(new TreeSet<>(expected), ops, model + " after the default pipeline:\n" + g.dump());
  }

  private static long count(Graph g, java.util.function.Predicate<Node> p) {
    return g.nodes().stream().filter(p).count();
  }

  private static void assertSameOutputs(String what, Graph a, Graph b) {
    Random random = new Random(2024);
    for (int sample = 0; sample < 2; sample++) {
      Map<String, float[]> in = new HashMap<>();
      for (ValueInfo v : a.inputs()) {
        float[] x = new float[v.shape().size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        in.put(v.name(), x);
      }
      Map<String, float[]> ya = new FloatInterpreter(a).run(in), yb = new FloatInterpreter(b).run(in);
      assertEquals(ya.keySet(), yb.keySet(), what + ": outputs");
      for (String out : ya.keySet()) {
        float[] p = ya.get(out), q = yb.get(out);
        double range = 1;
        for (float v : p) range = Math.max(range, Math.abs(v));
        for (int i = 0; i < p.length; i++) {
          double diff = Math.abs(p[i] - q[i]);
          assertTrue(diff <= 1e-5 * range, what + ": " + out + "[" + i + "] " + p[i] + " before, " + q[i] + " after");
        }
      }
    }
  }
}
