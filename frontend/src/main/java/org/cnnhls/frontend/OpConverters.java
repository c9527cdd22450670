package org.cnnhls.frontend;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.ops.Op.CoordinateMode;
import org.cnnhls.ir.ops.Op.NearestMode;
import org.cnnhls.ir.ops.Op.PadMode;

/**
 * One converter per ONNX op type: reads attributes (opset-aware), resolves them against the known
 * input shapes (auto_pad, Reshape's 0/-1, Resize's scales/sizes) and returns an IR op with the value
 * inputs it keeps. Constant-only inputs (shapes, pads, bounds) become attributes.
 */
final class OpConverters {
  private OpConverters() {}

  /**
   * An IR op and the value inputs its node reads; {@code after}, when not null, is a second op
   * applied to the first one's result (a node that is two IR ops, e.g. a global pool and the
   * reshape that drops its unit axes).
   */
  record Converted(Op op, List<String> inputs, Op after) {
    Converted(Op op, List<String> inputs) {
      this(op, inputs, null);
    }
  }

  interface Converter {
    Converted convert(NodeContext ctx);
  }

  static final Map<String, Converter> BY_TYPE = new TreeMap<>(Map.ofEntries(
      Map.entry("Conv", OpConverters::conv),
      Map.entry("Gemm", OpConverters::gemm),
      Map.entry("MatMul", c -> new Converted(new Op.MatMul(), c.inputs(2))),
      Map.entry("MaxPool", OpConverters::maxPool),
      Map.entry("AveragePool", OpConverters::averagePool),
      Map.entry("GlobalAveragePool", c -> unary(c, new Op.GlobalAveragePool())),
      Map.entry("GlobalMaxPool", c -> unary(c, new Op.GlobalMaxPool())),
      Map.entry("ReduceMean", c -> reduce(c, Op.ReduceKind.MEAN)),
      Map.entry("ReduceMax", c -> reduce(c, Op.ReduceKind.MAX)),
      Map.entry("ReduceMin", c -> reduce(c, Op.ReduceKind.MIN)),
      Map.entry("ReduceSum", c -> reduce(c, Op.ReduceKind.SUM)),
      Map.entry("ConvTranspose", OpConverters::convTranspose),
      Map.entry("Slice", OpConverters::slice),
      Map.entry("LogSoftmax", OpConverters::logSoftmax),
      Map.entry("BatchNormalization", OpConverters::batchNorm),
      Map.entry("Relu", c -> unary(c, new Op.Relu())),
      Map.entry("Clip", OpConverters::clip),
      Map.entry("LeakyRelu", c -> unary(c, new Op.LeakyRelu(c.f("alpha", 0.01f)))),
      Map.entry("Sigmoid", c -> unary(c, new Op.Sigmoid())),
      Map.entry("Tanh", c -> unary(c, new Op.Tanh())),
      Map.entry("HardSigmoid", c -> unary(c, new Op.HardSigmoid(c.f("alpha", 0.2f), c.f("beta", 0.5f)))),
      Map.entry("HardSwish", c -> unary(c, new Op.HardSwish())),
      Map.entry("Erf", c -> unary(c, new Op.Erf())),
      Map.entry("Sqrt", c -> unary(c, new Op.Sqrt())),
      Map.entry("Reciprocal", c -> unary(c, new Op.Reciprocal())),
      Map.entry("Pow", OpConverters::pow),
      Map.entry("Softmax", OpConverters::softmax),
      Map.entry("Add", c -> binary(c, new Op.Add())),
      Map.entry("Mul", c -> binary(c, new Op.Mul())),
      Map.entry("Sub", c -> binary(c, new Op.Sub())),
      Map.entry("Div", c -> binary(c, new Op.Div())),
      Map.entry("Squeeze", c -> squeeze(c, false)),
      Map.entry("Unsqueeze", c -> squeeze(c, true)),
      Map.entry("Concat", OpConverters::concat),
      Map.entry("Flatten", c -> unary(c, new Op.Flatten((int) c.i("axis", 1)))),
      Map.entry("Reshape", OpConverters::reshape),
      Map.entry("Transpose", OpConverters::transpose),
      Map.entry("Pad", OpConverters::pad),
      Map.entry("Resize", OpConverters::resize),
      Map.entry("Upsample", OpConverters::upsample)));

