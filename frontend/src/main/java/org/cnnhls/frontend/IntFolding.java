package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import org.cnnhls.ir.Shape;

/**
 * Evaluates, at import, the small integer subgraphs exporters emit to compute shapes (Shape,
 * Gather, Unsqueeze, Squeeze, Concat, Cast, Slice and integer arithmetic feeding a Reshape). With
 * static shapes they are constants, so older exports (e.g. Flatten as Shape-Gather-Unsqueeze-
 * Concat-Reshape) import like new ones.
 */
final class IntFolding {
  private IntFolding() {}

  /** Ops that may appear only where they fold to integer constants. */
  static final List<String> OPS = List.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Cast", "Slice", "Sub", "Div",
      "Concat", "Mul", "Add");

  /** Ops in OPS that are never data ops in cnnhls (the others also exist as float ops). */
  static final List<String> SHAPE_ONLY = List.of("Shape", "Gather", "Cast");

  /**
   * Folds the node when its inputs are integer constants (or, for Shape, any value with a known
   * shape). Returns false when it does not apply, leaving the node to the float converters.
   */
  static boolean tryFold(NodeContext ctx, ImportState state) {
    NodeProto n = ctx.node;
    String op = n.getOpType();
    if (op.equals("Shape")) {
      Shape s = ctx.shape(0);
      if (s == null) return false;
      int r = s.rank();
      int start = (int) ctx.i("start", 0), end = (int) ctx.i("end", r);
      start = clamp(start < 0 ? start + r : start, 0, r);
      end = clamp(end < 0 ? end + r : end, 0, r);
      long[] v = new long[Math.max(0, end - start)];
      for (int i = 0; i < v.length; i++) v[i] = s.dim(start + i);
      put(state, n.getOutput(0), v, Shape.of(v.length));
      return true;
    }
    if (op.equals("Cast") && ctx.hasInput(0) && state.floatConstants.containsKey(ctx.input(0))) {
      if (ctx.i("to", 1) != TensorProto.DataType.FLOAT_VALUE) throw ctx.unsupported("Cast of a float constant to a non-float type");
      state.aliases.put(n.getOutput(0), ctx.input(0));
      return true;
    }
    for (int i = 0; i < n.getInputCount(); i++) {
      if (ctx.hasInput(i) && !state.intConstants.containsKey(ctx.input(i))) return false;
    }
    if (n.getInputCount() == 0) return false;
    // every input the fold reads must be there (an empty name is an absent input)
    int need = switch (op) {
      case "Gather", "Mul", "Add", "Sub", "Div" -> 2;
      case "Slice" -> ctx.opset >= 10 ? 3 : 1;
      case "Concat" -> n.getInputCount();
      default -> 1;
    };
    for (int i = 0; i < need; i++) {
      if (!ctx.hasInput(i)) throw ctx.invalid("needs " + need + " input(s); input " + i + " is missing");
    }
    long[] a = state.intConstants.get(ctx.input(0));
    Shape as = state.intConstantShapes.get(ctx.input(0));
    switch (op) {
      case "Cast" -> {
        long to = ctx.i("to", 7);
        if (to == TensorProto.DataType.FLOAT_VALUE) {
          float[] f = new float[a.length];
          for (int i = 0; i < a.length; i++) f[i] = a[i];
          state.floatConstants.put(n.getOutput(0), org.cnnhls.ir.Tensor.wrap(as, f));
        } else {
          put(state, n.getOutput(0), a.clone(), as);
        }
      }
      case "Gather" -> {
        long[] idx = state.intConstants.get(ctx.input(1));
        Shape is = state.intConstantShapes.get(ctx.input(1));
        if (as.rank() != 1 || ctx.i("axis", 0) != 0) throw ctx.unsupported("Gather folds only 1-D integer constants on axis 0");
        long[] out = new long[idx.length];
        for (int i = 0; i < idx.length; i++) {
          long j = idx[i] < 0 ? idx[i] + a.length : idx[i];
          if (j < 0 || j >= a.length) throw ctx.invalid("Gather index " + idx[i] + " out of range for " + a.length + " values");
          out[i] = a[(int) j];
        }
        put(state, n.getOutput(0), out, is);
      }
      case "Unsqueeze", "Squeeze" -> {
        long[] axes = ctx.axes(13);
        put(state, n.getOutput(0), a.clone(), reshapeAxes(ctx, as, axes, op.equals("Unsqueeze")));
      }
      case "Concat" -> {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n.getInputCount(); i++) {
          Shape s = state.intConstantShapes.get(ctx.input(i));
          if (s.rank() != 1) throw ctx.invalid("Concat of integer tensors needs 1-D inputs, got rank " + s.rank());
          for (long v : state.intConstants.get(ctx.input(i))) out.add(v);
        }
        long[] v = out.stream().mapToLong(Long::longValue).toArray();
        put(state, n.getOutput(0), v, Shape.of(v.length));
      }
      case "Slice" -> {
        if (as.rank() != 1) throw ctx.unsupported("Slice folds only 1-D integer constants");
        long start, end, step = 1;
        if (ctx.opset < 10) {
          start = ctx.ints("starts", new int[] {0})[0];
          end = ctx.ints("ends", new int[] {Integer.MAX_VALUE})[0];
        } else {
          start = state.intConstants.get(ctx.input(1))[0];
          end = state.intConstants.get(ctx.input(2))[0];
          if (ctx.hasInput(4)) step = state.intConstants.get(ctx.input(4))[0];
        }
        if (step != 1) throw ctx.unsupported("Slice with a step other than 1 on a shape");
        int len = a.length;
        int s0 = (int) clamp(start < 0 ? start + len : start, 0, len), e0 = (int) clamp(end < 0 ? end + len : end, 0, len);
        long[] v = new long[Math.max(0, e0 - s0)];
        System.arraycopy(a, s0, v, 0, v.length);
        put(state, n.getOutput(0), v, Shape.of(v.length));
      }
      case "Mul", "Add", "Sub", "Div" -> {
        long[] b = state.intConstants.get(ctx.input(1));
        int len = Math.max(a.length, b.length);
        if ((a.length != len && a.length != 1) || (b.length != len && b.length != 1)) throw ctx.invalid("shapes do not broadcast");
        long[] v = new long[len];
        for (int i = 0; i < len; i++) {
          long x = a[a.length == 1 ? 0 : i], y = b[b.length == 1 ? 0 : i];
          v[i] = switch (op) {
            case "Mul" -> x * y;
            case "Add" -> x + y;
            case "Sub" -> x - y;
            default -> {
              if (y == 0) throw ctx.invalid("integer division by zero");
              yield Math.floorDiv(x, y);
            }
          };
        }
        put(state, n.getOutput(0), v, a.length >= b.length ? as : state.intConstantShapes.get(ctx.input(1)));
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Squeeze/Unsqueeze as a shape change (also used for float data, as a Reshape). */
  static Shape reshapeAxes(NodeContext ctx, Shape s, long[] axes, boolean unsqueeze) {
    List<Integer> dims = new ArrayList<>();
    for (int d : s.dims()) dims.add(d);
    if (unsqueeze) {
      if (axes == null) throw ctx.invalid("Unsqueeze needs axes");
      int r = s.rank() + axes.length;
      long[] sorted = new long[axes.length];
      for (int i = 0; i < axes.length; i++) sorted[i] = axes[i] < 0 ? axes[i] + r : axes[i];
      java.util.Arrays.sort(sorted);
      for (long a : sorted) {
        if (a < 0 || a > dims.size()) throw ctx.invalid("Unsqueeze axis " + a + " out of range");
        dims.add((int) a, 1);
      }
    } else {
      List<Integer> keep = new ArrayList<>();
      for (int i = 0; i < dims.size(); i++) {
        boolean drop;
        if (axes == null) drop = dims.get(i) == 1;
        else {
          drop = false;
          for (long a : axes) if ((a < 0 ? a + dims.size() : a) == i) drop = true;
          if (drop && dims.get(i) != 1) throw ctx.invalid("Squeeze of axis " + i + " whose size is " + dims.get(i));
        }
        if (!drop) keep.add(dims.get(i));
      }
      dims = keep;
    }
    return new Shape(dims.stream().mapToInt(Integer::intValue).toArray());
  }

  private static void put(ImportState state, String name, long[] v, Shape shape) {
    state.intConstants.put(name, v);
    state.intConstantShapes.put(name, shape);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
