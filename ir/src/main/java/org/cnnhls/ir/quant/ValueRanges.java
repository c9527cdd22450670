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
public record ValueRanges(Map<String, Double> maxAbs, String source, Map<String, double[]> channelMeans) {

  /**
   * @param channelMeans per input of a conv or gemm layer, the mean over the calibration set of each
   *     channel (axis 1 of a tensor of rank >= 2; each element of a rank-1 one): what bias
   *     correction needs; empty for analytic ranges
   */
  public ValueRanges {
    channelMeans = Map.copyOf(channelMeans);
  }

  public ValueRanges(Map<String, Double> maxAbs, String source) {
    this(maxAbs, source, Map.of());
  }

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
    Map<String, double[]> sums = new HashMap<>();
    // channel means only where bias correction reads them: the inputs of conv and gemm layers
    java.util.Set<String> linearInputs = new java.util.HashSet<>();
    for (Node n : g.nodes()) if (FixedPointOps.isLinear(n.op()) && !g.isConstant(n.input(0))) linearInputs.add(n.input(0));
    for (Map<String, float[]> sample : samples) {
      Map<String, float[]> all = interp.runAll(sample);
      for (Map.Entry<String, float[]> e : all.entrySet()) {
        ranges.merge(e.getKey(), magnitude(e.getValue(), percentile), Math::max);
        if (linearInputs.contains(e.getKey())) addChannelMeans(sums, e.getKey(), e.getValue(), g.shape(e.getKey()));
      }
    }
    int n = samples.size();
    sums.values().forEach(m -> {
      for (int c = 0; c < m.length; c++) m[c] /= n;
    });
    String src = "calibration on " + samples.size() + " samples (" + (percentile >= 100 ? "max" : "p" + percentile) + ")";
    return new ValueRanges(Map.copyOf(ranges), src, sums);
  }

  /**
   * Ranges by {@code method} for activation formats of {@code width} bits. mse and entropy run the
   * calibration set twice: once for the maxima, once to score the candidate formats below them.
   */
  public static ValueRanges calibrate(Graph g, List<Map<String, float[]>> samples, Calibration method, int width) {
    if (method.method() == Calibration.Method.MAX || method.method() == Calibration.Method.PERCENTILE) {
      return calibrate(g, samples, method.percentile());
    }
    ValueRanges max = calibrate(g, samples, 100);
    if (method.method() == Calibration.Method.ENTROPY && width > 8) {
      return new ValueRanges(max.maxAbs(), "calibration on " + samples.size() + " samples (entropy: max above 8 bits)", max.channelMeans());
    }
    boolean mse = method.method() == Calibration.Method.MSE;
    FloatInterpreter interp = new FloatInterpreter(g);
    Map<String, ClipScore> scores = new HashMap<>();
    for (Map<String, float[]> sample : samples) {
      for (Map.Entry<String, float[]> e : interp.runAll(sample).entrySet()) {
        double m = max.maxAbs().get(e.getKey());
        scores.computeIfAbsent(e.getKey(), k -> mse ? new MseScore(width, m) : new EntropyScore(width, m)).add(e.getValue());
      }
    }
    Map<String, Double> ranges = new HashMap<>(max.maxAbs());
    scores.forEach((value, s) -> ranges.put(value, s.bestRange()));
    return new ValueRanges(Map.copyOf(ranges), "calibration on " + samples.size() + " samples (" + method.describe() + ")",
        max.channelMeans());
  }

  /** Scores the candidate formats of one tensor; {@link #bestRange} is a range whose format is the winner. */
  private interface ClipScore {
    void add(float[] v);

    double bestRange();
  }

  /** The candidate formats: no clipping (from the max), then one fraction bit more each, {@link Calibration#MAX_CLIP_BITS} times. */
  private static FixedType[] candidates(int width, double max) {
    FixedType f0 = FixedType.forRange(width, max);
    FixedType[] c = new FixedType[Calibration.MAX_CLIP_BITS + 1];
    for (int k = 0; k < c.length; k++) c[k] = new FixedType(width, Math.min(f0.frac() + k, 62 - width));
    return c;
  }

  /** Squared error of quantizing every value into each candidate, as FixedType.quantize does. */
  private static final class MseScore implements ClipScore {
    final FixedType[] cand;
    final double[] sse;

    MseScore(int width, double max) {
      cand = candidates(width, max);
      sse = new double[cand.length];
    }

    public void add(float[] v) {
      for (int k = 0; k < cand.length; k++) {
        FixedType f = cand[k];
        double scale = Math.scalb(1.0, f.frac()), inv = f.scale(), lo = f.minRaw(), hi = f.maxRaw(), s = 0;
        for (float x : v) {
          double r = Math.max(lo, Math.min(hi, Math.rint(x * scale)));
          double e = x - r * inv;
          s += e * e;
        }
        sse[k] += s;
      }
    }

    public double bestRange() {
      int best = 0;
      for (int k = 1; k < sse.length; k++) if (sse[k] < sse[best]) best = k; // ties keep the wider range
      return cand[best].maxReal();
    }
  }

  /** TensorRT's KL calibration at the candidate thresholds (see {@link Calibration}). */
  private static final class EntropyScore implements ClipScore {
    static final int BINS = 2048;
    final FixedType[] cand;
    final double max;
    final long[] hist = new long[BINS];
    final int levels;

    EntropyScore(int width, double max) {
      cand = candidates(width, max);
      this.max = cand[0].maxReal();
      levels = 1 << (width - 1);
    }

    public void add(float[] v) {
      if (!(max > 0)) return;
      double perBin = BINS / max;
      for (float x : v) hist[(int) Math.min(BINS - 1, Math.abs(x) * perBin)]++;
    }

    public double bestRange() {
      int best = 0;
      double bestKl = Double.POSITIVE_INFINITY;
      for (int k = 0; k < cand.length; k++) {
        int t = (int) Math.round(cand[k].maxReal() / max * BINS);
        if (t < levels || t < 1) break; // fewer bins than levels: nothing left to compare
        double kl = kl(t);
        if (kl < bestKl - 1e-12) {
          bestKl = kl;
          best = k;
        }
      }
      return cand[best].maxReal();
    }

    /**
     * KL(P || Q): P the first t bins with the tail folded into bin t-1; Q the same t bins without the
     * tail, merged into `levels` runs and spread back over each run's non-empty bins.
     */
    private double kl(int t) {
      double[] p = new double[t];
      for (int i = 0; i < BINS; i++) p[Math.min(i, t - 1)] += hist[i];
      double[] q = new double[t];
      for (int j = 0; j < levels; j++) {
        int a = (int) ((long) j * t / levels), b = (int) ((long) (j + 1) * t / levels);
        double sum = 0;
        int nonZero = 0;
        // Q is built from the bins without the folded tail, so clipping mass shows up as divergence
        for (int i = a; i < b; i++) {
          sum += hist[i];
          if (hist[i] > 0) nonZero++;
        }
        for (int i = a; i < b; i++) if (hist[i] > 0) q[i] = sum / nonZero;
      }
      double ps = 0, qs = 0;
      for (int i = 0; i < t; i++) {
        ps += p[i];
        qs += q[i];
      }
      if (ps == 0) return 0;
      double d = 0;
      for (int i = 0; i < t; i++) {
        if (p[i] == 0) continue;
        double pi = p[i] / ps, qi = q[i] / qs;
        d += qi > 0 ? pi * Math.log(pi / qi) : pi * 50; // a bin Q cannot hold: a large penalty, as smoothing would give
      }
      return d;
    }
  }

  /** Adds one sample's per-channel means of value {@code name} (shape {@code s}, batch folded in) to {@code sums}. */
  private static void addChannelMeans(Map<String, double[]> sums, String name, float[] v, Shape s) {
    if (s == null || v.length == 0) return;
    int channels = s.rank() >= 2 ? s.dim(1) : v.length;
    if (channels <= 0 || v.length % channels != 0) return;
    int outer = s.rank() >= 2 ? s.dim(0) : 1;
    int inner = v.length / channels / Math.max(outer, 1);
    if (outer * channels * inner != v.length) return;
    double[] m = sums.computeIfAbsent(name, k -> new double[channels]);
    if (m.length != channels) return;
    for (int b = 0, i = 0; b < outer; b++) {
      for (int c = 0; c < channels; c++) {
        double acc = 0;
        for (int j = 0; j < inner; j++) acc += v[i++];
        m[c] += acc / ((double) inner * outer);
      }
    }
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
    if (op instanceof Op.Erf) return Math.min(1.0, x * 2 / Math.sqrt(Math.PI));
    if (op instanceof Op.Sqrt) return Math.sqrt(x);
    if (op instanceof Op.Pow p) return p.exponent() >= 0 ? Math.pow(x, p.exponent()) : Double.POSITIVE_INFINITY;
    if (op instanceof Op.Reciprocal) return Double.POSITIVE_INFINITY; // no sound bound without a bound on 1/|x|
    if (op instanceof Op.Softmax) return 1.0;
    if (op instanceof Op.FakeQuant fq) return Math.min(x, ModelQuantization.maxAbsReal(fq.spec()));
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
    if (op instanceof Op.Reduce red && red.kind() == Op.ReduceKind.SUM) {
      return x * ((double) g.shape(n.input(0)).size() / g.shape(n.output()).size());
    }
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
    // x * g(x) with 0 <= g <= 1: no larger than x, and the function's own minimum below zero
    if (a instanceof Op.HardSwish) return Math.max(x, 0.375);
    if (a instanceof Op.Silu) return Math.max(x, 0.2785);
    if (a instanceof Op.Gelu) return Math.max(x, 0.1701);
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