  /** Inputs an op cannot do without (the rest are optional or opset-dependent). */
  static int requiredInputs(String op) {
    return switch (op) {
      case "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow" -> 2;
      case "BatchNormalization" -> 5;
      default -> 1;
    };
  }

  /** Ops removed or evaluated by the importer itself. */
  static final List<String> STRUCTURAL = List.of("Constant", "Identity", "Dropout", "Split");

  private static Converted unary(NodeContext c, Op op) {
    return new Converted(op, List.of(c.input(0)));
  }

  /** Opsets before 7 broadcast only with broadcast=1, optionally from a given axis. */
  private static Converted binary(NodeContext c, Op op) {
    if (c.opset < 7 && c.i("broadcast", 0) != 0 && c.has("axis")) {
      Shape a = c.shape(0), b = c.shape(1);
      long axis = c.i("axis", 0);
      if (axis < 0) axis += a.rank();
      if (axis + b.rank() != a.rank()) throw c.unsupported("legacy broadcast with axis=" + axis + " is not supported");
    }
    return new Converted(op, c.inputs(2));
  }

  /** Squeeze/Unsqueeze on data: a Reshape to the static target shape. */
  private static Converted squeeze(NodeContext c, boolean unsqueeze) {
    long[] axes = c.axes(13);
    return unary(c, new Op.Reshape(IntFolding.reshapeAxes(c, c.shape(0), axes, unsqueeze).dims()));
  }

  // ---------------------------------------------------------------- conv and pooling

  private static Converted conv(NodeContext c) {
    Shape x = c.shape(0), w = c.shape(1);
    if (x.rank() != 4 || w.rank() != 4) {
      throw c.unsupported("only 2-D convolution on NCHW tensors is supported (input " + x + ")");
    }
    int[] k = c.ints("kernel_shape", new int[] {w.dim(2), w.dim(3)});
    int[] s = c.ints("strides", new int[] {1, 1});
    int[] d = c.ints("dilations", new int[] {1, 1});
    check2d(c, k, s, d);
    int[] pads = pads(c, x, k, s, d);
    int group = (int) c.i("group", 1);
    return new Converted(new Op.Conv(k, s, pads, d, group), c.inputs(3));
  }

  private static Converted maxPool(NodeContext c) {
    if (c.node.getOutputCount() > 1 && !c.node.getOutput(1).isEmpty()) {
      throw c.unsupported("the Indices output is not supported");
    }
    Shape x = requireNchw(c);
    int[] k = c.ints("kernel_shape", null);
    if (k == null) throw c.invalid("kernel_shape is required");
    int[] s = c.ints("strides", new int[] {1, 1});
    int[] d = c.ints("dilations", new int[] {1, 1});
    check2d(c, k, s, d);
    return new Converted(new Op.MaxPool(k, s, pads(c, x, k, s, d), d, c.i("ceil_mode", 0) != 0), List.of(c.input(0)));
  }

  private static Converted averagePool(NodeContext c) {
    Shape x = requireNchw(c);
    int[] k = c.ints("kernel_shape", null);
    if (k == null) throw c.invalid("kernel_shape is required");
    int[] s = c.ints("strides", new int[] {1, 1});
    int[] d = c.ints("dilations", new int[] {1, 1});
    check2d(c, k, s, d);
    if (d[0] != 1 || d[1] != 1) throw c.unsupported("dilated AveragePool is not supported");
    return new Converted(new Op.AveragePool(k, s, pads(c, x, k, s, d), c.i("ceil_mode", 0) != 0,
        c.i("count_include_pad", 0) != 0), List.of(c.input(0)));
  }

