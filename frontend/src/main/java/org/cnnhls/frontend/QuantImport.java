package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.QuantSpec;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ops.Op;

/**
 * Pre-quantized models: QDQ (QuantizeLinear, DequantizeLinear), QOperator (QLinearConv,
 * QLinearMatMul, com.microsoft QLinearAdd) and QONNX (Quant, BipolarQuant in the
 * {@code qonnx.custom_op.general} domain, or FINN's older {@code finn.custom_op.general}).
 *
 * <p>The IR stays the float graph: an activation the model quantizes is the value of a
 * {@link Op.FakeQuant} node (its dequantized floats), and a quantized weight becomes a float
 * constant holding its dequantized integers, tagged with their quantization
 * ({@link Tensor#withQuant}). The quantizer then keeps the model's integers
 * ({@code ModelQuantization}). QOperator ops become their float op between FakeQuants.
 *
 * <p>QONNX attributes relied on: Quant(x, scale, zeropt, bitwidth) with {@code signed} (default 1),
 * {@code narrow} (default 0), {@code rounding_mode} (default "ROUND", half to even; others refused);
 * scale and zero point constants broadcast against x with at most one axis of size &gt; 1;
 * bitwidth a constant integer. BipolarQuant(x, scale): +scale for x &gt;= 0, else -scale (weights
 * only: 2-bit narrow signed integers +-1).
 */
final class QuantImport {
  private QuantImport() {}

  static final Set<String> DEFAULT_DOMAIN_OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul");
  static final Set<String> MICROSOFT_OPS = Set.of("QLinearAdd");
  static final Set<String> QONNX_OPS = Set.of("Quant", "BipolarQuant");
  static final Set<String> QONNX_DOMAINS = Set.of("qonnx.custom_op.general", "finn.custom_op.general");

  /** Whether the importer handles this (domain, op type) here. */
  static boolean handles(String domain, String op) {
    boolean dflt = domain.isEmpty() || domain.equals("ai.onnx");
    return dflt && DEFAULT_DOMAIN_OPS.contains(op) || domain.equals("com.microsoft") && MICROSOFT_OPS.contains(op)
        || QONNX_DOMAINS.contains(domain) && QONNX_OPS.contains(op);
  }

  /** Converts one quantization node; {@code plain} converts a synthesized float node the usual way. */
  static List<Node> convert(NodeContext ctx, ImportState state, Function<NodeContext, List<Node>> plain) {
    NodeProto np = ctx.node;
    try {
      return switch (np.getOpType()) {
        case "QuantizeLinear" -> quantizeLinear(ctx, state);
        case "DequantizeLinear" -> dequantizeLinear(ctx, state);
        case "QLinearConv" -> qlinear(ctx, state, plain, "Conv", 0, 3, 6, 8);
        case "QLinearMatMul" -> qlinear(ctx, state, plain, "Gemm", 0, 3, 6, -1);
        case "QLinearAdd" -> qlinearAdd(ctx, state, plain);
        case "Quant" -> qonnxQuant(ctx, state);
        case "BipolarQuant" -> bipolar(ctx, state);
        default -> throw ctx.unsupported("not a quantization op");
      };
    } catch (ModelException e) {
      if (e.getMessage().startsWith("node '")) throw e;
      throw ctx.invalid(e.getMessage());
    }
  }

  // ---------------------------------------------------------------- QDQ

  private static List<Node> quantizeLinear(NodeContext ctx, ImportState state) {
    String x = ctx.input(0), y = ctx.node.getOutput(0);
    QuantSpec spec = linearSpec(ctx, state, 1, 2, state.shape(x));
    if (state.floatConstants.containsKey(x)) {
      // a float weight quantized in the graph: its dequantized values, tagged
      Tensor t = state.floatConstants.get(x);
      state.floatConstants.put(y, Tensor.wrap(t.shape(), spec.fakeQuantize(t.shape(), t.toFloatArray())).withQuant(spec));
      return List.of();
    }
    requireActivation(ctx, state, x);
    state.integerValues.add(y);
    return fakeQuant(ctx.name, x, y, spec, state);
  }

