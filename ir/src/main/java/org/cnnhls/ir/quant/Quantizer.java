package org.cnnhls.ir.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ops.Op;

/**
 * Assigns fixed-point formats per the numeric contract. Requantizing layers (conv, gemm, add,
 * average pooling, concat) get an output format from the value's range; layout and max-pooling ops
 * keep their input's format; producers of a Concat input take the Concat's format so it is a plain
 * copy. Weights are rounded half to even; bias sits at the accumulator scale.
 */
public final class Quantizer {
  private Quantizer() {}

  /** Accumulators are int64 in Java; the contract's bound must leave headroom for the bias add. */
  static final int MAX_ACCUMULATOR_BITS = 62;

  /**
   * Formats per the numeric contract. A graph that carries a model's own quantization
   * ({@link Op.FakeQuant} nodes, tagged weights) keeps it ({@link ModelQuantization}); strip it with
   * {@link ModelQuantization#dropCarried} first to calibrate from float instead.
   */
  public static QuantizedGraph quantize(Graph g, QuantOptions options, ValueRanges ranges) {
    if (ModelQuantization.carries(g)) return ModelQuantization.quantize(g, options, ranges);
    checkSupported(g);
    Set<String> nodeNames = new HashSet<>();
    g.nodes().forEach(n -> nodeNames.add(n.name()));
    for (String layer : options.overrides().keySet()) {
      if (!nodeNames.contains(layer)) {
        throw new ModelException("quantization override names layer '" + layer + "', which is not in the model"
            + " (layers are named as in `cnnhls passes`)");
      }
    }
    Map<String, FixedType> formats = new HashMap<>();
    for (var in : g.inputs()) formats.put(in.name(), resolve(options.activations(), in.name(), ranges, options.headroomBits()));
    // 1. requantizing ops choose their output format from the data
    for (Node n : g.nodes()) {
      if (FixedPointOps.requantizes(n.op())) formats.put(n.output(), resolve(options.outputFor(n.name()), n.output(), ranges, options.headroomBits()));
    }
    // 2. producers of a Concat input share the Concat's format
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.Concat)) continue;
      for (String in : n.inputs()) {
        Node p = g.producer(in);
        if (p != null && FixedPointOps.requantizes(p.op()) && !(p.op() instanceof Op.Concat)) formats.put(in, formats.get(n.output()));
      }
    }
    // 3. everything else keeps its input's format
    for (Node n : g.nodes()) {
      if (!FixedPointOps.requantizes(n.op())) formats.put(n.output(), formats.get(n.input(0)));
    }
    // 4. a Mul's constant operand (a scale): the activations' width, its fraction from its largest value
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.Mul)) continue;
      for (String in : n.inputs()) {
        if (g.isConstant(in)) {
          formats.putIfAbsent(in, new FormatSpec(options.activations().width(), null).resolve(ValueRanges.maxAbs(g.constants().get(in))));
        }
      }
    }

    Map<String, LinearQuant> linear = new HashMap<>();
    Map<String, ActivationQuant> activations = new HashMap<>();
    for (Node n : g.nodes()) {
      FixedType out = formats.get(n.output());
      if (FixedPointOps.isLinear(n.op())) {
        linear.put(n.name(), linearParams(g, n, formats.get(n.input(0)), out, options, ranges));
      }
      ActivationQuant a = activationParams(n, formats.get(n.input(0)), out, act -> ActivationQuant.of(act, out));
      if (a != null) activations.put(n.name(), a);
    }
    return new QuantizedGraph(g, formats, linear, activations, ranges, options);
  }

  /** The format of value {@code name}, refusing a range that is not finite by the value's name. */
  static FixedType resolve(FormatSpec spec, String name, ValueRanges ranges, int headroomBits) {
    double r = ranges.of(name);
    if (spec.intBits() == null && !Double.isFinite(r)) {
      throw new ModelException("value '" + name + "' has range " + r + " (" + ranges.source()
          + "), so no fixed-point format fits it; calibrate on finite data or give an explicit format W,I");
    }
    return spec.resolve(Math.scalb(r, headroomBits));
  }

  static void checkSupported(Graph g) {
    List<String> bad = new ArrayList<>();
    for (Node n : g.nodes()) {
      String why = FixedPointOps.unsupportedReason(g, n);
      if (why != null) bad.add("'" + n.name() + "' (" + n.op().type() + ": " + why + ")");
    }
    if (!bad.isEmpty()) {
      throw new ModelException("no fixed-point form for node" + (bad.size() > 1 ? "s " : " ") + String.join(", ", bad)
          + "; run the default pass pipeline first, or keep these layers on the host");
    }
  }

  static LinearQuant linearParams(Graph g, Node n, FixedType x, FixedType out, QuantOptions options, ValueRanges ranges) {
    Tensor wt = g.constants().get(n.input(1));
    float[] w = wt.toFloatArray();
    Tensor bt = n.hasInput(2) ? g.constants().get(n.input(2)) : null;
    boolean conv = FixedPointOps.isConv(n.op());
    boolean transB = !conv && FixedPointOps.transB(n.op());
    Shape ws = wt.shape();
    int outs = conv || transB ? ws.dim(0) : ws.dim(1);
    int k = ws.size() / outs;
    FormatSpec spec = options.weightsFor(n.name());
    // weights are [outs][k] (conv, transB gemm) or [k][outs] (plain gemm): loop without divisions
    boolean rowMajorOut = conv || transB;
    double[] chanMax = new double[outs];
    if (rowMajorOut) {
      for (int o = 0; o < outs; o++) {
        double mx = 0;
        for (int j = o * k, end = j + k; j < end; j++) mx = Math.max(mx, Math.abs(w[j]));
        chanMax[o] = mx;
      }
    } else {
      for (int j = 0; j < k; j++) {
        for (int o = 0, base = j * outs; o < outs; o++) chanMax[o] = Math.max(chanMax[o], Math.abs(w[base + o]));
      }
    }
    double wMax = 0;
    for (double v : chanMax) wMax = Math.max(wMax, v);
    if (!Double.isFinite(wMax)) {
      throw new ModelException("weights '" + n.input(1) + "' of node '" + n.name() + "' hold " + wMax + "; no fixed-point format fits them");
    }
    FixedType wf = spec.resolve(wMax);
    boolean perChannel = options.perChannel() && spec.intBits() == null;
    boolean mse = options.weightClipping() == QuantOptions.WeightClipping.MSE && spec.intBits() == null;
    double[] clip = chanMax;
    if (mse && perChannel) {
      clip = new double[outs];
      for (int o = 0; o < outs; o++) clip[o] = mseChannelClip(w, o, outs, k, rowMajorOut, chanMax[o], wf.maxRaw(), wf.minRaw());
    } else if (mse) {
      wf = mseLayerFormat(w, wf);
    }
    BiasCorrection correction = options.biasCorrection() ? BiasCorrection.of(g, n, w, outs, k, rowMajorOut, ranges) : null;
    for (int coarsened = 0; ; coarsened++) {
      int[] raw = new int[w.length];
      long[] bias = new long[outs];
      int[] mult = new int[outs], shift = new int[outs];
      double[] scale = new double[outs], real = new double[outs];
      for (int o = 0; o < outs; o++) {
        if (perChannel) {
          scale[o] = clip[o] > 0 ? clip[o] / wf.maxRaw() : wf.scale();
          // real multiplier acc -> out: 2^-Fx * scale / 2^-Fout, as M / 2^s with M in [2^14, 2^15)
          double r = scale[o] * Math.scalb(1.0, out.frac() - x.frac());
          int s = 14 - (int) Math.floor(Math.log(r) / Math.log(2));
          long m = Math.round(Math.scalb(r, s));
          if (m >= (1 << 15)) {
            s--;
            m = Math.round(Math.scalb(r, s));
          }
          real[o] = r;
          mult[o] = (int) Math.max(1, m);
          shift[o] = s;
        } else {
          scale[o] = wf.scale();
          mult[o] = 1;
          shift[o] = x.frac() + wf.frac() - out.frac();
        }
      }
      double lo = wf.minRaw(), hi = wf.maxRaw();
      double[] inv = new double[outs];
      for (int o = 0; o < outs; o++) inv[o] = 1.0 / scale[o];
      if (perChannel) {
        // non-power-of-two scales: divide, as the contract's round(w / scale) says
        for (int i = 0; i < w.length; i++) {
          int o = rowMajorOut ? i / k : i % outs;
          raw[i] = (int) Math.max(lo, Math.min(hi, Math.rint(w[i] / scale[o])));
        }
      } else if (rowMajorOut) {
        // power-of-two scales: multiplying by the exact inverse is the same division
        for (int o = 0; o < outs; o++) {
          double iv = inv[o];
          for (int j = o * k, end = j + k; j < end; j++) raw[j] = (int) Math.max(lo, Math.min(hi, Math.rint(w[j] * iv)));
        }
      } else {
        for (int j = 0; j < k; j++) {
          for (int o = 0, base = j * outs; o < outs; o++) raw[base + o] = (int) Math.max(lo, Math.min(hi, Math.rint(w[base + o] * inv[o])));
        }
      }
      for (int o = 0; o < outs; o++) bias[o] = quantizeBias(bt, correction, raw, w, o, outs, x, scale[o]);

      // The product bound. C++ computes t = acc * M in int64 (cnnhls_requant.h) and is exact only
      // for |acc * M| < 2^Requantize.PRODUCT_BITS and s <= MAX_SHIFT. The contract's worst |acc| is
      // |bias| + sum |w| 2^(Wx-1); Wx + Ww + ceil(log2 K) + 1 bounds the sum but not the bias, which
      // sits at scale 2^-(Fx + Fw): near-silent inputs (large Fx, as deep random-weight nets produce)
      // make it huge (GoogLeNet's fc: 2^49 raw, times a 15-bit M = 2^64). Rather than widen every
      // engine multiplier beyond 64 bits for such layers, the quantizer gives up the least useful
      // precision until the bound holds: a channel first loses multiplier bits (M and s one smaller,
      // M still round(r 2^s) per the contract) while M keeps at least Ww significant bits (at 8 bit
      // from 15 down to 8), then its weight scale doubles (weights and bias re-rounded from float,
      // M / 2^s unchanged). Per-layer scaling (M = 1) coarsens the layer's weight format instead.
      // Explicit W,I formats are kept as asked; lowering refuses them if they break the bound.
      boolean fits = true;
      for (int o = 0; o < outs; o++) {
        if (perChannel) {
          fitChannel(n, o, w, bt, correction, raw, bias, mult, shift, scale, real, x, wf, outs, k, rowMajorOut);
        } else if (!fitsContract(LinearQuant.accumulatorBound(raw, bias[o], o, outs, k, rowMajorOut, x.width()), 1, shift[o])) {
          fits = false;
          break;
        }
      }
      if (!fits && spec.intBits() == null) {
        if (coarsened > 2 * MAX_ACCUMULATOR_BITS) throw unfit(n);
        wf = new FixedType(wf.width(), wf.frac() - 1);
        continue;
      }
      int accBits = x.width() + wf.width() + (int) Math.ceil(Math.log(Math.max(k, 1)) / Math.log(2)) + 1;
      if (accBits > MAX_ACCUMULATOR_BITS) {
        throw new ModelException("layer '" + n.name() + "' needs a " + accBits + "-bit accumulator for " + x + " x " + wf
            + " over " + k + " terms; choose narrower formats (at most " + MAX_ACCUMULATOR_BITS + " bits)");
      }
      return new LinearQuant(wf, raw, bias, mult, shift, scale, accBits, wMax);
    }
  }

  static boolean fitsContract(long accBound, int mult, int shift) {
    return Requantize.productInBound(accBound, mult) && shift <= Requantize.MAX_SHIFT;
  }

  /**
   * Channel o's bias at the accumulator scale: the float bias (0 without one), less the weights'
   * rounding error times the channel means of the input when bias correction is on.
   */
  private static long quantizeBias(Tensor bt, BiasCorrection c, int[] raw, float[] w, int o, int outs, FixedType x, double scale) {
    double b = bt == null ? 0 : bt.get(bt.size() == outs ? o : 0);
    if (c != null) b -= c.shift(raw, w, o, scale);
    return (long) Math.rint(b / (x.scale() * scale));
  }

  /** Scales tried below a channel's max by {@link QuantOptions.WeightClipping#MSE}: max * (1 - j/64). */
  static final int CLIP_CANDIDATES = 32;

  /** The clip of channel o (its max times 1 - j/64) with the least squared error, as the weights are rounded. */
  static double mseChannelClip(float[] w, int o, int outs, int k, boolean rowMajorOut, double max, double hiRaw, double loRaw) {
    if (!(max > 0)) return max;
    double best = max, bestErr = Double.POSITIVE_INFINITY;
    for (int j = 0; j < CLIP_CANDIDATES; j++) {
      double c = max * (1 - j / 64.0), scale = c / hiRaw, err = 0;
      for (int i = 0; i < k; i++) {
        double v = w[rowMajorOut ? o * k + i : i * outs + o];
        double e = v - Math.max(loRaw, Math.min(hiRaw, Math.rint(v / scale))) * scale;
        err += e * e;
      }
      if (err < bestErr) { // ties keep the larger clip
        bestErr = err;
        best = c;
      }
    }
    return best;
  }

  /** Of the layer's format and the ones with one and two more fraction bits, the one with the least squared error. */
  static FixedType mseLayerFormat(float[] w, FixedType f0) {
    FixedType best = f0;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int extra = 0; extra <= 2; extra++) {
      FixedType f = new FixedType(f0.width(), f0.frac() + extra);
      double scale = f.scale(), inv = Math.scalb(1.0, f.frac()), lo = f.minRaw(), hi = f.maxRaw(), err = 0;
      for (float v : w) {
        double e = v - Math.max(lo, Math.min(hi, Math.rint(v * inv))) * scale;
        err += e * e;
      }
      if (err < bestErr) {
        bestErr = err;
        best = f;
      }
    }
    return best;
  }

  /**
   * Bias correction (Nagel et al., "Data-free quantization through weight equalization and bias
   * correction", 2019, the empirical variant): rounding the weights shifts channel o's expected
   * output by sum_i (q_i scale - w_i) E[x_ch(i)]; the bias absorbs it. E[x] is the input's
   * per-channel mean over the calibration set (float model), zero padding ignored.
   */
  /**
   * The activation parameters of node {@code n} (input format {@code in}, output {@code out}): a
   * table activation's table, else the clamp or leaky activation {@code clamp} makes of it (also
   * for linear and Add nodes without one: their requantize saturates); null for other nodes.
   */
  static ActivationQuant activationParams(Node n, FixedType in, FixedType out,
      java.util.function.Function<Op.Activation, ActivationQuant> clamp) {
    Op.Activation act = FixedPointOps.activation(n.op());
    if (act == null && !FixedPointOps.isLinear(n.op()) && !(n.op() instanceof Op.FusedAdd) && !(n.op() instanceof Op.Add)) return null;
    if (!ActivationQuant.hasTable(act)) return clamp.apply(act);
    try {
      return ActivationQuant.of(act, in, out);
    } catch (ModelException e) {
      throw new ModelException("node '" + n.name() + "': " + e.getMessage(), e);
    }
  }

  private record BiasCorrection(double[] means, int outs, int k, boolean rowMajorOut, int taps, int outsPerGroup, int inPerGroup) {

    static BiasCorrection of(Graph g, Node n, float[] w, int outs, int k, boolean rowMajorOut, ValueRanges ranges) {
      double[] m = ranges.channelMeans().get(n.input(0));
      if (m == null) {
        throw new ModelException("bias correction for layer '" + n.name() + "' needs calibration data (the means of its input '"
            + n.input(0) + "'); give --calibration or leave bias correction off");
      }
      if (FixedPointOps.isConv(n.op())) {
        Shape ws = g.constants().get(n.input(1)).shape();
        int inPerGroup = ws.dim(1), taps = k / Math.max(inPerGroup, 1), groups = m.length / Math.max(inPerGroup, 1);
        if (groups < 1 || outs % groups != 0 || groups * inPerGroup != m.length) return null;
        return new BiasCorrection(m, outs, k, true, taps, outs / groups, inPerGroup);
      }
      return m.length == k ? new BiasCorrection(m, outs, k, rowMajorOut, 1, outs, k) : null;
    }

    /** The expected output shift of channel o from its rounded weights at {@code scale}. */
    double shift(int[] raw, float[] w, int o, double scale) {
      int base = (o / outsPerGroup) * inPerGroup;
      double s = 0;
      for (int i = 0; i < k; i++) {
        int j = rowMajorOut ? o * k + i : i * outs + o;
        s += (raw[j] * scale - w[j]) * means[base + i / taps];
      }
      return s;
    }
  }

  /** Brings channel o inside the product bound and shift range (see above); a no-op for almost every channel. */
  private static void fitChannel(Node n, int o, float[] w, Tensor bt, BiasCorrection c, int[] raw, long[] bias, int[] mult, int[] shift,
      double[] scale, double[] real, FixedType x, FixedType wf, int outs, int k, boolean rowMajorOut) {
    long bound = LinearQuant.accumulatorBound(raw, bias[o], o, outs, k, rowMajorOut, x.width());
    double minMultiplier = Math.scalb(1.0, Math.min(14, wf.width() - 1)); // M keeps >= Ww significant bits
    for (int step = 0; !fitsContract(bound, mult[o], shift[o]); step++) {
      if (step > 4 * MAX_ACCUMULATOR_BITS) throw unfit(n);
      shift[o]--;
      if (Math.scalb(real[o], shift[o]) >= minMultiplier) {
        mult[o] = (int) Math.round(Math.scalb(real[o], shift[o]));
        continue;
      }
      // coarser weights for this channel: scale and r double, M / 2^s stays
      scale[o] *= 2;
      real[o] *= 2;
      double lo = wf.minRaw(), hi = wf.maxRaw();
      for (int i = 0; i < k; i++) {
        int j = rowMajorOut ? o * k + i : i * outs + o;
        raw[j] = (int) Math.max(lo, Math.min(hi, Math.rint(w[j] / scale[o])));
      }
      bias[o] = quantizeBias(bt, c, raw, w, o, outs, x, scale[o]);
      bound = LinearQuant.accumulatorBound(raw, bias[o], o, outs, k, rowMajorOut, x.width());
    }
  }

  private static ModelException unfit(Node n) {
    return new ModelException("layer '" + n.name() + "': no requantize parameters keep its accumulator times multiplier below 2^"
        + Requantize.PRODUCT_BITS + " (its bias is far larger than its inputs can move); check the model's weights");
  }
}