  /**
   * ReduceSum/Mean/Max/Min. ReduceMean / ReduceMax over the spatial axes of an NCHW tensor are
   * global average / max pooling (how MnasNet, ShuffleNetV2 and squeeze-excitation blocks pool),
   * followed by a reshape to [N, C] when keepdims = 0; every other reduction is a general Reduce.
   * Axes are the attribute before opset 18 (13 for ReduceSum), the constant input from it on;
   * none means all axes, or no reduction at all with noop_with_empty_axes = 1.
   */
  private static Converted reduce(NodeContext c, Op.ReduceKind kind) {
    Shape x = c.shape(0);
    long[] axes = c.axes(kind == Op.ReduceKind.SUM ? 13 : 18);
    boolean keep = c.i("keepdims", 1) != 0;
    int r = x.rank();
    if (axes == null || axes.length == 0) {
      if (c.i("noop_with_empty_axes", 0) != 0) return unary(c, new Op.Identity());
      axes = new long[r];
      for (int a = 0; a < r; a++) axes[a] = a;
    }
    boolean[] seen = new boolean[r];
    for (long a : axes) {
      if (a < -r || a >= r) throw c.invalid("axes value " + a + " is out of range for input " + x);
      int n = (int) (a < 0 ? a + r : a);
      if (seen[n]) throw c.invalid("axes names axis " + n + " twice");
      seen[n] = true;
    }
    int[] sorted = new int[axes.length];
    for (int a = 0, k = 0; a < r; a++) if (seen[a]) sorted[k++] = a;
    if (r == 0) return unary(c, new Op.Identity());
    boolean spatial = r == 4 && sorted.length == 2 && sorted[0] == 2 && sorted[1] == 3;
    if (spatial && (kind == Op.ReduceKind.MEAN || kind == Op.ReduceKind.MAX)) {
      Op pool = kind == Op.ReduceKind.MAX ? new Op.GlobalMaxPool() : new Op.GlobalAveragePool();
      Op after = keep ? null : new Op.Reshape(new int[] {x.dim(0), x.dim(1)});
      return new Converted(pool, List.of(c.input(0)), after);
    }
    return unary(c, new Op.Reduce(kind, sorted, keep));
  }

