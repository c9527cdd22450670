package org.cnnhls.ir.interp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.ops.Op;

/**
 * The float reference: runs every IR op exactly as ONNX defines it, on one input sample at a time
 * (batch dimension as in the graph). Used as ground truth for passes and for the fixed-point
 * interpreter.
 */
public final class FloatInterpreter {
  private final Graph graph;
  private final Map<String, float[]> constantCache = new HashMap<>();

  public FloatInterpreter(Graph graph) {
    this.graph = graph;
  }

  /** Runs the graph; returns the graph outputs by name, in graph order. */
  public Map<String, float[]> run(Map<String, float[]> inputs) {
    Map<String, float[]> all = runAll(inputs);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String o : graph.outputs()) out.put(o, value(o, all));
    return out;
  }

  /** Runs the graph and keeps every intermediate value (for per-layer comparisons). */
  public Map<String, float[]> runAll(Map<String, float[]> inputs) {
    Map<String, float[]> values = new HashMap<>();
    for (ValueInfo in : graph.inputs()) {
      float[] data = inputs.get(in.name());
      if (data == null) throw new ModelException("no data given for graph input '" + in.name() + "'");
      if (data.length != in.shape().size()) {
        throw new ModelException("input '" + in.name() + "' has " + data.length + " values, shape " + in.shape()
            + " needs " + in.shape().size());
      }
      values.put(in.name(), data);
    }
    for (Node n : graph.nodes()) {
      float[] out = evaluate(n, values);
      values.put(n.output(), out);
    }
    return values;
  }

  private float[] value(String name, Map<String, float[]> values) {
    if (name.isEmpty()) return null;
    float[] v = values.get(name);
    if (v != null) return v;
    Tensor c = graph.constants().get(name);
    if (c == null) throw new IllegalStateException("value " + name + " not computed");
    synchronized (constantCache) {
      return constantCache.computeIfAbsent(name, k -> c.toFloatArray());
    }
  }

  /** Evaluates one node whose inputs are all constants of this graph (constant folding). */
  public float[] evaluateConstantNode(Node n) {
    return evaluate(n, new HashMap<>());
  }

  private float[] evaluate(Node n, Map<String, float[]> values) {
    Op op = n.op();
    List<float[]> in = new ArrayList<>();
    for (String name : n.inputs()) in.add(value(name, values));
    List<Shape> s = graph.inputShapes(n);
    Shape y = graph.shape(n.output());
    if (op instanceof Op.Conv c) return FloatKernels.conv(c, s.get(0), in.get(0), s.get(1), in.get(1), opt(in, 2), y);
    if (op instanceof Op.FusedConv f) {
      Shape convOut = f.pool() == null ? y : f.conv().inferShapes(s).get(0);
      float[] v = FloatKernels.conv(f.conv(), s.get(0), in.get(0), s.get(1), in.get(1), opt(in, 2), convOut);
      if (f.activation() != null) v = FloatKernels.activation(f.activation(), v);
      return f.pool() == null ? v : FloatKernels.maxPool(f.pool(), convOut, v, y);
    }
    if (op instanceof Op.FusedGemm f) {
      float[] v = FloatKernels.gemm(f.gemm(), s.get(0), in.get(0), s.get(1), in.get(1), s.size() > 2 ? s.get(2) : null, opt(in, 2), y);
      return f.activation() == null ? v : FloatKernels.activation(f.activation(), v);
    }
    if (op instanceof Op.FusedAdd f) {
      float[] v = FloatKernels.binary(new Op.Add(), s.get(0), in.get(0), s.get(1), in.get(1), y);
      return f.activation() == null ? v : FloatKernels.activation(f.activation(), v);
    }
    if (op instanceof Op.Identity) return in.get(0);
    if (op instanceof Op.FakeQuant fq) return FloatKernels.fakeQuant(fq.spec(), s.get(0), in.get(0));
    if (op instanceof Op.Gemm g) {
      return FloatKernels.gemm(g, s.get(0), in.get(0), s.get(1), in.get(1), s.size() > 2 ? s.get(2) : null, opt(in, 2), y);
    }
    if (op instanceof Op.MatMul) return FloatKernels.matmul(s.get(0), in.get(0), s.get(1), in.get(1), y);
    if (op instanceof Op.MaxPool p) return FloatKernels.maxPool(p, s.get(0), in.get(0), y);
    if (op instanceof Op.AveragePool p) return FloatKernels.averagePool(p, s.get(0), in.get(0), y);
    if (op instanceof Op.GlobalAveragePool) return FloatKernels.globalPool(s.get(0), in.get(0), false);
    if (op instanceof Op.GlobalMaxPool) return FloatKernels.globalPool(s.get(0), in.get(0), true);
    if (op instanceof Op.BatchNormalization b) {
      return FloatKernels.batchNorm(b, s.get(0), in.get(0), in.get(1), in.get(2), in.get(3), in.get(4));
    }
    if (op instanceof Op.Activation a) return FloatKernels.activation(a, in.get(0));
    if (op instanceof Op.Unary u) return FloatKernels.unary(u, in.get(0));
    if (op instanceof Op.Softmax sm) return FloatKernels.softmax(sm, s.get(0), in.get(0));
    if (op instanceof Op.Binary b) return FloatKernels.binary(b, s.get(0), in.get(0), s.get(1), in.get(1), y);
    if (op instanceof Op.Concat c) return FloatKernels.concat(c, s, in, y);
    if (op instanceof Op.Flatten || op instanceof Op.Reshape) return in.get(0); // same row-major data
    if (op instanceof Op.Transpose t) return FloatKernels.transpose(t, s.get(0), in.get(0), y);
    if (op instanceof Op.Pad p) return FloatKernels.pad(p, s.get(0), in.get(0), y);
    if (op instanceof Op.Resize r) {
      return r.linear() ? FloatKernels.resizeLinear(r, s.get(0), in.get(0), y) : FloatKernels.resizeNearest(r, s.get(0), in.get(0), y);
    }
    if (op instanceof Op.ConvTranspose c) {
      return FloatKernels.convTranspose(c, s.get(0), in.get(0), s.get(1), in.get(1), opt(in, 2), y);
    }
    if (op instanceof Op.Spread p) return FloatKernels.spread(p, s.get(0), in.get(0), y, 0f);
    if (op instanceof Op.Slice sl) return FloatKernels.slice(sl, s.get(0), in.get(0), y);
    if (op instanceof Op.ChannelShuffle cs) return FloatKernels.channelShuffle(cs, s.get(0), in.get(0));
    if (op instanceof Op.Reduce r) return FloatKernels.reduce(r, s.get(0), in.get(0), y);
    if (op instanceof Op.LogSoftmax ls) return FloatKernels.logSoftmax(ls, s.get(0), in.get(0));
    throw new IllegalStateException("no float kernel for " + op.type());
  }

  private static float[] opt(List<float[]> in, int i) {
    return i < in.size() ? in.get(i) : null;
  }
}