  private static List<Node> dequantizeLinear(NodeContext ctx, ImportState state) {
    String q = ctx.input(0), y = ctx.node.getOutput(0);
    QuantSpec spec = linearSpec(ctx, state, 1, 2, state.shape(q));
    long[] ints = state.intConstants.get(q);
    if (ints != null) {
      int type = state.intConstantTypes.getOrDefault(q, TensorProto.DataType.INT64_VALUE);
      state.floatConstants.put(y, dequantizedConstant(ctx, spec, state.intConstantShapes.get(q), ints, type));
      return List.of();
    }
    Tensor c = state.floatConstants.get(q);
    if (c != null && c.quant() != null) {
      if (!c.quant().equals(spec)) throw ctx.unsupported("dequantizes at " + spec.describe() + " what was quantized at " + c.quant().describe());
      state.aliases.put(y, q);
      return List.of();
    }
    QuantSpec known = state.quantized.get(q);
    if (known == null) {
      throw ctx.unsupported("input '" + q + "' is not a quantized tensor (a QuantizeLinear or QLinear* output, or an integer initializer)");
    }
    if (!known.equals(spec)) {
      throw ctx.unsupported("dequantizes '" + q + "' at " + spec.describe() + " but it was quantized at " + known.describe()
          + "; cnnhls needs the pair to agree");
    }
    state.aliases.put(y, q); // the value already holds the dequantized floats
    return List.of();
  }

  /** The quantization of a QuantizeLinear/DequantizeLinear (or a QLinear op's operand) from its scale and zero-point inputs. */
  private static QuantSpec linearSpec(NodeContext ctx, ImportState state, int scaleIdx, int zpIdx, Shape x) {
    float[] scale = constFloats(ctx, state, scaleIdx, "scale");
    long[] zp;
    int type;
    if (ctx.hasInput(zpIdx)) {
      String z = ctx.input(zpIdx);
      zp = state.intConstants.get(z);
      if (zp == null) throw ctx.unsupported("zero point '" + z + "' must be a constant integer tensor");
      type = state.intConstantTypes.getOrDefault(z, TensorProto.DataType.INT64_VALUE);
    } else {
      zp = new long[] {0};
      type = TensorProto.DataType.UINT8_VALUE; // ONNX's default output type without a zero point
    }
    int bits;
    boolean signed;
    switch (TensorProto.DataType.forNumber(type)) {
      case INT8 -> { bits = 8; signed = true; }
      case UINT8 -> { bits = 8; signed = false; }
      case INT16 -> { bits = 16; signed = true; }
      case UINT16 -> { bits = 16; signed = false; }
      case INT32 -> { bits = 32; signed = true; }
      default -> throw ctx.unsupported("zero point type " + TensorProto.DataType.forNumber(type) + " (int8, uint8, int16, uint16, int32)");
    }
    int axis = -1;
    if (scale.length > 1) {
      if (ctx.opset < 13 && !ctx.node.getOpType().startsWith("QLinear")) throw ctx.unsupported("per-axis scales need opset 13");
      int rank = x == null ? 0 : x.rank();
      axis = (int) ctx.i("axis", 1);
      if (axis < 0) axis += rank;
      if (axis < 0 || axis >= rank || x.dim(axis) != scale.length) {
        throw ctx.invalid(scale.length + " scales do not fit axis " + ctx.i("axis", 1) + " of " + x);
      }
    }
    try {
      return new QuantSpec(bits, signed, false, scale, zp, axis);
    } catch (ModelException e) {
      throw ctx.invalid(e.getMessage());
    }
  }

  private static float[] constFloats(NodeContext ctx, ImportState state, int i, String what) {
    if (!ctx.hasInput(i)) throw ctx.invalid("needs a " + what + " input (input " + i + ")");
    float[] v = state.floatConstant(ctx.input(i));
    if (v == null) throw ctx.unsupported(what + " '" + ctx.input(i) + "' must be a constant float tensor");
    return v;
  }