  /**
   * ConvTranspose (2-D, NCHW): kernel_shape, strides, dilations, group, pads, output_padding;
   * output_shape and auto_pad resolved into explicit pads as ONNX Runtime does (the odd unit of
   * padding at the end, or at the start for SAME_UPPER with output_shape).
   */
  private static Converted convTranspose(NodeContext c) {
    Shape x = c.shape(0), w = c.shape(1);
    if (x.rank() != 4 || w.rank() != 4) {
      throw c.unsupported("only 2-D transposed convolution on NCHW tensors is supported (input " + x + ")");
    }
    int[] k = c.ints("kernel_shape", new int[] {w.dim(2), w.dim(3)});
    int[] s = c.ints("strides", new int[] {1, 1});
    int[] d = c.ints("dilations", new int[] {1, 1});
    check2d(c, k, s, d);
    int[] op = c.ints("output_padding", new int[] {0, 0});
    if (op.length != 2) throw c.invalid("output_padding needs 2 values for a 2-D op, got " + op.length);
    for (int a = 0; a < 2; a++) {
      if (op[a] < 0) throw c.invalid("negative output_padding");
      if (op[a] >= Math.max(s[a], d[a])) {
        throw c.invalid("output_padding " + op[a] + " must be smaller than the stride or the dilation of axis " + (2 + a));
      }
    }
    int group = (int) c.i("group", 1);
    if (group < 1 || x.dim(1) % group != 0) throw c.invalid("group=" + group + " does not divide the " + x.dim(1) + " input channels");
    String autoPad = c.s("auto_pad", "NOTSET");
    int[] outShape = c.ints("output_shape", null);
    int[] pads = new int[4];
    if (outShape != null) {
      if (outShape.length == 4) outShape = new int[] {outShape[2], outShape[3]};
      if (outShape.length != 2) throw c.invalid("output_shape needs 2 spatial values, got " + outShape.length);
    }
    switch (autoPad) {
      case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER" -> { }
      default -> throw c.invalid("unknown auto_pad '" + autoPad + "'");
    }
    for (int a = 0; a < 2; a++) {
      long full = (long) s[a] * (x.dim(2 + a) - 1) + op[a] + (long) (k[a] - 1) * d[a] + 1;
      long total;
      boolean headBig;
      if (outShape != null) {
        total = full - outShape[a];
        headBig = autoPad.equals("SAME_UPPER");
      } else if (autoPad.startsWith("SAME")) {
        total = full - (long) x.dim(2 + a) * s[a];
        headBig = autoPad.equals("SAME_LOWER");
      } else if (autoPad.equals("VALID")) {
        total = 0;
        headBig = false;
      } else {
        int[] p = c.ints("pads", new int[4]);
        if (p.length != 4) throw c.invalid("pads needs 4 values for a 2-D op, got " + p.length);
        for (int v : p) if (v < 0) throw c.invalid("negative pads are not allowed");
        pads[a] = p[a];
        pads[a + 2] = p[a + 2];
        continue;
      }
      if (total < 0) {
        // a longer output than the full transposed convolution: ONNX Runtime fills the tail with the bias
        pads[a] = 0;
        pads[a + 2] = (int) Math.max(total, Integer.MIN_VALUE / 2);
        continue;
      }
      int small = (int) (total / 2), big = (int) (total - total / 2);
      pads[a] = headBig ? big : small;
      pads[a + 2] = headBig ? small : big;
    }
    return new Converted(new Op.ConvTranspose(k, s, pads, op, d, group), c.inputs(3));
  }

  /** ONNX Slice semantics per axis: negative indices count from the end, then clamp per step sign. */
  static Op.Slice resolveSlice(NodeContext c, Shape x, long[] starts, long[] ends, long[] axes, long[] steps) {
    int r = x.rank();
    if (starts == null || ends == null) throw c.invalid("starts and ends are required");
    if (starts.length != ends.length) throw c.invalid("starts and ends have different lengths");
    if (axes != null && axes.length != starts.length) throw c.invalid("axes has " + axes.length + " values for " + starts.length + " starts");
    if (steps != null && steps.length != starts.length) throw c.invalid("steps has " + steps.length + " values for " + starts.length + " starts");
    int[] st = new int[r], sp = new int[r], sz = x.dims();
    java.util.Arrays.fill(sp, 1);
    boolean[] seen = new boolean[r];
    for (int i = 0; i < starts.length; i++) {
      long ax = axes == null ? i : axes[i];
      if (ax < -r || ax >= r) throw c.invalid("axes value " + ax + " is out of range for input " + x);
      int a = (int) (ax < 0 ? ax + r : ax);
      if (seen[a]) throw c.invalid("axes names axis " + a + " twice");
      seen[a] = true;
      long step = steps == null ? 1 : steps[i];
      if (step == 0) throw c.invalid("a step of 0");
      long dim = x.dim(a), b = starts[i], e = ends[i];
      step = Math.max(-dim, Math.min(dim, step)); // a longer step takes one element all the same
      if (b < 0) b += dim;
      if (e < 0) e += dim;
      if (step > 0) {
        b = Math.max(0, Math.min(dim, b));
        e = Math.max(0, Math.min(dim, e));
      } else {
        b = Math.max(0, Math.min(dim - 1, b));
        e = Math.max(-1, Math.min(dim - 1, e));
      }
      long n = step > 0 ? (e - b + step - 1) / step : (b - e + (-step) - 1) / (-step);
      if (n <= 0) throw c.unsupported("Slice leaves axis " + a + " of " + x + " empty; empty tensors are not supported");
      st[a] = (int) b;
      sp[a] = (int) step;
      sz[a] = (int) n;
    }
    return new Op.Slice(st, sp, sz);
  }

