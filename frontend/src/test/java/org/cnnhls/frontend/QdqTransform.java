package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-training QDQ quantization of a float test model, as PyTorch's FX flow lays it out: BatchNorm
 * folded into the conv first; int8 symmetric weights per output channel, int32 bias at s_x s_w[c];
 * int8 symmetric activations per tensor from max |x| over calibration inputs run by ONNX Runtime;
 * no Q/DQ between a Conv/Add and the ReLU/Clip it fuses with; ops that share their input's
 * quantization in PyTorch (ReLU, Clip, max and average pooling, Flatten, Reshape) keep its scale.
 * {@code pow2}: every scale rounded up to a power of two.
 */
final class QdqTransform {
  private QdqTransform() {}

  static final Set<String> SHARED = Set.of("Relu", "Clip", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Identity");

  static ModelProto quantize(ModelProto floatModel, List<float[]> calibration, boolean pow2) throws Exception {
    GraphProto g = foldBatchNorm(resolveWeightAliases(floatModel.getGraph()));
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) inits.put(t.getName(), t);
    Map<String, Double> range = ranges(floatModel.toBuilder().setGraph(g).build(), calibration);
    Map<String, List<NodeProto>> consumers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) for (String in : n.getInputList()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);

    GraphProto.Builder out = g.toBuilder().clearNode();
    Map<String, Float> scale = new HashMap<>();
    Map<String, String> dq = new HashMap<>(); // float value -> its fake-quantized name
    String input = g.getInput(0).getName();
    scale.put(input, scale(range.get(input) / 127, pow2));
    dq.put(input, qdq(out, input, scale.get(input)));
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Constant")) {
        out.addNode(n); // Clip bounds and the like
        continue;
      }
      NodeProto.Builder nb = n.toBuilder().clearInput();
      for (int i = 0; i < n.getInputCount(); i++) {
        String in = n.getInput(i);
        boolean weight = (n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")) && i == 1;
        boolean bias = (n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")) && i == 2;
        if (weight) {
          nb.addInput(weightsDq(out, inits.get(in), pow2, scale.get(n.getInput(0)), n.getInputCount() > 2 ? inits.get(n.getInput(2)) : null));
        } else if (bias) {
          nb.addInput(in + "_dq");
        } else {
          nb.addInput(dq.getOrDefault(in, in));
        }
      }
      out.addNode(nb);
      String y = n.getOutput(0);
      List<NodeProto> cs = consumers.getOrDefault(y, List.of());
      boolean fusedNext = (n.getOpType().equals("Conv") || n.getOpType().equals("Add") || n.getOpType().equals("Gemm")) && cs.size() == 1
          && (cs.get(0).getOpType().equals("Relu") || cs.get(0).getOpType().equals("Clip"));
      if (fusedNext) continue; // the activation's output carries the quantization
      float s = SHARED.contains(n.getOpType()) && scale.containsKey(n.getInput(0)) ? scale.get(n.getInput(0))
          : scale(Math.max(range.get(y), 1e-6) / 127, pow2);
      scale.put(y, s);
      dq.put(y, qdq(out, y, s));
    }
    // graph outputs read the fake-quantized values
    List<ValueInfoProto> outs = new ArrayList<>(out.getOutputList());
    out.clearOutput();
    for (ValueInfoProto o : outs) {
      String name = o.getName();
      // rename: the last DequantizeLinear writes the output's name
      String fq = dq.get(name);
      for (int k = 0; k < out.getNodeCount(); k++) {
        NodeProto.Builder nb = out.getNodeBuilder(k);
        for (int j = 0; j < nb.getOutputCount(); j++) if (nb.getOutput(j).equals(fq)) nb.setOutput(j, name + "_q_out");
        for (int j = 0; j < nb.getInputCount(); j++) if (nb.getInput(j).equals(fq)) nb.setInput(j, name + "_q_out");
      }
      out.addOutput(o.toBuilder().setName(name + "_q_out"));
    }
    return floatModel.toBuilder().setGraph(out).build();
  }

  static float scale(double s, boolean pow2) {
    return QuantModelBuilder.scale(s, pow2);
  }

  private static String qdq(GraphProto.Builder g, String x, float s) {
    g.addInitializer(OnnxModelBuilder.floatTensor(x + "_qs", new float[] {s}));
    g.addInitializer(QuantModelBuilder.ints(x + "_qz", TensorProto.DataType.INT8_VALUE, new long[] {0}));
    g.addNode(NodeProto.newBuilder().setOpType("QuantizeLinear").setName(x + "_quant").addInput(x).addInput(x + "_qs").addInput(x + "_qz")
        .addOutput(x + "_q"));
    g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(x + "_dequant").addInput(x + "_q").addInput(x + "_qs")
        .addInput(x + "_qz").addOutput(x + "_dq"));
    return x + "_dq";
  }

  /** int8 per-output-channel weights (axis 0) and, when given, the int32 bias at s_x s_w[c]; returns the weights' float name. */
  private static String weightsDq(GraphProto.Builder g, TensorProto w, boolean pow2, float sx, TensorProto bias) {
    float[] v = floats(w);
    int outs = (int) w.getDims(0);
    float[] sw = new float[outs];
    long[] q = QuantModelBuilder.quantizeWeights(v, outs, 8, false, pow2, sw);
    long[] dims = w.getDimsList().stream().mapToLong(Long::longValue).toArray();
    String name = w.getName();
    g.addInitializer(QuantModelBuilder.ints(name + "_q", TensorProto.DataType.INT8_VALUE, q, dims));
    g.addInitializer(OnnxModelBuilder.floatTensor(name + "_s", sw, outs));
    g.addInitializer(QuantModelBuilder.ints(name + "_z", TensorProto.DataType.INT8_VALUE, new long[outs], outs));
    g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(name + "_dequant").addInput(name + "_q").addInput(name + "_s")
        .addInput(name + "_z").addOutput(name + "_dq").addAttribute(OnnxModelBuilder.i("axis", 0)));
    if (bias != null) {
      float[] b = floats(bias), sb = new float[outs];
      long[] qb = new long[outs];
      for (int c = 0; c < outs; c++) {
        sb[c] = sx * sw[c];
        qb[c] = (long) Math.rint(b[c] / sb[c]);
      }
      String bn = bias.getName();
      g.addInitializer(QuantModelBuilder.ints(bn + "_q", TensorProto.DataType.INT32_VALUE, qb, outs));
      g.addInitializer(OnnxModelBuilder.floatTensor(bn + "_s", sb, outs));
      g.addInitializer(QuantModelBuilder.ints(bn + "_z", TensorProto.DataType.INT32_VALUE, new long[outs], outs));
      g.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(bn + "_dequant").addInput(bn + "_q").addInput(bn + "_s")
          .addInput(bn + "_z").addOutput(bn + "_dq").addAttribute(OnnxModelBuilder.i("axis", 0)));
    }
    return name + "_dq";
  }

  /** Exporters alias shared weights through Identity: copies of the initializer under the Identity's output name. */
  static GraphProto resolveWeightAliases(GraphProto g) {
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) inits.put(t.getName(), t);
    GraphProto.Builder out = g.toBuilder().clearNode();
    for (NodeProto n : g.getNodeList()) {
      if (n.getOpType().equals("Identity") && inits.containsKey(n.getInput(0))) {
        out.addInitializer(inits.get(n.getInput(0)).toBuilder().setName(n.getOutput(0)));
      } else {
        out.addNode(n);
      }
    }
    return out.build();
  }

  static float[] floats(TensorProto t) {
    if (!t.getRawData().isEmpty()) {
      java.nio.FloatBuffer fb = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      float[] v = new float[fb.remaining()];
      fb.get(v);
      return v;
    }
    float[] v = new float[t.getFloatDataCount()];
    for (int i = 0; i < v.length; i++) v[i] = t.getFloatData(i);
    return v;
  }

  /** Conv followed by BatchNormalization: one Conv with folded weights and bias (in double, as PyTorch's fuse_conv_bn_eval). */
  static GraphProto foldBatchNorm(GraphProto g) {
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : g.getInitializerList()) inits.put(t.getName(), t);
    Map<String, NodeProto> producer = new HashMap<>();
    for (NodeProto n : g.getNodeList()) producer.put(n.getOutput(0), n);
    GraphProto.Builder out = g.toBuilder().clearNode();
    Set<String> folded = new HashSet<>();
    Map<String, NodeProto> replaced = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      if (!n.getOpType().equals("BatchNormalization")) continue;
      NodeProto c = producer.get(n.getInput(0));
      if (c == null || !c.getOpType().equals("Conv")) continue;
      float[] w = floats(inits.get(c.getInput(1)));
      int outs = (int) inits.get(c.getInput(1)).getDims(0), k = w.length / outs;
      float[] gamma = floats(inits.get(n.getInput(1))), beta = floats(inits.get(n.getInput(2))), mean = floats(inits.get(n.getInput(3))),
          var = floats(inits.get(n.getInput(4)));
      float[] b0 = c.getInputCount() > 2 ? floats(inits.get(c.getInput(2))) : new float[outs];
      float eps = 1e-5f;
      for (var a : n.getAttributeList()) if (a.getName().equals("epsilon")) eps = a.getF();
      float[] w2 = new float[w.length], b2 = new float[outs];
      for (int o = 0; o < outs; o++) {
        double f = gamma[o] / Math.sqrt(var[o] + (double) eps);
        for (int i = 0; i < k; i++) w2[o * k + i] = (float) (w[o * k + i] * f);
        b2[o] = (float) ((b0[o] - mean[o]) * f + beta[o]);
      }
      long[] dims = inits.get(c.getInput(1)).getDimsList().stream().mapToLong(Long::longValue).toArray();
      String wn = c.getInput(1) + "_bn", bn = c.getInput(1) + "_bnbias";
      out.addInitializer(OnnxModelBuilder.floatTensor(wn, w2, dims));
      out.addInitializer(OnnxModelBuilder.floatTensor(bn, b2, outs));
      replaced.put(c.getName(), c.toBuilder().clearInput().addInput(c.getInput(0)).addInput(wn).addInput(bn).setOutput(0, n.getOutput(0)).build());
      folded.add(n.getName());
    }
    for (NodeProto n : g.getNodeList()) {
      if (folded.contains(n.getName())) continue;
      out.addNode(replaced.getOrDefault(n.getName(), n));
    }
    return out.build();
  }

  /** max |x| of every node output over the calibration inputs, by ONNX Runtime on the float model. */
  static Map<String, Double> ranges(ModelProto m, List<float[]> samples) throws Exception {
    GraphProto.Builder g = m.getGraph().toBuilder();
    Set<String> outs = new HashSet<>();
    for (ValueInfoProto o : g.getOutputList()) outs.add(o.getName());
    for (NodeProto n : g.getNodeList()) {
      if (outs.add(n.getOutput(0))) {
        g.addOutput(ValueInfoProto.newBuilder().setName(n.getOutput(0)).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
      }
    }
    ModelProto all = m.toBuilder().setGraph(g).build();
    Map<String, Double> r = new HashMap<>();
    String in = g.getInput(0).getName();
    long[] dims = g.getInput(0).getType().getTensorType().getShape().getDimList().stream().mapToLong(d -> d.getDimValue()).toArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(all.toByteArray(), new OrtSession.SessionOptions())) {
      for (float[] x : samples) {
        double mx = 0;
        for (float v : x) mx = Math.max(mx, Math.abs(v));
        r.merge(in, mx, Math::max);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims); OrtSession.Result res = s.run(Map.of(in, t))) {
          for (var e : res) {
            FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
            double v = 0;
            while (fb.hasRemaining()) v = Math.max(v, Math.abs(fb.get()));
            r.merge(e.getKey(), v, Math::max);
          }
        }
      }
    }
    return r;
  }
}