  /** An integer initializer's dequantized floats, tagged; refused if float32 cannot hold them exactly. */
  private static Tensor dequantizedConstant(NodeContext ctx, QuantSpec spec, Shape shape, long[] q, int type) {
    float[] v = new float[q.length];
    int channels = spec.perAxis() ? shape.dim(spec.axis()) : 1, inner = 1;
    if (spec.perAxis()) for (int d = spec.axis() + 1; d < shape.rank(); d++) inner *= shape.dim(d);
    for (int i = 0; i < q.length; i++) {
      int c = spec.perAxis() ? (i / inner) % channels : 0;
      if (q[i] < spec.qmin() || q[i] > spec.qmax()) throw ctx.invalid("integer " + q[i] + " at index " + i + " is outside " + spec.describe());
      v[i] = spec.dequantize(q[i], c);
      if (spec.quantize(v[i], c) != q[i]) {
        throw ctx.unsupported("integer " + q[i] + " at index " + i + " does not survive float32 dequantization exactly (|q| >= 2^24?)");
      }
    }
    return Tensor.wrap(shape, v).withQuant(spec);
  }

  private static void requireActivation(NodeContext ctx, ImportState state, String x) {
    if (state.intConstants.containsKey(x)) throw ctx.unsupported("input '" + x + "' is an integer tensor; QuantizeLinear takes float data");
  }

  private static List<Node> fakeQuant(String name, String x, String y, QuantSpec spec, ImportState state) {
    state.shapes.put(y, state.shape(x));
    state.quantized.put(y, spec);
    return List.of(new Node(name, new Op.FakeQuant(spec), List.of(x), List.of(y)));
  }

  // ---------------------------------------------------------------- QOperator

  /**
   * QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) and QLinearMatMul (a, ..,
   * b, .., y_scale, y_zp): the input as quantized, weights and bias dequantized and tagged, the
   * float op, a FakeQuant at the output's quantization.
   */
  private static List<Node> qlinear(NodeContext ctx, ImportState state, Function<NodeContext, List<Node>> plain, String floatOp,
      int x, int w, int y, int bias) {
    List<Node> out = new ArrayList<>();
    String xf = quantizedInput(ctx, state, x, out);
    String wq = ctx.input(w);
    long[] wInts = state.intConstants.get(wq);
    if (wInts == null) throw ctx.unsupported("weights '" + wq + "' must be a constant integer tensor");
    Shape wShape = state.intConstantShapes.get(wq);
    QuantSpec ws = operandSpec(ctx, state, w + 1, w + 2, wShape, floatOp.equals("Conv") ? 0 : 1);
    String wf = state.freshName(wq + "_dequantized");
    state.floatConstants.put(wf, dequantizedConstant(ctx, ws, wShape, wInts, state.intConstantTypes.get(wq)));
    List<String> ins = new ArrayList<>(List.of(xf, wf));
    if (bias >= 0 && ctx.hasInput(bias)) {
      String bq = ctx.input(bias);
      long[] b = state.intConstants.get(bq);
      if (b == null) throw ctx.unsupported("bias '" + bq + "' must be a constant int32 tensor");
      QuantSpec xs = operandSpec(ctx, state, x + 1, x + 2, state.shape(xf), -1);
      float[] bs = new float[ws.channels()];
      for (int c = 0; c < bs.length; c++) bs[c] = xs.scale(0) * ws.scale(c); // as ONNX Runtime computes the bias scale
      QuantSpec spec = new QuantSpec(32, true, false, bs, new long[] {0}, bs.length > 1 ? 0 : -1);
      String bf = state.freshName(bq + "_dequantized");
      state.floatConstants.put(bf, dequantizedConstant(ctx, spec, state.intConstantShapes.get(bq), b, TensorProto.DataType.INT32_VALUE));
      ins.add(bf);
    }
    String mid = state.freshName(ctx.node.getOutput(0) + "_float");
    NodeProto.Builder fb = NodeProto.newBuilder().setOpType(floatOp).setName(ctx.name + "_float").addAllInput(ins).addOutput(mid);
    if (floatOp.equals("Conv")) {
      for (AttributeProto a : ctx.node.getAttributeList()) fb.addAttribute(a);
    }
    out.addAll(plain.apply(new NodeContext(fb.build(), ctx.name + "_float", ctx.opset, state)));
    QuantSpec ys = operandSpec(ctx, state, y, y + 1, state.shape(mid), -1);
    out.addAll(fakeQuant(ctx.name, mid, ctx.node.getOutput(0), ys, state));
    state.integerValues.add(ctx.node.getOutput(0));
    return out;
  }