  private static Converted slice(NodeContext c) {
    Shape x = c.shape(0);
    Op.Slice op;
    if (c.opset < 10) {
      op = resolveSlice(c, x, toLongs(c.ints("starts", null)), toLongs(c.ints("ends", null)), toLongs(c.ints("axes", null)), null);
    } else {
      op = resolveSlice(c, x, c.constInts(1), c.constInts(2), c.constInts(3), c.constInts(4));
    }
    return unary(c, op);
  }

  /**
   * Split as one Slice per output along {@code axis}: sizes from the split attribute (before opset
   * 13) or input (from 13), else num_outputs (opset 18: ceil-sized parts, the last one smaller),
   * else equal parts, one per output.
   */
  static List<Op.Slice> split(NodeContext c) {
    Shape x = c.shape(0);
    int axis = x.axis((int) c.i("axis", 0));
    int outs = c.node.getOutputCount(), dim = x.dim(axis);
    long[] sizes = c.opset < 13 ? toLongs(c.ints("split", null)) : c.constInts(1);
    if (sizes == null || sizes.length == 0) {
      int parts = c.opset >= 18 && c.has("num_outputs") ? (int) c.i("num_outputs", outs) : outs;
      if (parts != outs) throw c.invalid("num_outputs=" + parts + " but the node has " + outs + " outputs");
      sizes = new long[parts];
      if (c.opset >= 18 && c.has("num_outputs")) {
        long chunk = (dim + parts - 1) / parts;
        for (int i = 0; i < parts; i++) sizes[i] = Math.max(0, Math.min(chunk, dim - chunk * i));
      } else {
        if (dim % parts != 0) throw c.invalid("axis " + axis + " of " + x + " does not split into " + parts + " equal parts");
        java.util.Arrays.fill(sizes, dim / parts);
      }
    }
    if (sizes.length != outs) throw c.invalid("split has " + sizes.length + " sizes for " + outs + " outputs");
    long total = 0;
    for (long v : sizes) {
      if (v <= 0) throw c.unsupported("Split with an empty part; empty tensors are not supported");
      total += v;
    }
    if (total != dim) throw c.invalid("split sizes sum to " + total + ", axis " + axis + " of " + x + " has " + dim);
    List<Op.Slice> out = new java.util.ArrayList<>();
    int start = 0;
    for (long v : sizes) {
      int[] st = new int[x.rank()], sp = new int[x.rank()], sz = x.dims();
      java.util.Arrays.fill(sp, 1);
      st[axis] = start;
      sz[axis] = (int) v;
      out.add(new Op.Slice(st, sp, sz));
      start += (int) v;
    }
    return out;
  }

  private static Converted logSoftmax(NodeContext c) {
    boolean legacy = c.opset < 13;
    return unary(c, new Op.LogSoftmax((int) c.i("axis", legacy ? 1 : -1), legacy));
  }

  private static Shape requireNchw(NodeContext c) {
    Shape x = c.shape(0);
    if (x.rank() != 4) throw c.unsupported("only 2-D pooling on NCHW tensors is supported (input " + x + ")");
    return x;
  }

  private static void check2d(NodeContext c, int[] k, int[] s, int[] d) {
    if (k.length != 2 || s.length != 2 || d.length != 2) throw c.invalid("kernel_shape, strides and dilations need 2 values each");
    for (int i = 0; i < 2; i++) {
      if (k[i] <= 0 || s[i] <= 0 || d[i] <= 0) throw c.invalid("kernel, stride and dilation must be positive");
    }
  }

