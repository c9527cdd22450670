package org.cnnhls.ir.ops;

import java.util.Arrays;
import java.util.List;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;

/**
 * The operations of the IR. Each is an immutable record whose attributes are fully resolved at
 * import (explicit pads instead of auto_pad, concrete target shapes for Reshape, concrete output
 * sizes for Resize), so shape inference needs only the input shapes. Spatial ops work on NCHW.
 *
 * <p>Absent optional inputs have a {@code null} shape in {@link #inferShapes}.
 */
public sealed interface Op {

  /** The ONNX op type this record stands for, used in dumps and error messages. */
  String type();

  /** Output shapes from input shapes; throws {@link ModelException} on inconsistent inputs. */
  List<Shape> inferShapes(List<Shape> in);

  /** Multiply-accumulates of one execution (Conv, Gemm and MatMul only; other ops count 0). */
  default long macs(List<Shape> in, List<Shape> out) {
    return 0;
  }

  /** Non-default attributes for the text dump, e.g. {@code k=3x3 s=1x1 p=1,1,1,1}; empty if none. */
  default String attributes() {
    return "";
  }

  // ---------------------------------------------------------------- linear ops

  /** 2-D convolution. Inputs: X [N,C,H,W], W [M,C/group,kh,kw], optional B [M]. */
  record Conv(int[] kernel, int[] strides, int[] pads, int[] dilations, int group) implements Op {
    public String type() {
      return "Conv";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0), w = in.get(1);
      Spatial.requireRank4(x, "Conv input");
      if (w.rank() != 4) throw new ModelException("Conv weight must be 4-D, got " + w);
      int c = x.dim(1), m = w.dim(0);
      if (c % group != 0 || m % group != 0 || w.dim(1) * group != c) {
        throw new ModelException("Conv weight " + w + " does not match input " + x + " with group=" + group);
      }
      if (w.dim(2) != kernel[0] || w.dim(3) != kernel[1]) {
        throw new ModelException("Conv kernel_shape " + kernel[0] + "x" + kernel[1] + " does not match weight " + w);
      }
      if (in.size() > 2 && in.get(2) != null && !in.get(2).equals(Shape.of(m))) {
        throw new ModelException("Conv bias shape " + in.get(2) + " should be [" + m + "]");
      }
      int oh = Spatial.outDim(x.dim(2), kernel[0], strides[0], pads[0], pads[2], dilations[0], false);
      int ow = Spatial.outDim(x.dim(3), kernel[1], strides[1], pads[1], pads[3], dilations[1], false);
      return List.of(Shape.of(x.dim(0), m, oh, ow));
    }

    public long macs(List<Shape> in, List<Shape> out) {
      return (long) out.get(0).size() * (in.get(0).dim(1) / group) * kernel[0] * kernel[1];
    }

    public String attributes() {
      return Spatial.describe(kernel, strides, pads, dilations) + (group != 1 ? " group=" + group : "");
    }

    public boolean isDepthwise(Shape input) {
      return group > 1 && group == input.dim(1);
    }

    @Override public boolean equals(Object o) {
      return o instanceof Conv c && Arrays.equals(kernel, c.kernel) && Arrays.equals(strides, c.strides)
          && Arrays.equals(pads, c.pads) && Arrays.equals(dilations, c.dilations) && group == c.group;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(kernel) * 31 + Arrays.hashCode(pads) + group;
    }

