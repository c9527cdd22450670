package org.cnnhls.ir.quant;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.cnnhls.ir.ops.Op;

/**
 * The largest magnitude each value takes: measured on a calibration set (max, or a percentile of
 * |x| per sample, maximised over samples), or bounded analytically by interval arithmetic from an
 * assumed input range (sound but loose).
 */
public record ValueRanges(Map<String, Double> maxAbs, String source) {

  public double of(String value) {
    Double v = maxAbs.get(value);
    if (v == null) throw new IllegalArgumentException("no range for value " + value);
    return v;
  }

  /**
   * @param percentile 100 for the plain maximum, e.g. 99.99 to ignore rare outliers
   */
  public static ValueRanges calibrate(Graph g, List<Map<String, float[]>> samples, double percentile) {
    FloatInterpreter interp = new FloatInterpreter(g);
    Map<String, Double> ranges = new HashMap<>();
    for (Map<String, float[]> sample : samples) {
      Map<String, float[]> all = interp.runAll(sample);
      for (Map.Entry<String, float[]> e : all.entrySet()) {
        ranges.merge(e.getKey(), magnitude(e.getValue(), percentile), Math::max);
      }
    }
    String src = "calibration on " + samples.size() + " samples (" + (percentile >= 100 ? "max" : "p" + percentile) + ")";
    return new ValueRanges(Map.copyOf(ranges), src);
  }

  static double magnitude(float[] v, double percentile) {
    if (percentile >= 100) {
      double m = 0;
      for (float x : v) m = Math.max(m, Math.abs(x));
      return m;
    }
    float[] abs = new float[v.length];
    for (int i = 0; i < v.length; i++) abs[i] = Math.abs(v[i]);
    Arrays.sort(abs);
    int idx = (int) Math.min(abs.length - 1, Math.ceil(percentile / 100.0 * abs.length) - 1);
    return abs[Math.max(idx, 0)];
  }

  /** Interval bounds assuming every graph input lies in [-inputBound, inputBound]. */
  public static ValueRanges analytic(Graph g, double inputBound) {
    Map<String, Double> r = new HashMap<>();
    g.inputs().forEach(in -> r.put(in.name(), inputBound));
    g.constants().forEach((name, t) -> r.put(name, maxAbs(t)));
    for (Node n : g.nodes()) r.put(n.output(), bound(g, n, r));
    return new ValueRanges(Map.copyOf(r), "analytic bound from inputs in [-" + inputBound + ", " + inputBound + "]");
  }

  private static double bound(Graph g, Node n, Map<String, Double> r) {
    Op op = n.op();
    double x = r.get(n.input(0));
    if (op instanceof Op.FusedConv f) return activate(f.activation(), linearBound(g, n, x, true));
    if (op instanceof Op.Conv) return linearBound(g, n, x, true);
    if (op instanceof Op.FusedGemm f) return activate(f.activation(), linearBound(g, n, x, false));
    if (op instanceof Op.Gemm gm) return linearBound(g, n, x, false) * Math.max(1, Math.abs(gm.alpha()));
    if (op instanceof Op.MatMul) return x * r.get(n.input(1)) * g.shape(n.input(0)).dim(-1);
    if (op instanceof Op.FusedAdd f) return activate(f.activation(), x + r.get(n.input(1)));
    if (op instanceof Op.Add) return x + r.get(n.input(1));
    if (op instanceof Op.Mul) return x * r.get(n.input(1));
    if (op instanceof Op.Sub) return x + r.get(n.input(1));
    if (op instanceof Op.Div) return Double.POSITIVE_INFINITY; // no sound bound without a bound on 1/|b|
    if (op instanceof Op.Activation a) return activate(a, x);
    if (op instanceof Op.Softmax) return 1.0;
    if (op instanceof Op.Concat) {
      double m = 0;
      for (String in : n.inputs()) m = Math.max(m, r.get(in));
      return m;
    }
    if (op instanceof Op.BatchNormalization) {
      float[] scale = g.constants().get(n.input(1)).toFloatArray(), bias = g.constants().get(n.input(2)).toFloatArray();
      float[] mean = g.constants().get(n.input(3)).toFloatArray(), var = g.constants().get(n.input(4)).toFloatArray();
      double m = 0;
      for (int c = 0; c < scale.length; c++) {
        double a = Math.abs(scale[c] / Math.sqrt(var[c] + ((Op.BatchNormalization) op).epsilon()));
        m = Math.max(m, a * (x + Math.abs(mean[c])) + Math.abs(bias[c]));
      }
      return m;
    }
    if (op instanceof Op.Pad p) return Math.max(x, Math.abs(p.value()));
    return x; // pooling, layout ops: never larger than the input
  }

  /** max over output channels of sum|w| * x + |b|. */
  private static double linearBound(Graph g, Node n, double x, boolean conv) {
    Tensor w = g.constants().get(n.input(1));
    if (w == null) return Double.POSITIVE_INFINITY;
    Tensor b = n.hasInput(2) ? g.constants().get(n.input(2)) : null;
    Shape ws = w.shape();
    boolean transB = !conv && (n.op() instanceof Op.FusedGemm f ? f.transB() : ((Op.Gemm) n.op()).transB());
    int outs = conv || transB ? ws.dim(0) : ws.dim(1);
    int k = ws.size() / outs;
    double[] sum = new double[outs];
    float[] chunk = new float[conv || transB ? k : outs];
    java.nio.FloatBuffer data = w.buffer();
    int rows = conv || transB ? outs : k;
    for (int r = 0; r < rows; r++) {
      data.get(chunk);
      if (conv || transB) {
        double s = 0;
        for (float v : chunk) s += Math.abs(v);
        sum[r] = s;
      } else {
        for (int o = 0; o < outs; o++) sum[o] += Math.abs(chunk[o]);
      }
    }
    double m = 0;
    for (int o = 0; o < outs; o++) {
      double bias = b == null ? 0 : Math.abs(b.get(b.size() == outs ? o : 0));
      m = Math.max(m, sum[o] * x + bias);
    }
    return m;
  }

  private static double activate(Op.Activation a, double x) {
    if (a == null) return x;
    if (a instanceof Op.Relu6) return Math.min(x, 6);
    if (a instanceof Op.Clip c) return Math.min(x, Math.max(Math.abs(c.min()), Math.abs(c.max())));
    if (a instanceof Op.Sigmoid || a instanceof Op.HardSigmoid || a instanceof Op.Tanh) return 1.0;
    return x;
  }

  static double maxAbs(Tensor t) {
    java.nio.FloatBuffer data = t.buffer();
    float[] chunk = new float[Math.min(t.size(), 1 << 16)];
    double m = 0;
    while (data.hasRemaining()) {
      int n = Math.min(chunk.length, data.remaining());
      data.get(chunk, 0, n);
      for (int i = 0; i < n; i++) m = Math.max(m, Math.abs(chunk[i]));
    }
    return m;
  }
}