  /** Explicit pads [top, left, bottom, right], resolving auto_pad against the input shape. */
  private static int[] pads(NodeContext c, Shape x, int[] k, int[] s, int[] d) {
    String autoPad = c.s("auto_pad", "NOTSET");
    switch (autoPad) {
      case "NOTSET" -> {
        int[] p = c.ints("pads", new int[4]);
        if (p.length != 4) throw c.invalid("pads needs 4 values for a 2-D op, got " + p.length);
        for (int v : p) if (v < 0) throw c.invalid("negative pads are not allowed");
        return p;
      }
      case "VALID" -> {
        return new int[4];
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        int[] p = new int[4];
        for (int a = 0; a < 2; a++) {
          int in = x.dim(2 + a), out = (in + s[a] - 1) / s[a];
          int total = Math.max(0, (out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - in);
          int small = total / 2, big = total - small;
          boolean upper = autoPad.equals("SAME_UPPER");
          p[a] = upper ? small : big;
          p[a + 2] = upper ? big : small;
        }
        return p;
      }
      default -> throw c.invalid("unknown auto_pad '" + autoPad + "'");
    }
  }

  // ---------------------------------------------------------------- linear, normalization, activations

  private static Converted gemm(NodeContext c) {
    return new Converted(new Op.Gemm(c.f("alpha", 1f), c.f("beta", 1f), c.i("transA", 0) != 0, c.i("transB", 0) != 0),
        c.inputs(3));
  }

  private static Converted batchNorm(NodeContext c) {
    if (c.i("training_mode", 0) != 0) throw c.unsupported("training_mode=1 is not supported; export the model in eval mode");
    if (c.opset < 9 && c.i("spatial", 1) == 0) throw c.unsupported("spatial=0 is not supported");
    for (int o = 1; o < c.node.getOutputCount(); o++) {
      if (!c.node.getOutput(o).isEmpty()) throw c.unsupported("training outputs (running mean/var) are not supported");
    }
    return new Converted(new Op.BatchNormalization(c.f("epsilon", 1e-5f)), c.inputs(5));
  }

  private static Converted clip(NodeContext c) {
    float min, max;
    if (c.opset < 11) {
      min = c.f("min", Float.NEGATIVE_INFINITY);
      max = c.f("max", Float.POSITIVE_INFINITY);
    } else {
      float[] lo = c.constFloats(1), hi = c.constFloats(2);
      if ((lo != null && lo.length != 1) || (hi != null && hi.length != 1)) throw c.invalid("min and max must be scalars");
      min = lo == null ? Float.NEGATIVE_INFINITY : lo[0];
      max = hi == null ? Float.POSITIVE_INFINITY : hi[0];
    }
    return unary(c, new Op.Clip(min, max));
  }

  /** Pow with a constant scalar exponent (any other exponent is refused). */
  private static Converted pow(NodeContext c) {
    float[] e = c.constFloats(1);
    if (e.length != 1) throw c.unsupported("Pow's exponent must be a scalar constant, got " + e.length + " values");
    return unary(c, new Op.Pow(e[0]));
  }

  private static Converted softmax(NodeContext c) {
    boolean legacy = c.opset < 13;
    return unary(c, new Op.Softmax((int) c.i("axis", legacy ? 1 : -1), legacy));
  }

  // ---------------------------------------------------------------- layout

  private static Converted concat(NodeContext c) {
    if (!c.has("axis")) throw c.invalid("axis is required");
    return new Converted(new Op.Concat((int) c.i("axis", 0)), c.inputs(c.inputCount()));
  }

  private static Converted reshape(NodeContext c) {
    Shape x = c.shape(0);
    long[] target = c.opset < 5 ? toLongs(c.ints("shape", null)) : c.constInts(1);
    if (target == null) throw c.invalid("the target shape is missing");
    boolean allowZero = c.i("allowzero", 0) != 0;
    int[] dims = new int[target.length];
    int inferred = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (t == -1) {
        if (inferred >= 0) throw c.invalid("more than one -1 in the target shape");
        inferred = i;
        continue;
      }
      if (t == 0 && !allowZero) {
        if (i >= x.rank()) throw c.invalid("0 at axis " + i + " copies a dimension the input " + x + " does not have");
        t = x.dim(i);
      }
      if (t < 0 || t > Integer.MAX_VALUE) throw c.invalid("invalid target dimension " + t);
      dims[i] = (int) t;
      known *= t;
    }
    if (inferred >= 0) {
      if (known == 0 || x.size() % known != 0) throw c.invalid("cannot reshape " + x + " to " + java.util.Arrays.toString(target));
      dims[inferred] = (int) (x.size() / known);
    }
    return unary(c, new Op.Reshape(dims));
  }

