package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Builds ONNX models in Java with seeded random weights, for tests and fixtures (LeNet, VGG-style
 * nets, ResNet and MobileNetV2 blocks) without Python. Layer helpers return the output value name
 * so nets read top to bottom.
 */
public final class OnnxModelBuilder {
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Random random;
  private final int opset;
  private int counter;

  public OnnxModelBuilder(String name, int opset, long seed) {
    graph.setName(name);
    this.opset = opset;
    this.random = new Random(seed);
  }

  public ModelProto build() {
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("cnnhls-test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
  }

  public Path save(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      build().writeTo(out);
    }
    return file;
  }

  public GraphProto.Builder graph() {
    return graph;
  }

  // ---------------------------------------------------------------- values

  public String input(String name, long... dims) {
    graph.addInput(valueInfo(name, dims));
    return name;
  }

  public void output(String name, long... dims) {
    graph.addOutput(valueInfo(name, dims));
  }

  public static ValueInfoProto valueInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
  }

  public String initializer(String name, float[] values, long... dims) {
    graph.addInitializer(floatTensor(name, values, dims));
    return name;
  }

  public String intInitializer(String name, long[] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
    for (long d : dims) t.addDims(d);
    for (long v : values) t.addInt64Data(v);
    graph.addInitializer(t);
    return name;
  }

  public static TensorProto floatTensor(String name, float[] values, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) t.addDims(d);
    for (float v : values) t.addFloatData(v);
    return t.build();
  }

  /** Uniform in [-scale, scale). */
  public float[] random(int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    return v;
  }

  public String randomInitializer(String name, double scale, long... dims) {
    long n = 1;
    for (long d : dims) n *= d;
    return initializer(name, random((int) n, scale), dims);
  }

  // ---------------------------------------------------------------- nodes

  public NodeProto.Builder node(String op, String[] inputs, String... outputs) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + (counter++));
    for (String in : inputs) n.addInput(in);
    for (String out : outputs) n.addOutput(out);
    graph.addNode(n);
    return graph.getNodeBuilder(graph.getNodeCount() - 1);
  }

  /** A node with one fresh output; returns its name. */
  public String op(String op, String... inputs) {
    String out = op.toLowerCase() + "_out" + counter;
    node(op, inputs, out);
    return out;
  }

  public static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) a.addInts(x);
    return a.build();
  }

  public static AttributeProto i(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  public static AttributeProto f(String name, float v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  private NodeProto.Builder last() {
    return graph.getNodeBuilder(graph.getNodeCount() - 1);
  }

  // ---------------------------------------------------------------- layers

  /** Conv with He-style random weights and a random bias. */
  public String conv(String x, int cin, int cout, int k, int stride, int pad, int group, boolean bias) {
    String id = "conv" + counter;
    double scale = Math.sqrt(6.0 / (cin / group * k * k));
    String w = randomInitializer(id + ".weight", scale, cout, cin / group, k, k);
    String out = bias ? op("Conv", x, w, randomInitializer(id + ".bias", 0.1, cout)) : op("Conv", x, w);
    last().addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", stride, stride))
        .addAttribute(ints("pads", pad, pad, pad, pad)).addAttribute(i("group", group));
    return out;
  }

  /** BatchNormalization with random, well-conditioned statistics. */
  public String batchNorm(String x, int c) {
    String id = "bn" + counter;
    float[] scale = random(c, 0.5), bias = random(c, 0.2), mean = random(c, 0.2), var = random(c, 0.4);
    for (int i = 0; i < c; i++) {
      scale[i] += 1f;
      var[i] += 0.6f;
    }
    String out = op("BatchNormalization", x, initializer(id + ".scale", scale, c), initializer(id + ".bias", bias, c),
        initializer(id + ".mean", mean, c), initializer(id + ".var", var, c));
    last().addAttribute(f("epsilon", 1e-5f));
    return out;
  }

  public String relu(String x) {
    return op("Relu", x);
  }

  /** ReLU6 as exported by PyTorch at opset 11+: Clip with constant min/max inputs. */
  public String relu6(String x) {
    String id = "clip" + counter;
    return op("Clip", x, initializer(id + ".min", new float[] {0f}), initializer(id + ".max", new float[] {6f}));
  }

  public String maxPool(String x, int k, int stride) {
    String out = op("MaxPool", x);
    last().addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", stride, stride));
    return out;
  }

  public String averagePool(String x, int k, int stride) {
    String out = op("AveragePool", x);
    last().addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", stride, stride));
    return out;
  }

  public String flatten(String x) {
    return op("Flatten", x);
  }

  /** Gemm with transB=1 as PyTorch exports nn.Linear. */
  public String linear(String x, int in, int out) {
    String id = "fc" + counter;
    String y = op("Gemm", x, randomInitializer(id + ".weight", Math.sqrt(6.0 / in), out, in),
        randomInitializer(id + ".bias", 0.1, out));
    last().addAttribute(i("transB", 1));
    return y;
  }

  // ---------------------------------------------------------------- reference nets

  /** LeNet-5 on 1x1x28x28 (conv 5x5 pad 2, avg-pool-free variant with max pooling). */
  public static OnnxModelBuilder lenet5(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("lenet5", 13, seed);
    String x = b.input("input", 1, 1, 28, 28);
    x = b.maxPool(b.relu(b.conv(x, 1, 6, 5, 1, 2, 1, true)), 2, 2);
    x = b.maxPool(b.relu(b.conv(x, 6, 16, 5, 1, 0, 1, true)), 2, 2);
    x = b.flatten(x);
    x = b.relu(b.linear(x, 16 * 5 * 5, 120));
    x = b.relu(b.linear(x, 120, 84));
    x = b.linear(x, 84, 10);
    b.rename(x, "logits");
    b.output("logits", 1, 10);
    return b;
  }

  /** A small VGG-style net on 1x3x32x32: two conv-conv-pool stages, then two FC layers. */
  public static OnnxModelBuilder smallVgg(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("small_vgg", 13, seed);
    String x = b.input("input", 1, 3, 32, 32);
    x = b.relu(b.conv(x, 3, 16, 3, 1, 1, 1, true));
    x = b.maxPool(b.relu(b.conv(x, 16, 16, 3, 1, 1, 1, true)), 2, 2);
    x = b.relu(b.conv(x, 16, 32, 3, 1, 1, 1, true));
    x = b.maxPool(b.relu(b.conv(x, 32, 32, 3, 1, 1, 1, true)), 2, 2);
    x = b.flatten(x);
    x = b.relu(b.linear(x, 32 * 8 * 8, 64));
    x = b.linear(x, 64, 10);
    b.rename(x, "logits");
    b.output("logits", 1, 10);
    return b;
  }

  /** A ResNet basic block with a strided projection shortcut, BatchNorm and Add + ReLU, on 1x16x16x16. */
  public static OnnxModelBuilder resnetBlock(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("resnet_block", 13, seed);
    String x = b.input("input", 1, 16, 16, 16);
    String y = b.relu(b.batchNorm(b.conv(x, 16, 32, 3, 2, 1, 1, false), 32));
    y = b.batchNorm(b.conv(y, 32, 32, 3, 1, 1, 1, false), 32);
    String shortcut = b.batchNorm(b.conv(x, 16, 32, 1, 2, 0, 1, false), 32);
    String out = b.relu(b.op("Add", y, shortcut));
    b.rename(out, "output");
    b.output("output", 1, 32, 8, 8);
    return b;
  }

  /** A MobileNetV2 inverted-residual block (expand 6, depthwise 3x3, ReLU6 as Clip) on 1x16x14x14. */
  public static OnnxModelBuilder mobilenetV2Block(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("mobilenetv2_block", 13, seed);
    String x = b.input("input", 1, 16, 14, 14);
    String y = b.relu6(b.batchNorm(b.conv(x, 16, 96, 1, 1, 0, 1, false), 96));
    y = b.relu6(b.batchNorm(b.conv(y, 96, 96, 3, 1, 1, 96, false), 96));
    y = b.batchNorm(b.conv(y, 96, 16, 1, 1, 0, 1, false), 16);
    String out = b.op("Add", x, y);
    b.rename(out, "output");
    b.output("output", 1, 16, 14, 14);
    return b;
  }

  /**
   * The modern activations (issue 14) after convs on 1x8x10x10, opset 14: HardSwish as an op and as
   * x * Relu6(x + 3) / 6, Sigmoid, SiLU as x * Sigmoid(x), GELU as x * 0.5 * (1 + Erf(x / sqrt 2)),
   * Tanh and HardSigmoid, each behind its own 3x3 conv.
   */
  public static OnnxModelBuilder activationBlock(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("activation_block", 14, seed);
    String x = b.input("input", 1, 8, 10, 10);
    String y = b.op("HardSwish", b.conv(x, 8, 8, 3, 1, 1, 1, true));
    y = b.conv(y, 8, 8, 3, 1, 1, 1, true);
    String r = b.relu6(b.op("Add", y, b.initializer("hsw.three", new float[] {3f})));
    y = b.op("Div", b.op("Mul", y, r), b.initializer("hsw.six", new float[] {6f}));
    y = b.op("Sigmoid", b.conv(y, 8, 8, 3, 1, 1, 1, true));
    y = b.conv(y, 8, 8, 3, 1, 1, 1, true);
    y = b.op("Mul", y, b.op("Sigmoid", y));
    y = b.conv(y, 8, 8, 3, 1, 1, 1, true);
    String e = b.op("Erf", b.op("Div", y, b.initializer("gelu.sqrt2", new float[] {(float) Math.sqrt(2)})));
    y = b.op("Mul", b.op("Mul", y, b.op("Add", e, b.initializer("gelu.one", new float[] {1f}))),
        b.initializer("gelu.half", new float[] {0.5f}));
    y = b.op("Tanh", b.conv(y, 8, 8, 3, 1, 1, 1, true));
    y = b.op("HardSigmoid", b.conv(y, 8, 8, 3, 1, 1, 1, true));
    b.rename(y, "output");
    b.output("output", 1, 8, 10, 10);
    return b;
  }

  /** Renames the value produced by the last node that outputs {@code from}. */
  public void rename(String from, String to) {
    for (int n = 0; n < graph.getNodeCount(); n++) {
      NodeProto.Builder nb = graph.getNodeBuilder(n);
      for (int o = 0; o < nb.getOutputCount(); o++) if (nb.getOutput(o).equals(from)) nb.setOutput(o, to);
      for (int i = 0; i < nb.getInputCount(); i++) if (nb.getInput(i).equals(from)) nb.setInput(i, to);
    }
  }
}