    @Override public String toString() {
      return "Conv(" + attributes() + ")";
    }
  }

  /** Y = alpha * A' * B' + beta * C, with A' and B' optionally transposed. */
  record Gemm(float alpha, float beta, boolean transA, boolean transB) implements Op {
    public String type() {
      return "Gemm";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape a = in.get(0), b = in.get(1);
      if (a.rank() != 2 || b.rank() != 2) throw new ModelException("Gemm needs 2-D inputs, got " + a + " and " + b);
      int m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
      int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
      if (k != kb) throw new ModelException("Gemm inner dimensions differ: " + a + " x " + b);
      Shape out = Shape.of(m, n);
      if (in.size() > 2 && in.get(2) != null && !Shape.broadcast(in.get(2), out).equals(out)) {
        throw new ModelException("Gemm C " + in.get(2) + " does not broadcast to " + out);
      }
      return List.of(out);
    }

    public long macs(List<Shape> in, List<Shape> out) {
      Shape a = in.get(0);
      return (long) out.get(0).size() * (transA ? a.dim(0) : a.dim(1));
    }

    public String attributes() {
      StringBuilder sb = new StringBuilder();
      if (alpha != 1f) sb.append("alpha=").append(alpha).append(' ');
      if (beta != 1f) sb.append("beta=").append(beta).append(' ');
      if (transA) sb.append("transA ");
      if (transB) sb.append("transB ");
      return sb.toString().trim();
    }
  }

  /** Numpy matmul with batch broadcasting. */
  record MatMul() implements Op {
    public String type() {
      return "MatMul";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return List.of(MatMulShapes.of(in.get(0), in.get(1)).out());
    }

    public long macs(List<Shape> in, List<Shape> out) {
      MatMulShapes s = MatMulShapes.of(in.get(0), in.get(1));
      return (long) s.batch() * s.m() * s.n() * s.k();
    }
  }

  // ---------------------------------------------------------------- pooling

  record MaxPool(int[] kernel, int[] strides, int[] pads, int[] dilations, boolean ceilMode) implements Op {
    public String type() {
      return "MaxPool";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return List.of(Spatial.poolShape(in.get(0), kernel, strides, pads, dilations, ceilMode, "MaxPool"));
    }

    public String attributes() {
      return Spatial.describe(kernel, strides, pads, dilations) + (ceilMode ? " ceil" : "");
    }

    @Override public boolean equals(Object o) {
      return o instanceof MaxPool p && Arrays.equals(kernel, p.kernel) && Arrays.equals(strides, p.strides)
          && Arrays.equals(pads, p.pads) && Arrays.equals(dilations, p.dilations) && ceilMode == p.ceilMode;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(kernel) * 31 + Arrays.hashCode(strides);
    }

    @Override public String toString() {
      return "MaxPool(" + attributes() + ")";
    }
  }

  record AveragePool(int[] kernel, int[] strides, int[] pads, boolean ceilMode, boolean countIncludePad)
      implements Op {
    public String type() {
      return "AveragePool";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return List.of(Spatial.poolShape(in.get(0), kernel, strides, pads, new int[] {1, 1}, ceilMode, "AveragePool"));
    }

    public String attributes() {
      return Spatial.describe(kernel, strides, pads, new int[] {1, 1}) + (ceilMode ? " ceil" : "")
          + (countIncludePad ? " count_include_pad" : "");
    }

    @Override public boolean equals(Object o) {
      return o instanceof AveragePool p && Arrays.equals(kernel, p.kernel) && Arrays.equals(strides, p.strides)
          && Arrays.equals(pads, p.pads) && ceilMode == p.ceilMode && countIncludePad == p.countIncludePad;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(kernel) * 31 + Arrays.hashCode(strides);
    }

    @Override public String toString() {
      return "AveragePool(" + attributes() + ")";
    }
  }

  /** Mean over all spatial positions; output [N,C,1,...]. */
  record GlobalAveragePool() implements Op {
    public String type() {
      return "GlobalAveragePool";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return List.of(Spatial.globalShape(in.get(0), type()));
    }
  }

  record GlobalMaxPool() implements Op {
    public String type() {
      return "GlobalMaxPool";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return List.of(Spatial.globalShape(in.get(0), type()));
    }
  }

  // ---------------------------------------------------------------- normalization and activations

  /** Inference-mode batch normalization. Inputs: X, scale, B, mean, var (each [C]). */
  record BatchNormalization(float epsilon) implements Op {
    public String type() {
      return "BatchNormalization";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      if (x.rank() < 2) throw new ModelException("BatchNormalization input must have a channel axis, got " + x);
      for (int i = 1; i < 5; i++) {
        if (!in.get(i).equals(Shape.of(x.dim(1)))) {
          throw new ModelException("BatchNormalization parameter " + i + " has shape " + in.get(i) + ", expected [" + x.dim(1) + "]");
        }
      }
      return List.of(x);
    }

    public String attributes() {
      return "eps=" + epsilon;
    }
  }

  /** Element-wise activations: one input, same shape out. */
  sealed interface Activation extends Op {
    float apply(float x);

    default List<Shape> inferShapes(List<Shape> in) {
      return List.of(in.get(0));
    }
  }

  record Relu() implements Activation {
    public String type() {
      return "Relu";
    }

    public float apply(float x) {
      return x > 0 ? x : 0f;
    }
  }

  /** Clamp to [min, max]; ReLU6 is Clip(0, 6). Infinite bounds mean unbounded. */
  record Clip(float min, float max) implements Activation {
    public String type() {
      return "Clip";
    }

    public float apply(float x) {
      return Math.min(Math.max(x, min), max);
    }

    public String attributes() {
      return "min=" + min + " max=" + max;
    }
  }

  record LeakyRelu(float alpha) implements Activation {
    public String type() {
      return "LeakyRelu";
    }

    public float apply(float x) {
      return x >= 0 ? x : alpha * x;
    }

    public String attributes() {
      return "alpha=" + alpha;
    }
  }

  record Sigmoid() implements Activation {
    public String type() {
      return "Sigmoid";
    }

    public float apply(float x) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
  }

  record Tanh() implements Activation {
    public String type() {
      return "Tanh";
    }

    public float apply(float x) {
      return (float) Math.tanh(x);
    }
  }

  record HardSigmoid(float alpha, float beta) implements Activation {
    public String type() {
      return "HardSigmoid";
    }

    public float apply(float x) {
      return Math.max(0f, Math.min(1f, alpha * x + beta));
    }

    public String attributes() {
      return "alpha=" + alpha + " beta=" + beta;
    }
  }

  /**
   * Softmax. With {@code flatten2d} (opset &lt; 13) the input is viewed as 2-D [prod(dims[:axis]),
   * prod(dims[axis:])] and normalized per row; otherwise along {@code axis} only.
   */
  record Softmax(int axis, boolean flatten2d) implements Op {
    public String type() {
      return "Softmax";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      in.get(0).axis(axis);
      return List.of(in.get(0));
    }

    public String attributes() {
      return "axis=" + axis + (flatten2d ? " coerce2d" : "");
    }
  }

  /** min(max(x, 0), 6), recognised from Clip(0, 6) by the recognize-relu6 pass. */
  record Relu6() implements Activation {
    public String type() {
      return "Relu6";
    }

    public float apply(float x) {
      return Math.min(Math.max(x, 0f), 6f);
    }
  }

  // ---------------------------------------------------------------- modern activations (issue 14)

  /** x * HardSigmoid(x) with alpha 1/6, beta 1/2: x * clamp(x / 6 + 1/2, 0, 1) (ONNX HardSwish, opset 14). */
  record HardSwish() implements Activation {
    public String type() {
      return "HardSwish";
    }

    public float apply(float x) {
      return x * Math.max(0f, Math.min(1f, x / 6f + 0.5f));
    }
  }

  /** SiLU / Swish: x * Sigmoid(x), recognised by the recognize-silu pass. */
  record Silu() implements Activation {
    public String type() {
      return "Silu";
    }

    public float apply(float x) {
      return (float) (x / (1.0 + Math.exp(-x)));
    }
  }

  /** GELU, exact (erf) form: x * 0.5 * (1 + erf(x / sqrt 2)), recognised by the recognize-gelu pass. */
  record Gelu() implements Activation {
    public String type() {
      return "Gelu";
    }

    public float apply(float x) {
      return (float) (x * 0.5 * (1.0 + ErrorFunction.erf(x / Math.sqrt(2.0))));
    }
  }

  /** Element-wise math with no fixed-point form (float interpreter only). */
  sealed interface Unary extends Op {
    float apply(float x);

    default List<Shape> inferShapes(List<Shape> in) {
      return List.of(in.get(0));
    }
  }

  record Erf() implements Unary {
    public String type() {
      return "Erf";
    }

    public float apply(float x) {
      return (float) ErrorFunction.erf(x);
    }
  }

  record Sqrt() implements Unary {
    public String type() {
      return "Sqrt";
    }

    public float apply(float x) {
      return (float) Math.sqrt(x);
    }
  }

  record Reciprocal() implements Unary {
    public String type() {
      return "Reciprocal";
    }

    public float apply(float x) {
      return 1f / x;
    }
  }

  /** Pow with a constant scalar exponent (ONNX Pow's second input, resolved at import). */
  record Pow(float exponent) implements Unary {
    public String type() {
      return "Pow";
    }

    public float apply(float x) {
      if (exponent == 2f) return x * x;
      if (exponent == 1f) return x;
      return (float) Math.pow(x, exponent);
    }

    public String attributes() {
      return "exponent=" + exponent;
    }
  }

  /** Passes its input through; removed by the remove-identity pass. */
  record Identity() implements Op {
    public String type() {
      return "Identity";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return List.of(in.get(0));
    }
  }

  /**
   * A quantization the model carries on a value (a QuantizeLinear/DequantizeLinear pair, a QOperator
   * op's output, a QONNX Quant): in float it is fake quantization, {@link org.cnnhls.ir.QuantSpec};
   * the quantizer takes the value's fixed-point format from it and removes the node.
   */
  record FakeQuant(org.cnnhls.ir.QuantSpec spec) implements Op {
    public String type() {
      return "FakeQuant";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      if (spec.perAxis()) {
        int axis = spec.axis();
        if (axis >= x.rank() || x.dim(axis) != spec.channels()) {
          throw new ModelException("per-axis quantization on axis " + axis + " with " + spec.channels() + " scales does not fit " + x);
        }
      }
      return List.of(x);
    }

    /** Parseable by IrParser: {@code bits=8 signed narrow axis=0 scale=[0.5,0.25] zp=[0,0]}. */
    public String attributes() {
      StringBuilder sb = new StringBuilder("bits=").append(spec.bits());
      if (spec.signed()) sb.append(" signed");
      if (spec.narrow()) sb.append(" narrow");
      if (spec.perAxis()) sb.append(" axis=").append(spec.axis());
      StringBuilder sc = new StringBuilder(), zp = new StringBuilder();
      for (int c = 0; c < spec.scale().length; c++) sc.append(c > 0 ? "," : "").append(spec.scale()[c]);
      for (int c = 0; c < spec.zeroPoint().length; c++) zp.append(c > 0 ? "," : "").append(spec.zeroPoint()[c]);
      return sb.append(" scale=[").append(sc).append("] zp=[").append(zp).append(']').toString();
    }
  }

  // ---------------------------------------------------------------- fused layers (what the engine runs)

  /**
   * Convolution with bias, then an optional activation, then an optional max-pool: one pass of the
   * accelerator's conv engine. Inputs as {@link Conv}. {@code activation} and {@code pool} may be null.
   */
  record FusedConv(Conv conv, Activation activation, MaxPool pool) implements Op {
    public String type() {
      return "FusedConv";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      List<Shape> out = conv.inferShapes(in);
      return pool == null ? out : pool.inferShapes(out);
    }

    public long macs(List<Shape> in, List<Shape> out) {
      return conv.macs(in, conv.inferShapes(in));
    }

    public String attributes() {
      return conv.attributes() + Fused.suffix(activation) + (pool == null ? "" : " +MaxPool(" + pool.attributes() + ")");
    }
  }

  /** Gemm (alpha = beta = 1, A not transposed) with bias and an optional activation. */
  record FusedGemm(boolean transB, Activation activation) implements Op {
    public String type() {
      return "FusedGemm";
    }

    public Gemm gemm() {
      return new Gemm(1f, 1f, false, transB);
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return gemm().inferShapes(in);
    }

    public long macs(List<Shape> in, List<Shape> out) {
      return gemm().macs(in, out);
    }

    public String attributes() {
      return ((transB ? "transB" : "") + Fused.suffix(activation)).trim(); // no leading blank without transB
    }
  }

  /** Element-wise Add followed by an optional activation (the residual join). */
  record FusedAdd(Activation activation) implements Op {
    public String type() {
      return "FusedAdd";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      return new Add().inferShapes(in);
    }

    public String attributes() {
      return Fused.suffix(activation).trim();
    }
  }

  // ---------------------------------------------------------------- element-wise binary

  sealed interface Binary extends Op {
    float apply(float a, float b);

    default List<Shape> inferShapes(List<Shape> in) {
      if (in.size() != 2 || in.get(0) == null || in.get(1) == null) {
        throw new ModelException(type() + " needs two inputs, got " + in.stream().filter(java.util.Objects::nonNull).count());
      }
      return List.of(Shape.broadcast(in.get(0), in.get(1)));
    }
  }

  record Add() implements Binary {
    public String type() {
      return "Add";
    }

    public float apply(float a, float b) {
      return a + b;
    }
  }

  record Mul() implements Binary {
    public String type() {
      return "Mul";
    }

    public float apply(float a, float b) {
      return a * b;
    }
  }

  record Sub() implements Binary {
    public String type() {
      return "Sub";
    }

    public float apply(float a, float b) {
      return a - b;
    }
  }

  record Div() implements Binary {
    public String type() {
      return "Div";
    }

    public float apply(float a, float b) {
      return a / b;
    }
  }

  // ---------------------------------------------------------------- layout

  record Concat(int axis) implements Op {
    public String type() {
      return "Concat";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape first = in.get(0);
      int a = first.axis(axis);
      int[] dims = first.dims();
      dims[a] = 0;
      for (Shape s : in) {
        if (s.rank() != first.rank()) throw new ModelException("Concat inputs have different ranks: " + first + " and " + s);
        for (int i = 0; i < s.rank(); i++) {
          if (i != a && s.dim(i) != first.dim(i)) {
            throw new ModelException("Concat inputs differ off the concat axis: " + first + " and " + s);
          }
        }
        dims[a] += s.dim(a);
      }
      return List.of(new Shape(dims));
    }

    public String attributes() {
      return "axis=" + axis;
    }
  }

  record Flatten(int axis) implements Op {
    public String type() {
      return "Flatten";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      int a = axis < 0 ? axis + x.rank() : axis;
      if (a < 0 || a > x.rank()) throw new ModelException("Flatten axis " + axis + " out of range for " + x);
      return List.of(Shape.of(x.product(0, a), x.product(a, x.rank())));
    }

    public String attributes() {
      return axis != 1 ? "axis=" + axis : "";
    }
  }

  /** Reshape to a fully resolved target shape (no 0 or -1 left). */
  record Reshape(int[] shape) implements Op {
    public String type() {
      return "Reshape";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape target = new Shape(shape);
      if (target.size() != in.get(0).size()) {
        throw new ModelException("Reshape from " + in.get(0) + " to " + target + " changes the element count");
      }
      return List.of(target);
    }

    public String attributes() {
      return "shape=" + new Shape(shape);
    }

    @Override public boolean equals(Object o) {
      return o instanceof Reshape r && Arrays.equals(shape, r.shape);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(shape);
    }

    @Override public String toString() {
      return "Reshape(" + attributes() + ")";
    }
  }

  record Transpose(int[] perm) implements Op {
    public String type() {
      return "Transpose";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      if (perm.length != x.rank()) throw new ModelException("Transpose perm has " + perm.length + " axes for input " + x);
      int[] out = new int[perm.length];
      boolean[] seen = new boolean[perm.length];
      for (int i = 0; i < perm.length; i++) {
        if (perm[i] < 0 || perm[i] >= perm.length || seen[perm[i]]) {
          throw new ModelException("Transpose perm " + Arrays.toString(perm) + " is not a permutation");
        }
        seen[perm[i]] = true;
        out[i] = x.dim(perm[i]);
      }
      return List.of(new Shape(out));
    }

    /** True when the permutation only moves size-1 axes, so the data order is unchanged. */
    public boolean isLayoutNoOp(Shape input) {
      int last = -1;
      for (int p : perm) {
        if (input.dim(p) == 1) continue;
        if (p < last) return false;
        last = p;
      }
      return true;
    }

    public String attributes() {
      return "perm=" + Arrays.toString(perm).replace(" ", "");
    }

    @Override public boolean equals(Object o) {
      return o instanceof Transpose t && Arrays.equals(perm, t.perm);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(perm);
    }

    @Override public String toString() {
      return "Transpose(" + attributes() + ")";
    }
  }

  enum PadMode { CONSTANT, REFLECT, EDGE }

  /** Pad (or crop, for negative pads). {@code pads} holds all begins, then all ends, per axis. */
  record Pad(int[] pads, PadMode mode, float value) implements Op {
    public String type() {
      return "Pad";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      if (pads.length != 2 * x.rank()) throw new ModelException("Pad has " + pads.length + " pads for input " + x);
      int[] out = x.dims();
      for (int i = 0; i < out.length; i++) {
        out[i] += pads[i] + pads[i + out.length];
        if (out[i] <= 0) throw new ModelException("Pad removes all of axis " + i + " of " + x);
        if (mode == PadMode.REFLECT && (pads[i] >= x.dim(i) || pads[i + out.length] >= x.dim(i))) {
          throw new ModelException("reflect Pad of " + pads[i] + " is not smaller than axis " + i + " of " + x);
        }
      }
      return List.of(new Shape(out));
    }

    public String attributes() {
      return "pads=" + Arrays.toString(pads).replace(" ", "") + " mode=" + mode.name().toLowerCase()
          + (mode == PadMode.CONSTANT && value != 0 ? " value=" + value : "");
    }

    @Override public boolean equals(Object o) {
      return o instanceof Pad p && Arrays.equals(pads, p.pads) && mode == p.mode && Float.compare(value, p.value) == 0;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(pads);
    }

    @Override public String toString() {
      return "Pad(" + attributes() + ")";
    }
  }

  /** How an output coordinate maps back to an input coordinate in Resize. */
  enum CoordinateMode { HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN }

  enum NearestMode { ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL }

  /**
   * Resize (and Upsample): nearest-neighbour, or {@code linear} (separable linear interpolation on
   * every axis, bilinear on NCHW's H and W; ONNX's "linear"). {@code outDims} is the full output
   * shape and {@code scales} the per-axis scale used in the coordinate transform; {@code nearestMode}
   * only matters when not linear.
   */
  record Resize(int[] outDims, float[] scales, CoordinateMode coordinateMode, NearestMode nearestMode, boolean linear)
      implements Op {
    public Resize(int[] outDims, float[] scales, CoordinateMode coordinateMode, NearestMode nearestMode) {
      this(outDims, scales, coordinateMode, nearestMode, false);
    }

    public String type() {
      return "Resize";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      if (outDims.length != in.get(0).rank()) throw new ModelException("Resize output rank differs from input " + in.get(0));
      return List.of(new Shape(outDims));
    }

    public String attributes() {
      return (linear ? "linear" : "nearest") + " scales=" + Arrays.toString(scales).replace(" ", "") + " "
          + coordinateMode.name().toLowerCase() + " " + nearestMode.name().toLowerCase();
    }

    @Override public boolean equals(Object o) {
      return o instanceof Resize r && Arrays.equals(outDims, r.outDims) && Arrays.equals(scales, r.scales)
          && coordinateMode == r.coordinateMode && nearestMode == r.nearestMode && linear == r.linear;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(outDims);
    }

    @Override public String toString() {
      return "Resize(" + attributes() + ")";
    }
  }

  // ---------------------------------------------------------------- structural ops (issue 14)

  /**
   * 2-D transposed convolution. Inputs: X [N,C,H,W], W [C,M/group,kh,kw], optional B [M]. Output
   * length per axis: s*(in-1) + output_padding + (k-1)*d + 1 - pad_begin - pad_end (output_shape and
   * auto_pad are resolved into pads at import). The lower-conv-transpose pass rewrites it exactly
   * into a Spread and a stride-1 Conv.
   */
  record ConvTranspose(int[] kernel, int[] strides, int[] pads, int[] outputPadding, int[] dilations, int group)
      implements Op {
    public String type() {
      return "ConvTranspose";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0), w = in.get(1);
      Spatial.requireRank4(x, "ConvTranspose input");
      if (w.rank() != 4) throw new ModelException("ConvTranspose weight must be 4-D, got " + w);
      int c = x.dim(1);
      if (w.dim(0) != c || c % group != 0) {
        throw new ModelException("ConvTranspose weight " + w + " does not match input " + x + " with group=" + group);
      }
      if (w.dim(2) != kernel[0] || w.dim(3) != kernel[1]) {
        throw new ModelException("ConvTranspose kernel_shape " + kernel[0] + "x" + kernel[1] + " does not match weight " + w);
      }
      int m;
      try {
        m = Math.multiplyExact(w.dim(1), group);
      } catch (ArithmeticException e) {
        throw new ModelException("ConvTranspose output channels " + w.dim(1) + " x group " + group + " exceed 2^31");
      }
      if (in.size() > 2 && in.get(2) != null && !in.get(2).equals(Shape.of(m))) {
        throw new ModelException("ConvTranspose bias shape " + in.get(2) + " should be [" + m + "]");
      }
      int[] out = new int[2];
      for (int a = 0; a < 2; a++) {
        long o = (long) strides[a] * (x.dim(2 + a) - 1) + outputPadding[a] + (long) (kernel[a] - 1) * dilations[a] + 1
            - pads[a] - pads[a + 2];
        if (o <= 0 || o > Shape.MAX_ELEMENTS) throw new ModelException("ConvTranspose output length " + o + " on axis " + (2 + a));
        out[a] = (int) o;
      }
      return List.of(Shape.of(x.dim(0), m, out[0], out[1]));
    }

    public long macs(List<Shape> in, List<Shape> out) {
      return (long) in.get(0).size() * in.get(1).dim(1) * kernel[0] * kernel[1];
    }

    public String attributes() {
      return Spatial.describe(kernel, strides, pads, dilations)
          + (outputPadding[0] != 0 || outputPadding[1] != 0 ? " op=" + outputPadding[0] + "x" + outputPadding[1] : "")
          + (group != 1 ? " group=" + group : "");
    }

    @Override public boolean equals(Object o) {
      return o instanceof ConvTranspose c && Arrays.equals(kernel, c.kernel) && Arrays.equals(strides, c.strides)
          && Arrays.equals(pads, c.pads) && Arrays.equals(outputPadding, c.outputPadding)
          && Arrays.equals(dilations, c.dilations) && group == c.group;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(kernel) * 31 + Arrays.hashCode(pads) + group;
    }

    @Override public String toString() {
      return "ConvTranspose(" + attributes() + ")";
    }
  }

  /**
   * Zero insertion on the two spatial axes of an NCHW tensor: stride-1 zeros between neighbouring
   * pixels, then pads [top, left, bottom, right] of zeros (negative: cropped). Output length
   * (in-1)*s + 1 + begin + end. With a stride-1 Conv it is a transposed convolution.
   */
  record Spread(int[] strides, int[] pads) implements Op {
    public String type() {
      return "Spread";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      Spatial.requireRank4(x, "Spread input");
      int[] out = x.dims();
      for (int a = 0; a < 2; a++) {
        if (strides[a] < 1) throw new ModelException("Spread stride must be positive");
        long o = (long) (x.dim(2 + a) - 1) * strides[a] + 1 + pads[a] + pads[a + 2];
        if (o <= 0 || o > Shape.MAX_ELEMENTS) throw new ModelException("Spread output length " + o + " on axis " + (2 + a));
        out[2 + a] = (int) o;
      }
      return List.of(new Shape(out));
    }

    public String attributes() {
      return "s=" + strides[0] + "x" + strides[1] + " p=" + pads[0] + "," + pads[1] + "," + pads[2] + "," + pads[3];
    }

    @Override public boolean equals(Object o) {
      return o instanceof Spread p && Arrays.equals(strides, p.strides) && Arrays.equals(pads, p.pads);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(strides) * 31 + Arrays.hashCode(pads);
    }

    @Override public String toString() {
      return "Spread(" + attributes() + ")";
    }
  }

  /**
   * A strided slice with every axis resolved: per axis the first index {@code starts[a]}, the step
   * {@code steps[a]} (non-zero, negative walks backwards) and the output length {@code sizes[a]}.
   */
  record Slice(int[] starts, int[] steps, int[] sizes) implements Op {
    public String type() {
      return "Slice";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      if (starts.length != x.rank() || steps.length != x.rank() || sizes.length != x.rank()) {
        throw new ModelException("Slice has " + starts.length + " axes for input " + x);
      }
      for (int a = 0; a < x.rank(); a++) {
        long last = starts[a] + (long) steps[a] * (sizes[a] - 1);
        if (sizes[a] < 1 || steps[a] == 0 || starts[a] < 0 || starts[a] >= x.dim(a) || last < 0 || last >= x.dim(a)) {
          throw new ModelException("Slice start " + starts[a] + " step " + steps[a] + " size " + sizes[a]
              + " leaves axis " + a + " of " + x);
        }
      }
      return List.of(new Shape(sizes.clone()));
    }

    public String attributes() {
      return "starts=" + Arrays.toString(starts).replace(" ", "") + " sizes=" + Arrays.toString(sizes).replace(" ", "")
          + (Arrays.stream(steps).allMatch(v -> v == 1) ? "" : " steps=" + Arrays.toString(steps).replace(" ", ""));
    }

    @Override public boolean equals(Object o) {
      return o instanceof Slice p && Arrays.equals(starts, p.starts) && Arrays.equals(steps, p.steps) && Arrays.equals(sizes, p.sizes);
    }

    @Override public int hashCode() {
      return Arrays.hashCode(starts) * 31 + Arrays.hashCode(sizes);
    }

    @Override public String toString() {
      return "Slice(" + attributes() + ")";
    }
  }

  /**
   * ShuffleNet's channel shuffle on NCHW: channel g*(C/groups) + j moves to j*groups + g (the
   * Reshape [N,g,C/g,H,W], Transpose (0,2,1,3,4), Reshape [N,C,H,W] block).
   */
  record ChannelShuffle(int groups) implements Op {
    public String type() {
      return "ChannelShuffle";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      Spatial.requireRank4(x, "ChannelShuffle input");
      if (groups < 1 || x.dim(1) % groups != 0) throw new ModelException("ChannelShuffle groups=" + groups + " does not divide " + x);
      return List.of(x);
    }

    public String attributes() {
      return "groups=" + groups;
    }
  }

  enum ReduceKind { SUM, MEAN, MAX, MIN }

  /** ReduceSum/Mean/Max/Min over sorted, distinct {@code axes} (never empty: import resolves "all"). */
  record Reduce(ReduceKind kind, int[] axes, boolean keepdims) implements Op {
    public String type() {
      return "Reduce" + kind.name().charAt(0) + kind.name().substring(1).toLowerCase();
    }

    public List<Shape> inferShapes(List<Shape> in) {
      Shape x = in.get(0);
      boolean[] reduced = reducedAxes(x);
      List<Integer> out = new java.util.ArrayList<>();
      for (int a = 0; a < x.rank(); a++) {
        if (!reduced[a]) out.add(x.dim(a));
        else if (keepdims) out.add(1);
      }
      return List.of(new Shape(out.stream().mapToInt(Integer::intValue).toArray()));
    }

    public boolean[] reducedAxes(Shape x) {
      boolean[] r = new boolean[x.rank()];
      for (int a : axes) {
        if (a < 0 || a >= x.rank() || r[a]) throw new ModelException(type() + " axes " + Arrays.toString(axes) + " invalid for " + x);
        r[a] = true;
      }
      return r;
    }

    public String attributes() {
      return "axes=" + Arrays.toString(axes).replace(" ", "") + (keepdims ? "" : " keepdims=0");
    }

    @Override public boolean equals(Object o) {
      return o instanceof Reduce p && kind == p.kind && Arrays.equals(axes, p.axes) && keepdims == p.keepdims;
    }

    @Override public int hashCode() {
      return Arrays.hashCode(axes) * 31 + kind.hashCode();
    }

    @Override public String toString() {
      return type() + "(" + attributes() + ")";
    }
  }

  /** log(softmax(x)) along {@code axis}; {@code flatten2d} as for {@link Softmax}. */
  record LogSoftmax(int axis, boolean flatten2d) implements Op {
    public String type() {
      return "LogSoftmax";
    }

    public List<Shape> inferShapes(List<Shape> in) {
      in.get(0).axis(axis);
      return List.of(in.get(0));
    }

    public String attributes() {
      return "axis=" + axis + (flatten2d ? " coerce2d" : "");
    }
  }
}