  private static long[] toLongs(int[] v) {
    if (v == null) return null;
    long[] out = new long[v.length];
    for (int i = 0; i < v.length; i++) out[i] = v[i];
    return out;
  }

  private static Converted transpose(NodeContext c) {
    int r = c.shape(0).rank();
    int[] dflt = new int[r];
    for (int i = 0; i < r; i++) dflt[i] = r - 1 - i;
    return unary(c, new Op.Transpose(c.ints("perm", dflt)));
  }

  private static Converted pad(NodeContext c) {
    Shape x = c.shape(0);
    int r = x.rank();
    String modeName = c.s("mode", "constant");
    PadMode mode = switch (modeName) {
      case "constant" -> PadMode.CONSTANT;
      case "reflect" -> PadMode.REFLECT;
      case "edge" -> PadMode.EDGE;
      default -> throw c.unsupported("pad mode '" + modeName + "' is not supported (constant, reflect, edge are)");
    };
    int[] pads;
    float value;
    if (c.opset < 11) {
      pads = c.ints("pads", c.ints("paddings", null));
      value = c.f("value", 0f);
    } else {
      long[] p = c.constInts(1);
      if (p == null) throw c.invalid("pads input is required");
      float[] v = c.constFloats(2);
      value = v == null || v.length == 0 ? 0f : v[0];
      long[] axes = c.constInts(3);
      pads = new int[2 * r];
      if (axes == null) {
        if (p.length != 2 * r) throw c.invalid("pads has " + p.length + " values for a rank-" + r + " input");
        for (int i = 0; i < p.length; i++) pads[i] = Math.toIntExact(p[i]);
      } else {
        if (p.length != 2 * axes.length) throw c.invalid("pads has " + p.length + " values for " + axes.length + " axes");
        boolean[] seen = new boolean[r];
        for (int i = 0; i < axes.length; i++) {
          if (axes[i] < -r || axes[i] >= r) throw c.invalid("axes value " + axes[i] + " is out of range for a rank-" + r + " input");
          int a = (int) (axes[i] < 0 ? axes[i] + r : axes[i]);
          if (seen[a]) throw c.invalid("axes names axis " + a + " twice");
          seen[a] = true;
          pads[a] = Math.toIntExact(p[i]);
          pads[a + r] = Math.toIntExact(p[i + axes.length]);
        }
      }
    }
    if (pads == null || pads.length != 2 * r) throw c.invalid("pads must have " + 2 * r + " values");
    return unary(c, new Op.Pad(pads, mode, value));
  }

  // ---------------------------------------------------------------- resize

