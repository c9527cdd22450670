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

  /**
   * A CIFAR-10-size CNN in the style of FINN's CNV on 1x3x32x32 (pad 1): conv 64-64-pool-128-128-pool-256-256-pool,
   * FC 512-512-10, ReLU (the dataflow architecture's benchmark, issue 15).
   */
  public static OnnxModelBuilder cnv(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("cnv", 13, seed);
    String x = b.input("input", 1, 3, 32, 32);
    int c = 3;
    for (int out : new int[] {64, 128, 256}) {
      x = b.relu(b.conv(x, c, out, 3, 1, 1, 1, true));
      x = b.maxPool(b.relu(b.conv(x, out, out, 3, 1, 1, 1, true)), 2, 2);
      c = out;
    }
    x = b.flatten(x);
    x = b.relu(b.linear(x, 256 * 4 * 4, 512));
    x = b.relu(b.linear(x, 512, 512));
    x = b.linear(x, 512, 10);
    b.rename(x, "logits");
    b.output("logits", 1, 10);
    return b;
  }

  /** hls4ml's jet-tagging MLP on 1x16: 16-64-32-32-5, ReLU (issue 15). */
  public static OnnxModelBuilder jetMlp(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("jet_mlp", 13, seed);
    String x = b.input("input", 1, 16);
    x = b.relu(b.linear(x, 16, 64));
    x = b.relu(b.linear(x, 64, 32));
    x = b.relu(b.linear(x, 32, 32));
    x = b.linear(x, 32, 5);
    b.rename(x, "logits");
    b.output("logits", 1, 5);
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

  /** ConvTranspose with random weights [cin, cout/group, k, k] and a random bias. */
  public String convTranspose(String x, int cin, int cout, int k, int stride, int pad, int outputPadding, int group) {
    String id = "deconv" + counter;
    double scale = Math.sqrt(6.0 / (cin / group * k * k));
    String w = randomInitializer(id + ".weight", scale, cin, cout / group, k, k);
    String out = op("ConvTranspose", x, w, randomInitializer(id + ".bias", 0.1, cout));
    last().addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("strides", stride, stride))
        .addAttribute(ints("pads", pad, pad, pad, pad)).addAttribute(i("group", group));
    if (outputPadding != 0) last().addAttribute(ints("output_padding", outputPadding, outputPadding));
    return out;
  }

  /**
   * A squeeze-excitation block (issue 14) on 1x16x8x8: conv 3x3 + ReLU, global average pool, 1x1
   * conv 16 -> 4 + ReLU, 1x1 conv 4 -> 16, the gate ReLU6 then a constant Mul by 1/6 (a scalar
   * constant Mul: HardSigmoid's shape without its offset), the per-channel Mul of the conv output by
   * the gate, and a same-shape Mul with the block input.
   */
  public static OnnxModelBuilder seBlock(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("se_block", 13, seed);
    String x = b.input("input", 1, 16, 8, 8);
    String y = b.relu(b.conv(x, 16, 16, 3, 1, 1, 1, true));
    String s = b.op("GlobalAveragePool", y);
    s = b.relu(b.conv(s, 16, 4, 1, 1, 0, 1, true));
    s = b.relu6(b.conv(s, 4, 16, 1, 1, 0, 1, true));
    s = b.op("Mul", s, b.initializer("gate.scale", new float[] {1f / 6}));
    String z = b.op("Mul", y, s);
    String out = b.op("Mul", z, x);
    b.rename(out, "output");
    b.output("output", 1, 16, 8, 8);
    return b;
  }

  /** A string attribute. */
  public static AttributeProto s(String name, String v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
  }

  /** Resize (opset 11+) to constant sizes on H and W, by mode and coordinate transform. */
  public String resize(String x, long c, long h, long w, String mode, String coord) {
    String id = "resize" + counter;
    String out = op("Resize", x, "", "", intInitializer(id + ".sizes", new long[] {1, c, h, w}, 4));
    last().addAttribute(s("mode", mode)).addAttribute(s("coordinate_transformation_mode", coord));
    return out;
  }

  /**
   * A UNet-style decoder step on 1x8x8x8: a stride-2 conv down, a k2 s2 ConvTranspose up, Concat with
   * the skip, a conv, then a grouped k3 s2 ConvTranspose with pads 1 and output_padding 1.
   */
  public static OnnxModelBuilder unetBlock(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("unet_block", 13, seed);
    String x = b.input("input", 1, 8, 8, 8);
    String down = b.relu(b.conv(x, 8, 16, 3, 2, 1, 1, true));
    String up = b.relu(b.convTranspose(down, 16, 8, 2, 2, 0, 0, 1));
    String cat = b.op("Concat", x, up);
    b.last().addAttribute(i("axis", 1));
    String y = b.relu(b.conv(cat, 16, 8, 3, 1, 1, 1, true));
    String out = b.convTranspose(y, 8, 8, 3, 2, 1, 1, 2);
    b.rename(out, "output");
    b.output("output", 1, 8, 16, 16);
    return b;
  }

  /**
   * Two ShuffleNetV2 units on 1x16x8x8: the first splits channels with Split, the second with two
   * Slices; each runs 1x1 conv-BN-ReLU, depthwise 3x3 conv-BN, 1x1 conv-BN-ReLU on one half, concats
   * and shuffles (Reshape, Transpose, Reshape); ReduceMean over H, W (keepdims 0) pools at the end.
   */
  public static OnnxModelBuilder shuffleNetV2Unit(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("shufflenetv2_unit", 13, seed);
    String x = b.input("input", 1, 16, 8, 8);
    for (int unit = 0; unit < 2; unit++) {
      String left, right;
      if (unit == 0) {
        left = "split" + b.counter + "_a";
        right = "split" + b.counter + "_b";
        b.node("Split", new String[] {x, b.intInitializer("split" + b.counter + ".sizes", new long[] {8, 8}, 2)}, left, right)
            .addAttribute(i("axis", 1));
      } else {
        left = b.op("Slice", x, b.intInitializer("sl" + b.counter + ".starts", new long[] {0}, 1),
            b.intInitializer("sl" + b.counter + ".ends", new long[] {8}, 1), b.intInitializer("sl" + b.counter + ".axes", new long[] {1}, 1));
        right = b.op("Slice", x, b.intInitializer("sl" + b.counter + ".starts", new long[] {8}, 1),
            b.intInitializer("sl" + b.counter + ".ends", new long[] {Long.MAX_VALUE}, 1),
            b.intInitializer("sl" + b.counter + ".axes", new long[] {-3}, 1));
      }
      String y = b.relu(b.batchNorm(b.conv(right, 8, 8, 1, 1, 0, 1, false), 8));
      y = b.batchNorm(b.conv(y, 8, 8, 3, 1, 1, 8, false), 8);
      y = b.relu(b.batchNorm(b.conv(y, 8, 8, 1, 1, 0, 1, false), 8));
      String cat = b.op("Concat", left, y);
      b.last().addAttribute(i("axis", 1));
      String r = b.op("Reshape", cat, b.intInitializer("shuf" + b.counter + ".shape", new long[] {1, 2, 8, 8, 8}, 5));
      String t = b.op("Transpose", r);
      b.last().addAttribute(ints("perm", 0, 2, 1, 3, 4));
      x = b.op("Reshape", t, b.intInitializer("shuf" + b.counter + ".back", new long[] {1, 16, 8, 8}, 4));
    }
    String out = b.op("ReduceMean", x);
    b.last().addAttribute(ints("axes", 2, 3)).addAttribute(i("keepdims", 0));
    b.rename(out, "output");
    b.output("output", 1, 16);
    return b;
  }

  /**
   * Resize blocks (issue 14) on 1x8x6x6: conv 3x3 + ReLU, nearest x2 (half_pixel, round_prefer_floor),
   * bilinear down to 8x8 (half_pixel, a ratio of 2/3), bilinear x2 (align_corners), conv 3x3 8 -> 4.
   */
  public static OnnxModelBuilder resizeBlock(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("resize_block", 13, seed);
    String x = b.input("input", 1, 8, 6, 6);
    String y = b.relu(b.conv(x, 8, 8, 3, 1, 1, 1, true));
    y = b.resize(y, 8, 12, 12, "nearest", "half_pixel");
    y = b.resize(y, 8, 8, 8, "linear", "half_pixel");
    y = b.resize(y, 8, 16, 16, "linear", "align_corners");
    String out = b.conv(y, 8, 4, 3, 1, 1, 1, true);
    b.rename(out, "output");
    b.output("output", 1, 4, 16, 16);
    return b;
  }

  /**
   * torchvision's shufflenet_v2_x0_5 graph (stage channels 24, 48, 96, 192, 1024; 4, 8, 4 units) at
   * size x size with random weights, exported as torch does at opset 13: conv-BN-ReLU stem, MaxPool
   * 3x3 s2 p1, per stage a stride-2 unit (both branches, Concat) then stride-1 units (Split, branch,
   * Concat), each followed by the Reshape/Transpose/Reshape channel shuffle; conv5, ReduceMean over
   * H and W, Gemm to 1000 classes. Stands in for the torchvision export where torch is absent.
   */
  public static OnnxModelBuilder shuffleNetV2x05(long seed, int size) {
    OnnxModelBuilder b = new OnnxModelBuilder("shufflenet_v2_x0_5", 13, seed);
    String x = b.input("input", 1, 3, size, size);
    x = b.relu(b.batchNorm(b.conv(x, 3, 24, 3, 2, 1, 1, false), 24));
    x = b.maxPool(x, 3, 2);
    b.last().addAttribute(ints("pads", 1, 1, 1, 1));
    int hw = ((size + 1) / 2 + 1) / 2, in = 24;
    int[] outs = {48, 96, 192}, repeats = {4, 8, 4};
    for (int stage = 0; stage < 3; stage++) {
      int out = outs[stage], half = out / 2;
      for (int u = 0; u < repeats[stage]; u++) {
        String left, right;
        if (u == 0) {
          left = b.batchNorm(b.conv(x, in, in, 3, 2, 1, in, false), in);
          left = b.relu(b.batchNorm(b.conv(left, in, half, 1, 1, 0, 1, false), half));
          right = b.relu(b.batchNorm(b.conv(x, in, half, 1, 1, 0, 1, false), half));
          right = b.batchNorm(b.conv(right, half, half, 3, 2, 1, half, false), half);
          hw = (hw + 1) / 2;
        } else {
          left = "split" + b.counter + "_a";
          String mid = "split" + b.counter + "_b";
          b.node("Split", new String[] {x, b.intInitializer("split" + b.counter + ".sizes", new long[] {half, half}, 2)}, left, mid)
              .addAttribute(i("axis", 1));
          right = b.relu(b.batchNorm(b.conv(mid, half, half, 1, 1, 0, 1, false), half));
          right = b.batchNorm(b.conv(right, half, half, 3, 1, 1, half, false), half);
        }
        right = b.relu(b.batchNorm(b.conv(right, half, half, 1, 1, 0, 1, false), half));
        String cat = b.op("Concat", left, right);
        b.last().addAttribute(i("axis", 1));
        String r = b.op("Reshape", cat, b.intInitializer("shuf" + b.counter + ".shape", new long[] {1, 2, half, hw, hw}, 5));
        String t = b.op("Transpose", r);
        b.last().addAttribute(ints("perm", 0, 2, 1, 3, 4));
        x = b.op("Reshape", t, b.intInitializer("shuf" + b.counter + ".back", new long[] {1, out, hw, hw}, 4));
        in = out;
      }
    }
    x = b.relu(b.batchNorm(b.conv(x, in, 1024, 1, 1, 0, 1, false), 1024));
    x = b.op("ReduceMean", x);
    b.last().addAttribute(ints("axes", 2, 3)).addAttribute(i("keepdims", 0));
    String logits = b.op("Gemm", x, b.randomInitializer("fc.weight", Math.sqrt(6.0 / 1024), 1000, 1024),
        b.randomInitializer("fc.bias", 0.1, 1000));
    b.last().addAttribute(i("transB", 1));
    b.rename(logits, "output");
    b.output("output", 1, 1000);
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

  /**
   * A YOLOv3-tiny-style detector on 1x3x16x16 with two heads: conv-BN-LeakyReLU(0.1) stages with
   * 2x2 max-pools down to f1 (16x4x4) and f2 (32x2x2); the coarse head a 1x1 conv on f2; a 1x1
   * lateral conv on f2, nearest 2x upsampling (as PyTorch exports interpolate: asymmetric, floor),
   * Concat with f1, a 3x3 and a 1x1 conv for the fine head. The outputs are listed fine first, so
   * the model's output order differs from the order their layers run in.
   */
  public static OnnxModelBuilder yoloTinyBlock(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("yolo_tiny_block", 13, seed);
    String x = b.input("input", 1, 3, 16, 16);
    x = b.maxPool(b.leakyRelu(b.batchNorm(b.conv(x, 3, 8, 3, 1, 1, 1, false), 8), 0.1f), 2, 2);
    String f1 = b.maxPool(b.leakyRelu(b.batchNorm(b.conv(x, 8, 16, 3, 1, 1, 1, false), 16), 0.1f), 2, 2);
    String f2 = b.maxPool(b.leakyRelu(b.batchNorm(b.conv(f1, 16, 32, 3, 1, 1, 1, false), 32), 0.1f), 2, 2);
    String coarse = b.conv(f2, 32, 12, 1, 1, 0, 1, true);
    String lat = b.leakyRelu(b.batchNorm(b.conv(f2, 32, 8, 1, 1, 0, 1, false), 8), 0.1f);
    String up = b.resize(lat, 8, 4, 4, "nearest", "asymmetric");
    b.last().addAttribute(s("nearest_mode", "floor"));
    String cat = b.op("Concat", up, f1);
    b.last().addAttribute(i("axis", 1));
    String y = b.leakyRelu(b.batchNorm(b.conv(cat, 24, 16, 3, 1, 1, 1, false), 16), 0.1f);
    String fine = b.conv(y, 16, 12, 1, 1, 0, 1, true);
    b.rename(fine, "boxes_fine");
    b.rename(coarse, "boxes_coarse");
    b.output("boxes_fine", 1, 12, 4, 4);
    b.output("boxes_coarse", 1, 12, 2, 2);
    return b;
  }

  public String leakyRelu(String x, float alpha) {
    String out = op("LeakyRelu", x);
    last().addAttribute(f("alpha", alpha));
    return out;
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