  /** com.microsoft QLinearAdd (a, a_scale, a_zp, b, b_scale, b_zp, c_scale, c_zp). */
  private static List<Node> qlinearAdd(NodeContext ctx, ImportState state, Function<NodeContext, List<Node>> plain) {
    List<Node> out = new ArrayList<>();
    String a = quantizedInput(ctx, state, 0, out), b = quantizedInput(ctx, state, 3, out);
    String mid = state.freshName(ctx.node.getOutput(0) + "_float");
    NodeProto add = NodeProto.newBuilder().setOpType("Add").setName(ctx.name + "_float").addInput(a).addInput(b).addOutput(mid).build();
    out.addAll(plain.apply(new NodeContext(add, ctx.name + "_float", ctx.opset, state)));
    out.addAll(fakeQuant(ctx.name, mid, ctx.node.getOutput(0), operandSpec(ctx, state, 6, 7, state.shape(mid), -1), state));
    state.integerValues.add(ctx.node.getOutput(0));
    return out;
  }

  /** A QLinear op's quantized activation operand: the float value, re-quantized only if the op says another scale. */
  private static String quantizedInput(NodeContext ctx, ImportState state, int i, List<Node> out) {
    String v = ctx.input(i);
    if (state.intConstants.containsKey(v) || state.floatConstants.containsKey(v)) {
      throw ctx.unsupported("input " + i + " ('" + v + "') is a constant; cnnhls takes QLinear activations from the graph");
    }
    QuantSpec spec = operandSpec(ctx, state, i + 1, i + 2, state.shape(v), -1);
    QuantSpec known = state.quantized.get(v);
    if (spec.equals(known)) return v;
    String f = state.freshName(v + "_requantized");
    out.addAll(fakeQuant(ctx.name + "_in" + i, v, f, spec, state));
    return f;
  }

  /** An operand's quantization from (scale, zero point) inputs; per axis {@code axis} when the scale has several values. */
  private static QuantSpec operandSpec(NodeContext ctx, ImportState state, int scaleIdx, int zpIdx, Shape shape, int axis) {
    float[] scale = constFloats(ctx, state, scaleIdx, "scale");
    if (scale.length > 1 && axis < 0) throw ctx.unsupported("input " + scaleIdx + " has " + scale.length + " scales; only weights may be per axis");
    String z = ctx.input(zpIdx);
    long[] zp = ctx.hasInput(zpIdx) ? state.intConstants.get(z) : new long[] {0};
    if (zp == null) throw ctx.unsupported("zero point '" + z + "' must be a constant integer tensor");
    int type = ctx.hasInput(zpIdx) ? state.intConstantTypes.getOrDefault(z, TensorProto.DataType.UINT8_VALUE) : TensorProto.DataType.UINT8_VALUE;
    boolean signed = type == TensorProto.DataType.INT8_VALUE;
    if (type != TensorProto.DataType.INT8_VALUE && type != TensorProto.DataType.UINT8_VALUE) {
      throw ctx.unsupported("zero point '" + z + "' has type " + TensorProto.DataType.forNumber(type) + "; QLinear ops take int8 or uint8");
    }
    if (scale.length > 1 && (shape == null || axis >= shape.rank() || shape.dim(axis) != scale.length)) {
      throw ctx.invalid(scale.length + " scales do not fit axis " + axis + " of " + shape);
    }
    try {
      return new QuantSpec(8, signed, false, scale, zp, scale.length > 1 ? axis : -1);
    } catch (ModelException e) {
      throw ctx.invalid(e.getMessage());
    }
  }

  // ---------------------------------------------------------------- QONNX