  private static Converted resize(NodeContext c) {
    String mode = c.s("mode", "nearest");
    if (!mode.equals("nearest") && !mode.equals("linear")) {
      throw c.unsupported("Resize mode '" + mode + "' is not supported, only nearest and linear");
    }
    boolean linear = mode.equals("linear");
    if (c.i("antialias", 0) != 0) throw c.unsupported("Resize antialias is not supported");
    Shape x = c.shape(0);
    int r = x.rank();
    float[] scales;
    long[] sizes;
    CoordinateMode coord;
    NearestMode nearest;
    if (c.opset < 11) {
      scales = c.constFloats(1);
      sizes = null;
      coord = CoordinateMode.ASYMMETRIC;
      nearest = NearestMode.FLOOR;
    } else {
      scales = c.constFloats(2);
      sizes = c.constInts(3);
      String ct = c.s("coordinate_transformation_mode", "half_pixel");
      coord = switch (ct) {
        case "half_pixel" -> CoordinateMode.HALF_PIXEL;
        case "pytorch_half_pixel" -> CoordinateMode.PYTORCH_HALF_PIXEL;
        case "align_corners" -> CoordinateMode.ALIGN_CORNERS;
        case "asymmetric" -> CoordinateMode.ASYMMETRIC;
        case "tf_half_pixel_for_nn" -> CoordinateMode.TF_HALF_PIXEL_FOR_NN;
        default -> throw c.unsupported("coordinate_transformation_mode '" + ct + "' is not supported");
      };
      if (linear && coord == CoordinateMode.TF_HALF_PIXEL_FOR_NN) {
        throw c.unsupported("coordinate_transformation_mode 'tf_half_pixel_for_nn' is for nearest Resize, not linear");
      }
      String nm = c.s("nearest_mode", "round_prefer_floor");
      nearest = switch (nm) {
        case "round_prefer_floor" -> NearestMode.ROUND_PREFER_FLOOR;
        case "round_prefer_ceil" -> NearestMode.ROUND_PREFER_CEIL;
        case "floor" -> NearestMode.FLOOR;
        case "ceil" -> NearestMode.CEIL;
        default -> throw c.unsupported("nearest_mode '" + nm + "' is not supported");
      };
      if (!c.s("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
        throw c.unsupported("keep_aspect_ratio_policy other than stretch is not supported");
      }
    }
    int[] axes = c.ints("axes", null);
    if (axes == null) {
      axes = new int[r];
      for (int i = 0; i < r; i++) axes[i] = i;
    }
    float[] fullScales = new float[r];
    int[] out = x.dims();
    java.util.Arrays.fill(fullScales, 1f);
    if (sizes != null && sizes.length > 0) {
      if (sizes.length != axes.length) throw c.invalid("sizes has " + sizes.length + " values for " + axes.length + " axes");
      for (int i = 0; i < axes.length; i++) {
        int a = axes[i] < 0 ? axes[i] + r : axes[i];
        out[a] = Math.toIntExact(sizes[i]);
        fullScales[a] = (float) out[a] / x.dim(a);
      }
    } else if (scales != null && scales.length > 0) {
      if (scales.length != axes.length) throw c.invalid("scales has " + scales.length + " values for " + axes.length + " axes");
      for (int i = 0; i < axes.length; i++) {
        int a = axes[i] < 0 ? axes[i] + r : axes[i];
        if (!(scales[i] > 0)) throw c.invalid("scales must be positive");
        fullScales[a] = scales[i];
        out[a] = (int) Math.floor(x.dim(a) * (double) scales[i]);
      }
    } else {
      throw c.invalid("one of scales or sizes must be given");
    }
    return unary(c, new Op.Resize(out, fullScales, coord, nearest, linear));
  }

  private static Converted upsample(NodeContext c) {
    String mode = c.s("mode", "nearest");
    if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
      throw c.unsupported("Upsample mode '" + mode + "' is not supported, only nearest and linear");
    }
    float[] scales = c.opset < 9 ? c.floats("scales") : c.constFloats(1);
    Shape x = c.shape(0);
    if (scales == null || scales.length != x.rank()) throw c.invalid("scales must have one value per axis of " + x);
    int[] out = x.dims();
    for (int i = 0; i < out.length; i++) out[i] = (int) Math.floor(x.dim(i) * (double) scales[i]);
    return unary(c, new Op.Resize(out, scales, CoordinateMode.ASYMMETRIC, NearestMode.FLOOR, !mode.equals("nearest")));
  }
}
