package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;

/**
 * Pre-quantized test models built with the ONNX protobuf API (no Python): QDQ as PyTorch and ONNX
 * Runtime's quantizers write it (int8 activations, symmetric, per tensor; int8 weights symmetric
 * per output channel; int32 bias at s_x s_w[c]), the same net in QOperator form, and in QONNX
 * form. Weights are seeded random; scales are chosen from the weights (max |w| / qmax per channel)
 * and fixed guesses for the activations (saturation is allowed: it is part of the semantics both
 * sides compute).
 */
public final class QuantModelBuilder {
  private QuantModelBuilder() {}

  /** Rounds a scale up to a power of two when {@code pow2}. */
  static float scale(double s, boolean pow2) {
    return pow2 ? (float) Math.scalb(1.0, (int) Math.ceil(Math.log(s) / Math.log(2))) : (float) s;
  }

  static TensorProto ints(String name, int type, long[] v, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : dims) t.addDims(d);
    for (long x : v) {
      if (type == TensorProto.DataType.INT64_VALUE) t.addInt64Data(x);
      else t.addInt32Data((int) x);
    }
    return t.build();
  }

  /** Symmetric per-output-channel integers of {@code w} ([outs][k] row-major) at {@code bits}; scales into {@code scales}. */
  static long[] quantizeWeights(float[] w, int outs, int bits, boolean narrow, boolean pow2, float[] scales) {
    int k = w.length / outs;
    long qmax = (1L << (bits - 1)) - 1, qmin = narrow ? -qmax : -qmax - 1;
    long[] q = new long[w.length];
    for (int o = 0; o < outs; o++) {
      double m = 0;
      for (int i = 0; i < k; i++) m = Math.max(m, Math.abs(w[o * k + i]));
      scales[o] = scale(Math.max(m, 1e-6) / qmax, pow2);
      for (int i = 0; i < k; i++) q[o * k + i] = Math.max(qmin, Math.min(qmax, (long) Math.rint(w[o * k + i] / scales[o])));
    }
    return q;
  }

  /** QDQ weights: an int8 initializer and its DequantizeLinear (axis 0); returns the float value's name. */
  static String dqWeights(OnnxModelBuilder b, String name, float[] w, int outs, boolean pow2, float[] scales, long... dims) {
    long[] q = quantizeWeights(w, outs, 8, false, pow2, scales);
    b.graph().addInitializer(ints(name + "_q", TensorProto.DataType.INT8_VALUE, q, dims));
    b.initializer(name + "_scale", scales, outs);
    b.graph().addInitializer(ints(name + "_zp", TensorProto.DataType.INT8_VALUE, new long[outs], outs));
    b.node("DequantizeLinear", new String[] {name + "_q", name + "_scale", name + "_zp"}, name).addAttribute(OnnxModelBuilder.i("axis", 0));
    return name;
  }

  /** QDQ bias: int32 at s_x s_w[c] and its DequantizeLinear. */
  static String dqBias(OnnxModelBuilder b, String name, float[] bias, float sx, float[] sw) {
    int n = bias.length;
    float[] s = new float[n];
    long[] q = new long[n];
    for (int c = 0; c < n; c++) {
      s[c] = sx * sw[c];
      q[c] = (long) Math.rint(bias[c] / s[c]);
    }
    b.graph().addInitializer(ints(name + "_q", TensorProto.DataType.INT32_VALUE, q, n));
    b.initializer(name + "_scale", s, n);
    b.graph().addInitializer(ints(name + "_zp", TensorProto.DataType.INT32_VALUE, new long[n], n));
    b.node("DequantizeLinear", new String[] {name + "_q", name + "_scale", name + "_zp"}, name).addAttribute(OnnxModelBuilder.i("axis", 0));
    return name;
  }

  /** QuantizeLinear then DequantizeLinear of an activation, int8 symmetric per tensor. */
  static String qdq(OnnxModelBuilder b, String x, float s) {
    String sc = b.initializer(x + "_qscale", new float[] {s});
    b.graph().addInitializer(ints(x + "_qzp", TensorProto.DataType.INT8_VALUE, new long[] {0}));
    String q = b.op("QuantizeLinear", x, sc, x + "_qzp");
    return b.op("DequantizeLinear", q, sc, x + "_qzp");
  }

  static AttributeProto[] convAttrs(int k, int pad) {
    return new AttributeProto[] {OnnxModelBuilder.ints("kernel_shape", k, k), OnnxModelBuilder.ints("pads", pad, pad, pad, pad),
        OnnxModelBuilder.ints("strides", 1, 1)};
  }

  /**
   * x [1,3,8,8] -> QDQ -> Conv 3x3 (3->8) + ReLU -> QDQ -> MaxPool 2 -> QDQ -> Conv 3x3 (8->8) +
   * ReLU -> QDQ -> Flatten -> Gemm (128->10) -> QDQ -> y [1,10]. Inputs are expected in [-1, 1].
   */
  public static OnnxModelBuilder qdqCnn(long seed, boolean pow2) {
    OnnxModelBuilder b = new OnnxModelBuilder(pow2 ? "qdq_cnn_pow2" : "qdq_cnn", 13, seed);
    float sx = scale(1.0 / 127, pow2), s1 = scale(3.0 / 127, pow2), s2 = scale(6.0 / 127, pow2), s3 = scale(8.0 / 127, pow2);
    String x = qdq(b, b.input("input", 1, 3, 8, 8), sx);
    float[] sw1 = new float[8], sw2 = new float[8], sw3 = new float[10];
    String w1 = dqWeights(b, "w1", b.random(8 * 27, 0.8), 8, pow2, sw1, 8, 3, 3, 3);
    String b1 = dqBias(b, "b1", b.random(8, 0.2), sx, sw1);
    String c1 = b.op("Conv", x, w1, b1);
    for (AttributeProto a : convAttrs(3, 1)) b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(a);
    String r1 = qdq(b, b.op("Relu", c1), s1);
    String p1 = qdq(b, b.maxPool(r1, 2, 2), s1);
    String w2 = dqWeights(b, "w2", b.random(8 * 72, 0.4), 8, pow2, sw2, 8, 8, 3, 3);
    String b2 = dqBias(b, "b2", b.random(8, 0.2), s1, sw2);
    String c2 = b.op("Conv", p1, w2, b2);
    for (AttributeProto a : convAttrs(3, 1)) b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(a);
    String r2 = qdq(b, b.op("Relu", c2), s2);
    String f = b.flatten(r2);
    String w3 = dqWeights(b, "w3", b.random(10 * 128, 0.3), 10, pow2, sw3, 10, 128);
    String b3 = dqBias(b, "b3", b.random(10, 0.2), s2, sw3);
    String g = b.op("Gemm", f, w3, b3);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.i("transB", 1));
    String y = qdq(b, g, s3);
    b.rename(y, "logits");
    b.output("logits", 1, 10);
    return b;
  }

  /**
   * The QOperator form: QuantizeLinear -> QLinearConv (3->8) -> QLinearConv (8->8) ->
   * DequantizeLinear, int8 activations and weights, per-channel weight scales, int32 bias.
   */
  public static OnnxModelBuilder qoperatorCnn(long seed, boolean pow2) {
    return qoperatorCnn(seed, pow2, false);
  }

  /**
   * {@code asymmetric}: uint8 activations with zero points 128, 110 and 128 (ONNX Runtime's
   * quantizer's default kind), 7-bit weights (ORT's reduce_range: its u8s8 kernels add pairs of
   * products in int16, which 8-bit weights could saturate).
   */
  public static OnnxModelBuilder qoperatorCnn(long seed, boolean pow2, boolean asymmetric) {
    OnnxModelBuilder b = new OnnxModelBuilder(asymmetric ? "qop_cnn_uint8" : "qop_cnn", 13, seed);
    float sx = scale(asymmetric ? 2.0 / 255 : 1.0 / 127, pow2), s1 = scale(3.0 / 127, pow2), s2 = scale(5.0 / 127, pow2);
    String x = b.input("input", 1, 3, 8, 8);
    scalar(b, "sx", sx);
    scalar(b, "s1", s1);
    scalar(b, "s2", s2);
    int type = asymmetric ? TensorProto.DataType.UINT8_VALUE : TensorProto.DataType.INT8_VALUE;
    b.graph().addInitializer(ints("zpx", type, new long[] {asymmetric ? 128 : 0}));
    b.graph().addInitializer(ints("zp1", type, new long[] {asymmetric ? 110 : 0}));
    b.graph().addInitializer(ints("zp2", type, new long[] {asymmetric ? 128 : 0}));
    int wbits = asymmetric ? 7 : 8;
    String q = b.op("QuantizeLinear", x, "sx", "zpx");
    String y1 = qlinearConv(b, q, "sx", "zpx", "s1", "zp1", 3, 8, sx, pow2, wbits, "c1");
    String y2 = qlinearConv(b, y1, "s1", "zp1", "s2", "zp2", 8, 8, s1, pow2, wbits, "c2");
    String y = b.op("DequantizeLinear", y2, "s2", "zp2");
    b.rename(y, "out");
    b.output("out", 1, 8, 8, 8);
    return b;
  }

  private static void scalar(OnnxModelBuilder b, String name, float v) {
    b.initializer(name, new float[] {v});
  }

  private static String qlinearConv(OnnxModelBuilder b, String x, String sxName, String zxName, String syName, String zyName, int cin,
      int cout, float sx, boolean pow2, int wbits, String name) {
    float[] sw = new float[cout];
    long[] q = quantizeWeights(b.random(cout * cin * 9, 1.2 / Math.sqrt(cin)), cout, wbits, false, pow2, sw);
    b.graph().addInitializer(ints(name + "_w", TensorProto.DataType.INT8_VALUE, q, cout, cin, 3, 3));
    b.initializer(name + "_ws", sw, cout);
    b.graph().addInitializer(ints(name + "_wzp", TensorProto.DataType.INT8_VALUE, new long[cout], cout));
    float[] bias = b.random(cout, 0.3);
    long[] bq = new long[cout];
    for (int c = 0; c < cout; c++) bq[c] = (long) Math.rint(bias[c] / (sx * sw[c]));
    b.graph().addInitializer(ints(name + "_b", TensorProto.DataType.INT32_VALUE, bq, cout));
    String y = b.op("QLinearConv", x, sxName, zxName, name + "_w", name + "_ws", name + "_wzp", syName, zyName, name + "_b");
    for (AttributeProto a : convAttrs(3, 1)) b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(a);
    return y;
  }

  /** A model with the QONNX domain imported (opset 1), for Quant/BipolarQuant nodes. */
  public static ModelProto withQonnxDomain(OnnxModelBuilder b) {
    return b.build().toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("qonnx.custom_op.general").setVersion(1)).build();
  }

  /** A QONNX Quant node (signed, narrow as given, ROUND) of x at a per-tensor or per-channel scale. */
  static String quant(OnnxModelBuilder b, String x, float[] scale, long[] scaleDims, int bits, boolean narrow) {
    String s = b.initializer(x + "_qs", scale, scaleDims);
    String z = b.initializer(x + "_qz", new float[] {0f});
    String bw = b.initializer(x + "_qb", new float[] {bits});
    var n = b.node("Quant", new String[] {x, s, z, bw}, x + "_quant").setDomain("qonnx.custom_op.general");
    n.addAttribute(OnnxModelBuilder.i("signed", 1)).addAttribute(OnnxModelBuilder.i("narrow", narrow ? 1 : 0))
        .addAttribute(AttributeProto.newBuilder().setName("rounding_mode").setType(AttributeProto.AttributeType.STRING)
            .setS(com.google.protobuf.ByteString.copyFromUtf8("ROUND")));
    return x + "_quant";
  }

  /**
   * QONNX form of a small CNN, Brevitas style: Quant on the input, float weights through Quant
   * (per output channel, narrow), Conv + ReLU, Quant on every activation; {@code bits} wide; the bias
   * float or (quantBias) through a 32-bit Quant at s_x s_w[c] as Brevitas' Int32Bias exports it;
   * power-of-two scales as Brevitas' {@code *ActPerTensorFixedPoint} / {@code Int8WeightPerTensorFixedPoint} choose when asked.
   */
  public static OnnxModelBuilder qonnxCnn(long seed, int bits, boolean pow2, boolean quantBias) {
    OnnxModelBuilder b = new OnnxModelBuilder("qonnx_cnn_" + bits, 13, seed);
    double qmax = (1 << (bits - 1)) - 1;
    float sx = scale(1.0 / qmax, pow2);
    String x = quant(b, b.input("input", 1, 3, 8, 8), new float[] {sx}, new long[] {}, bits, false);
    String prev = x;
    int cin = 3;
    for (int layer = 0; layer < 2; layer++) {
      float[] w = b.random(8 * cin * 9, 1.2 / Math.sqrt(cin));
      float[] sw = new float[8];
      quantizeWeights(w, 8, bits, true, pow2, sw);
      b.initializer("w" + layer, w, 8, cin, 3, 3);
      String wq = quant(b, "w" + layer, sw, new long[] {8, 1, 1, 1}, bits, true);
      String bias = b.initializer("b" + layer, b.random(8, 0.2), 8);
      if (quantBias) {
        // Brevitas' Int32Bias: the bias at the accumulator's scale s_x s_w[c], 32 bits
        float[] sb = new float[8];
        for (int c = 0; c < 8; c++) sb[c] = sx * sw[c];
        bias = quant(b, bias, sb, new long[] {8}, 32, false);
      }
      String c = b.op("Conv", prev, wq, bias);
      for (AttributeProto a : convAttrs(3, 1)) b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(a);
      sx = scale(4.0 / qmax, pow2);
      prev = quant(b, b.op("Relu", c), new float[] {sx}, new long[] {}, bits, false);
      cin = 8;
    }
    b.rename(prev, "out");
    b.output("out", 1, 8, 8, 8);
    return b;
  }
}