  private static List<Node> qonnxQuant(NodeContext ctx, ImportState state) {
    String x = ctx.input(0), y = ctx.node.getOutput(0);
    Shape xs = state.shape(x);
    String mode = ctx.s("rounding_mode", "ROUND");
    if (!mode.equals("ROUND")) {
      throw ctx.unsupported("rounding_mode " + mode + "; cnnhls rounds half to even (ROUND) only");
    }
    float[] bw = constFloats(ctx, state, 3, "bitwidth");
    if (bw.length != 1 || bw[0] != Math.rint(bw[0])) throw ctx.unsupported("bitwidth must be one constant integer, got " + java.util.Arrays.toString(bw));
    int bits = (int) bw[0];
    boolean signed = ctx.i("signed", 1) != 0, narrow = ctx.i("narrow", 0) != 0;
    float[] scale = constFloats(ctx, state, 1, "scale");
    float[] zpf = constFloats(ctx, state, 2, "zeropt");
    int axis = broadcastAxis(ctx, xs, state.shape(ctx.input(1)), scale.length, "scale");
    int zAxis = broadcastAxis(ctx, xs, state.shape(ctx.input(2)), zpf.length, "zeropt");
    if (zpf.length > 1 && zAxis != axis) throw ctx.unsupported("scale and zeropt vary along different axes");
    long[] zp = new long[zpf.length];
    for (int i = 0; i < zp.length; i++) {
      if (zpf[i] != Math.rint(zpf[i])) throw ctx.unsupported("zero point " + zpf[i] + " is not an integer");
      zp[i] = (long) zpf[i];
    }
    QuantSpec spec;
    try {
      spec = new QuantSpec(bits, signed, narrow, scale, zp, scale.length > 1 || zp.length > 1 ? axis : -1);
    } catch (ModelException e) {
      throw ctx.invalid(e.getMessage());
    }
    if (state.floatConstants.containsKey(x)) {
      Tensor t = state.floatConstants.get(x);
      state.floatConstants.put(y, Tensor.wrap(t.shape(), spec.fakeQuantize(t.shape(), t.toFloatArray())).withQuant(spec));
      return List.of();
    }
    requireActivation(ctx, state, x);
    return fakeQuant(ctx.name, x, y, spec, state);
  }

  private static List<Node> bipolar(NodeContext ctx, ImportState state) {
    String x = ctx.input(0), y = ctx.node.getOutput(0);
    Tensor t = state.floatConstants.get(x);
    if (t == null) throw ctx.unsupported("BipolarQuant of activations (a sign function) has no engine form; only of weights");
    float[] scale = constFloats(ctx, state, 1, "scale");
    int axis = broadcastAxis(ctx, t.shape(), state.shape(ctx.input(1)), scale.length, "scale");
    QuantSpec spec;
    try {
      // +-1 as 2-bit narrow signed integers: the engine's smallest storage
      spec = new QuantSpec(2, true, true, scale, new long[] {0}, scale.length > 1 ? axis : -1);
    } catch (ModelException e) {
      throw ctx.invalid(e.getMessage());
    }
    float[] v = t.toFloatArray();
    int inner = 1;
    if (spec.perAxis()) for (int d = axis + 1; d < t.shape().rank(); d++) inner *= t.shape().dim(d);
    for (int i = 0; i < v.length; i++) {
      int c = spec.perAxis() ? (i / inner) % spec.channels() : 0;
      v[i] = spec.dequantize(v[i] >= 0 ? 1 : -1, c);
    }
    state.floatConstants.put(y, Tensor.wrap(t.shape(), v).withQuant(spec));
    return List.of();
  }

  /** The one axis of x a broadcast parameter of {@code n} values varies along (-1 for a scalar); refused otherwise. */
  private static int broadcastAxis(NodeContext ctx, Shape x, Shape p, int n, String what) {
    if (n == 1) return -1;
    if (x == null || p == null) throw ctx.unsupported(what + " has " + n + " values but no known shape");
    int offset = x.rank() - p.rank(), axis = -1;
    if (offset < 0) throw ctx.invalid(what + " " + p + " has more axes than the input " + x);
    for (int d = 0; d < p.rank(); d++) {
      if (p.dim(d) == 1) continue;
      if (axis >= 0) throw ctx.unsupported(what + " " + p + " varies along more than one axis; cnnhls takes one scale per tensor or per channel");
      if (p.dim(d) != x.dim(d + offset)) throw ctx.invalid(what + " " + p + " does not broadcast against " + x);
      axis = d + offset;
    }
    return axis;
  }
}
