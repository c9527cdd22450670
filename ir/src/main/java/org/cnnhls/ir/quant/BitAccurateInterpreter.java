package org.cnnhls.ir.quant;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.interp.IndexMaps;
import org.cnnhls.ir.ops.Op;

/**
 * The golden model: integer-only execution of a quantized graph, exactly per the numeric contract
 * (int raw values, exact int64 accumulation, the one requantize primitive). HLS C++, SystemC and RTL
 * are compared with it by integer equality.
 */
public final class BitAccurateInterpreter {
  private final QuantizedGraph q;
  private final Graph g;
  private final Map<String, int[]> indexMaps = new ConcurrentHashMap<>();
  private final Map<String, int[]> constants = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> saturations = new ConcurrentHashMap<>();

  public BitAccurateInterpreter(QuantizedGraph q) {
    this.q = q;
    this.g = q.graph();
  }

  /** Raw graph outputs from raw graph inputs. */
  public Map<String, int[]> run(Map<String, int[]> rawInputs) {
    Map<String, int[]> all = runAll(rawInputs);
    Map<String, int[]> out = new LinkedHashMap<>();
    for (String o : g.outputs()) out.put(o, all.get(o));
    return out;
  }

  /** Dequantized outputs from float inputs (quantized at the input format). */
  public Map<String, float[]> runFloat(Map<String, float[]> inputs) {
    Map<String, int[]> raw = new HashMap<>();
    inputs.forEach((k, v) -> raw.put(k, q.quantizeInput(k, v)));
    Map<String, float[]> out = new LinkedHashMap<>();
    run(raw).forEach((k, v) -> out.put(k, q.dequantize(k, v)));
    return out;
  }

  public Map<String, int[]> runAll(Map<String, int[]> rawInputs) {
    Map<String, int[]> values = new HashMap<>();
    for (var in : g.inputs()) {
      int[] v = rawInputs.get(in.name());
      if (v == null || v.length != in.shape().size()) {
        throw new ModelException("input '" + in.name() + "' needs " + in.shape().size() + " raw values");
      }
      values.put(in.name(), v);
    }
    for (Node n : g.nodes()) values.put(n.output(), evaluate(n, values));
    return values;
  }

  /** Outputs clamped by requantization per node since construction (for the quantization report). */
  public Map<String, Long> saturationCounts() {
    Map<String, Long> out = new HashMap<>();
    saturations.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  private int[] evaluate(Node n, Map<String, int[]> values) {
    Op op = n.op();
    int[] x = values.get(n.input(0));
    Shape xs = g.shape(n.input(0)), ys = g.shape(n.output());
    FixedType fin = q.format(n.input(0)), fout = q.format(n.output());
    AtomicLong sat = saturations.computeIfAbsent(n.name(), k -> new AtomicLong());
    if (FixedPointOps.isConv(op)) {
      Op.FusedConv f = op instanceof Op.FusedConv fc ? fc : new Op.FusedConv((Op.Conv) op, null, null);
      Shape convOut = f.pool() == null ? ys : f.conv().inferShapes(List.of(xs, g.shape(n.input(1)))).get(0);
      int[] y = IntKernels.conv(f.conv(), xs, x, fin.width(), g.shape(n.input(1)), q.linear().get(n.name()), q.activations().get(n.name()),
          fout.width(), convOut, sat);
      return f.pool() == null ? y : IntKernels.maxPool(f.pool().kernel(), f.pool().strides(), f.pool().pads(),
          f.pool().dilations(), convOut, y, ys);
    }
    if (FixedPointOps.isLinear(op)) {
      return IntKernels.gemm(FixedPointOps.transB(op), xs, x, q.linear().get(n.name()), q.activations().get(n.name()),
          fout.width(), ys, sat);
    }
    if (op instanceof Op.FusedAdd || op instanceof Op.Add) {
      return IntKernels.add(x, fin, values.get(n.input(1)), q.format(n.input(1)), fout, q.activations().get(n.name()), sat);
    }
    if (op instanceof Op.Mul) {
      return IntKernels.mul(xs, operand(n.input(0), values), q.format(n.input(0)), g.shape(n.input(1)),
          operand(n.input(1), values), q.format(n.input(1)), ys, fout, sat);
    }
    if (op instanceof Op.Resize r && r.linear()) {
      ResizeWeights wy = ResizeWeights.of(r.coordinateMode(), xs.dim(2), ys.dim(2), r.scales()[2]);
      ResizeWeights wx = ResizeWeights.of(r.coordinateMode(), xs.dim(3), ys.dim(3), r.scales()[3]);
      return IntKernels.resizeBilinear(wy, wx, xs, x, ys, fout.width());
    }
    if (op instanceof Op.MaxPool p) return IntKernels.maxPool(p.kernel(), p.strides(), p.pads(), p.dilations(), xs, x, ys);
    if (op instanceof Op.AveragePool p) return IntKernels.averagePool(p, xs, x, ys, fin, fout, sat);
    if (op instanceof Op.GlobalAveragePool) return IntKernels.globalAverage(xs, x, fin, fout, sat);
    if (op instanceof Op.GlobalMaxPool) return IntKernels.globalMax(xs, x);
    if (op instanceof Op.Activation) {
      ActivationQuant a = q.activations().get(n.name());
      int[] y = new int[x.length];
      for (int i = 0; i < x.length; i++) y[i] = a.apply(x[i]);
      return y;
    }
    if (op instanceof Op.Concat c) {
      List<int[]> ins = n.inputs().stream().map(values::get).toList();
      List<FixedType> fmts = n.inputs().stream().map(q::format).toList();
      return IntKernels.concat(c, n.inputs().stream().map(g::shape).toList(), ins, fmts, fout, ys, sat);
    }
    if (op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Identity) return x;
    if (op instanceof Op.Reduce r) return IntKernels.reduce(r, xs, x, ys, fin, fout, sat);
    if (op instanceof Op.Transpose || op instanceof Op.Resize || op instanceof Op.Pad || op instanceof Op.Spread
        || op instanceof Op.Slice || op instanceof Op.ChannelShuffle) {
      int[] map = indexMaps.computeIfAbsent(n.name(), k -> IndexMaps.sourceIndex(g, n));
      int padRaw = op instanceof Op.Pad p ? fout.quantize(p.value()) : 0;
      int[] y = new int[map.length];
      for (int i = 0; i < y.length; i++) y[i] = map[i] < 0 ? padRaw : x[map[i]];
      return y;
    }
    throw new ModelException("node '" + n.name() + "' (" + op.type() + ") has no fixed-point form");
  }

  /** A node's operand: a computed value, or a constant quantized in its format (round half to even, saturate). */
  private int[] operand(String name, Map<String, int[]> values) {
    int[] v = values.get(name);
    if (v != null) return v;
    return constants.computeIfAbsent(name, k -> {
      FixedType f = q.format(k);
      float[] c = g.constants().get(k).toFloatArray();
      int[] raw = new int[c.length];
      for (int i = 0; i < c.length; i++) raw[i] = f.quantize(c[i]);
      return raw;
    });
  }
}
