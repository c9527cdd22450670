package org.cnnhls.ir.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.QuantSpec;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ops.Op;

/**
 * Quantization of a pre-quantized model (QDQ, QOperator, QONNX) that keeps the model's integers.
 * The imported graph is the float graph with {@link Op.FakeQuant} nodes on activations and weights
 * tagged with their quantization ({@link Tensor#quant()}). Here:
 *
 * <ol>
 *   <li>the FakeQuant nodes are removed; each one's quantization goes to the value it quantized;
 *   <li>a value the model quantized gets format (W, F): raw = the model's integer less its zero
 *       point, W the narrowest signed width holding that ({@link #carriedFormat}); F = -floor(log2 scale), exact when the scale is a power of two, nominal
 *       otherwise (the model's real scale is kept in {@link CarriedQuant} for inputs and outputs);
 *   <li>a Conv/Gemm keeps the model's raw weights and bias; its per-channel real multiplier
 *       r_c = s_x s_w[c] / s_y becomes M_c 2^-s_c with M_c in [2^22, 2^23) ({@link #MULTIPLIER_BITS};
 *       M = 1 when r_c is a power of two), so |M 2^-s / r - 1| &lt;= 2^-23 and an output of
 *       |y| &lt; 2^(W-1) LSB moves by less than 2^(W-24) LSB before rounding (2^-16 LSB at 8 bit),
 *       unless the product bound made M shorter (then the error is larger); the worst error per layer
 *       is reported;
 *   <li>ops whose integer form needs equal or power-of-two scales (Add, Concat, pooling averages,
 *       Mul, table activations) are refused by name when the model's scales break that.
 * </ol>
 *
 * Activations are per tensor, with any zero point: the engine stores raw = q - zeroPoint, so it stays
 * symmetric (the zero-point correction of the consumer's accumulator is implied: sum w (q - z)),
 * zero padding is ONNX's (the real 0), and a producer's offset becomes its clamp range
 * [qmin - z, qmax - z]; the width is the narrowest signed one holding that range (uint8 with z = 0
 * needs 9 bits, so 16-bit storage; uint8 with z = 128 fits 8). Weights must be signed and
 * symmetric, per tensor or per output channel.
 */
public final class ModelQuantization {
  private ModelQuantization() {}

  /**
   * Bits of a real multiplier's M (M in [2^(B-1), 2^B)): |M 2^-s / r - 1| <= 2^-B, as fine as the
   * float32 scales ONNX Runtime multiplies by (24-bit mantissa), so the engine and ORT round apart
   * only where the exact value sits within ~2^-B |y| of a tie. The engine's multiplier is up to 31
   * bits wide (CNNHLS_REQ_M_W, sized from the data by lowering), the product bound is checked below.
   */
  public static final int MULTIPLIER_BITS = 23;

  /** Relative difference under which two float scales count as the same scale. */
  static final double SAME_SCALE = 1e-6;

  /** Whether the graph carries a model's quantization. */
  public static boolean carries(Graph g) {
    for (Node n : g.nodes()) if (n.op() instanceof Op.FakeQuant) return true;
    for (Tensor t : g.constants().values()) if (t.quant() != null) return true;
    return false;
  }

  /**
   * The widest storage the carried quantization needs: activation widths ({@link QuantSpec#signedWidth}) and
   * weight bits; biases (32-bit accumulator values) are not counted. 0 when nothing is carried.
   */
  public static int carriedWidth(Graph g) {
    int w = 0;
    for (Node n : g.nodes()) if (n.op() instanceof Op.FakeQuant fq) w = Math.max(w, fq.spec().signedWidth());
    for (Node n : g.nodes()) {
      if (n.inputs().size() > 1 && g.isConstant(n.input(1)) && g.constants().get(n.input(1)).quant() != null) {
        w = Math.max(w, g.constants().get(n.input(1)).quant().bits());
      }
    }
    return w;
  }

  /** The graph without its FakeQuant nodes and weight tags: calibrate it from float (--requantize). */
  public static Graph dropCarried(Graph g) {
    if (!carries(g)) return g;
    Stripped s = strip(g, true);
    Map<String, Tensor> plain = new LinkedHashMap<>();
    s.graph.constants().forEach((k, v) -> plain.put(k, v.quant() == null ? v : Tensor.wrap(v.shape(), v.toFloatArray())));
    return s.graph.rebuild(s.graph.nodes(), plain, s.graph.outputs());
  }

  /** The quantization each value carries, FakeQuant nodes removed (for {@code inspect}). */
  public static Map<String, QuantSpec> carriedValues(Graph g) {
    return strip(g).specs;
  }

  record Stripped(Graph graph, Map<String, QuantSpec> specs) {}

  /**
   * Removes every FakeQuant: its readers read its input, which takes its quantization. A value read
   * both unquantized and quantized, or quantized two ways, is refused: it has one format here.
   */
  static Stripped strip(Graph g) {
    return strip(g, false);
  }

  /** {@code lenient}: for --requantize, where only the float graph matters, no value's format is checked. */
  static Stripped strip(Graph g, boolean lenient) {
    Map<String, String> replace = new HashMap<>();
    Map<String, QuantSpec> specs = new LinkedHashMap<>();
    Map<String, String> specNode = new HashMap<>();
    Map<String, Tensor> constants = new LinkedHashMap<>(g.constants());
    List<Node> nodes = new ArrayList<>();
    for (Node n : g.nodes()) {
      List<String> ins = new ArrayList<>();
      for (String in : n.inputs()) ins.add(replace.getOrDefault(in, in));
      if (!(n.op() instanceof Op.FakeQuant fq)) {
        nodes.add(new Node(n.name(), n.op(), ins, n.outputs()));
        continue;
      }
      String in = ins.get(0), orig = n.input(0);
      if (constants.containsKey(in)) {
        // a quantized constant (weights the importer could not fold): its fake-quantized values, tagged
        Tensor t = constants.get(in);
        float[] v = fq.spec().fakeQuantize(t.shape(), t.toFloatArray());
        constants.put(n.output(), Tensor.wrap(t.shape(), v).withQuant(fq.spec()));
        continue;
      }
      for (Node c : g.consumers(orig)) {
        if (!lenient && !(c.op() instanceof Op.FakeQuant)) {
          throw new ModelException("value '" + orig + "' is read by node '" + c.name() + "' unquantized and quantized by node '"
              + n.name() + "'; cnnhls keeps one format per value (use --requantize to calibrate from float)");
        }
      }
      if (!lenient && g.outputs().contains(orig)) {
        throw new ModelException("value '" + orig + "' is a graph output and is quantized by node '" + n.name()
            + "'; cnnhls keeps one format per value (use --requantize)");
      }
      QuantSpec old = specs.get(in);
      if (!lenient && old != null && !old.equals(fq.spec())) {
        throw new ModelException("value '" + in + "' is quantized as " + old.describe() + " by node '" + specNode.get(in) + "' and as "
            + fq.spec().describe() + " by node '" + n.name() + "'; cnnhls keeps one format per value (use --requantize)");
      }
      specs.put(in, fq.spec());
      specNode.putIfAbsent(in, n.name());
      replace.put(n.output(), in);
    }
    List<String> outputs = new ArrayList<>();
    for (String o : g.outputs()) outputs.add(replace.getOrDefault(o, o));
    // keep the model's output names: the value a stripped FakeQuant output stood for takes its name
    Map<String, String> rename = new HashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      String o = g.outputs().get(i), v = outputs.get(i);
      boolean produced = false;
      for (Node n : nodes) produced |= n.outputs().contains(v);
      if (!o.equals(v) && produced && !rename.containsKey(v) && !g.outputs().contains(v)) {
        rename.put(v, o);
        outputs.set(i, o);
      }
    }
    if (!rename.isEmpty()) {
      List<Node> renamed = new ArrayList<>();
      for (Node n : nodes) {
        renamed.add(new Node(n.name(), n.op(), n.inputs().stream().map(x -> rename.getOrDefault(x, x)).toList(),
            n.outputs().stream().map(x -> rename.getOrDefault(x, x)).toList()));
      }
      nodes = renamed;
      rename.forEach((from, to) -> {
        QuantSpec s = specs.remove(from);
        if (s != null) specs.put(to, s);
      });
    }
    Map<String, Tensor> used = new LinkedHashMap<>();
    for (Node n : nodes) for (String in : n.inputs()) if (constants.containsKey(in)) used.put(in, constants.get(in));
    Graph out;
    try {
      out = Graph.build(g.name(), g.inputs(), outputs, used, nodes);
    } catch (ModelException e) {
      throw new ModelException("removing the model's quantization nodes: " + e.getMessage(), e);
    }
    return new Stripped(out, specs);
  }

  static QuantizedGraph quantize(Graph original, QuantOptions options, ValueRanges ranges) {
    Stripped st = strip(original);
    Graph g = fuseAgain(st.graph, st.specs);
    Quantizer.checkSupported(g);
    Map<String, QuantSpec> specs = st.specs;
    Map<String, FixedType> formats = new HashMap<>();
    Map<String, Double> scale = new HashMap<>(); // real value of one LSB
    Map<String, QuantSpec> carried = new LinkedHashMap<>();

    for (var in : g.inputs()) assign(g, in.name(), null, specs, formats, scale, carried, options, ranges);
    for (Node n : g.nodes()) {
      String out = n.output();
      if (FixedPointOps.requantizes(n.op())) {
        assign(g, out, n, specs, formats, scale, carried, options, ranges);
        continue;
      }
      // layout ops, max pooling, clamp activations: raw values pass unchanged, so the scale does too
      String in = n.input(0);
      formats.put(out, formats.get(in));
      scale.put(out, scale.get(in));
      if (carried.containsKey(in)) carried.put(out, carried.get(in));
      QuantSpec s = specs.get(out);
      if (s != null) {
        checkValue(g, out, s);
        QuantSpec inSpec = carried.get(in);
        if (!same(s.scale(0), scale.get(in)) || s.zeroPoint(0) != (inSpec == null ? 0 : inSpec.zeroPoint(0))) {
          throw new ModelException("node '" + n.name() + "' (" + n.op().type() + ") passes raw values through, but the model quantizes its input '"
              + in + "' at scale " + scale.get(in) + " (zero point " + (inSpec == null ? 0 : inSpec.zeroPoint(0)) + ") and its output at "
              + s.scale(0) + " (zero point " + s.zeroPoint(0) + ")"
              + "; cnnhls cannot requantize here (use --requantize to calibrate from float)");
        }
      }
    }
    // a Mul's constant operand, as the calibrating quantizer does (power-of-two scales only, checked below)
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.Mul)) continue;
      for (String in : n.inputs()) {
        if (g.isConstant(in) && !formats.containsKey(in)) {
          FixedType f = new FormatSpec(options.activations().width(), null).resolve(ValueRanges.maxAbs(g.constants().get(in)));
          formats.put(in, f);
          scale.put(in, f.scale());
        }
      }
    }
    for (Node n : g.nodes()) checkScales(g, n, scale, specs);

    Map<String, LinearQuant> linear = new HashMap<>();
    Map<String, Double> errors = new LinkedHashMap<>();
    Map<String, ActivationQuant> activations = new HashMap<>();
    for (Node n : g.nodes()) {
      FixedType out = formats.get(n.output());
      if (FixedPointOps.isLinear(n.op())) {
        Tensor wt = g.constants().get(n.input(1));
        double sx = scale.get(n.input(0)), sy = scale.get(n.output());
        if (wt.quant() != null) {
          double[] err = new double[1];
          linear.put(n.name(), modelLinear(g, n, formats.get(n.input(0)), sx, sy, err));
          errors.put(n.name(), err[0]);
        } else if (QuantSpec.isPowerOfTwo(sx) && QuantSpec.isPowerOfTwo(sy)) {
          linear.put(n.name(), Quantizer.linearParams(g, n, formats.get(n.input(0)), out, options, ranges));
        } else {
          throw new ModelException("node '" + n.name() + "' (" + n.op().type() + "): its weights carry no quantization but its input or output"
              + " scale is not a power of two; quantize the weights in the model too, or use --requantize");
        }
      }
      ActivationQuant a = Quantizer.activationParams(n, formats.get(n.input(0)), out,
          act -> clampToModel(clamp(act, out, scale.get(n.output())), carried.get(n.output())));
      if (a != null) activations.put(n.name(), a);
    }
    return new QuantizedGraph(g, formats, linear, activations, ranges, options, new CarriedQuant(carried, errors));
  }

  /**
   * The conv + ReLU / max-pool fusions the FakeQuants blocked (PyTorch quantizes between a conv's
   * ReLU and its pool), redone where that drops no requantization: every quantized value the
   * fusion absorbs feeds only a MaxPool or ReLU whose output the model quantizes identically, or
   * not at all (then it passed the values through, and takes their quantization; max and ReLU
   * commute with a monotone quantization that maps 0 to 0). Otherwise unfused. {@code specs} is
   * updated for what moved.
   */
  static Graph fuseAgain(Graph g, Map<String, QuantSpec> specs) {
    Graph fused = new org.cnnhls.ir.pass.FuseConvPass().apply(g);
    if (fused == g) return g;
    java.util.Set<String> kept = new java.util.HashSet<>();
    fused.inputs().forEach(v -> kept.add(v.name()));
    for (Node n : fused.nodes()) kept.addAll(n.outputs());
    Map<String, QuantSpec> moved = new HashMap<>();
    for (Map.Entry<String, QuantSpec> e : specs.entrySet()) {
      if (kept.contains(e.getKey()) || g.producer(e.getKey()) == null) continue;
      List<Node> cs = g.consumers(e.getKey());
      if (cs.size() != 1 || !(cs.get(0).op() instanceof Op.MaxPool || cs.get(0).op() instanceof Op.Relu)) return g;
      QuantSpec next = specs.get(cs.get(0).output());
      if (next == null) {
        moved.put(cs.get(0).output(), e.getValue()); // the pool passed the values through: its output had this quantization
      } else if (!next.equals(e.getValue())) {
        return g;
      }
    }
    specs.putAll(moved);
    return fused;
  }

  /** Format and scale of a value: the model's when it carries one, else from the calibrated range. */
  private static void assign(Graph g, String v, Node n, Map<String, QuantSpec> specs, Map<String, FixedType> formats,
      Map<String, Double> scale, Map<String, QuantSpec> carried, QuantOptions options, ValueRanges ranges) {
    QuantSpec s = specs.get(v);
    if (s == null) {
      FixedType f = Quantizer.resolve(n == null ? options.activations() : options.outputFor(n.name()), v, ranges, options.headroomBits());
      formats.put(v, f);
      scale.put(v, f.scale());
      return;
    }
    checkValue(g, v, s);
    FixedType f = carriedFormat(s);
    formats.put(v, f);
    scale.put(v, (double) s.scale(0));
    carried.put(v, s);
  }

  /** What the symmetric engine can hold of an activation's quantization; refused naming the value and its producer. */
  private static void checkValue(Graph g, String v, QuantSpec s) {
    Node p = g.producer(v);
    String where = "value '" + v + "'" + (p == null ? " (a graph input)" : " (output of node '" + p.name() + "')");
    if (s.perAxis()) {
      throw new ModelException(where + " is quantized per axis " + s.axis() + "; cnnhls supports per-axis scales on weights only (use --requantize)");
    }
    if (s.bits() < 2 && s.signed()) throw new ModelException(where + " is quantized to 1 signed bit; cnnhls needs at least 2 (use --requantize)");
    if (s.signedWidth() > FixedType.MAX_WIDTH) throw new ModelException(where + " needs more than 32 bits");
    // raw = q - zp, in [rawMin, rawMax] inside the signed format: graph inputs are clamped to it by
    // the host, Conv/Gemm/Add outputs by their fused clamp (see clampToModel), ReLU outputs never go
    // below 0; anywhere else the format's own saturation must be the model's
    int w = s.signedWidth();
    boolean clamped = p == null || FixedPointOps.isLinear(p.op()) || p.op() instanceof Op.Add || p.op() instanceof Op.FusedAdd;
    boolean lowOk = clamped || s.rawMin() == -(1L << (w - 1)) || (s.rawMin() <= 0 && nonNegative(g, v));
    boolean highOk = clamped || s.rawMax() == (1L << (w - 1)) - 1;
    if (!lowOk || !highOk) {
      throw new ModelException(where + " is quantized to [" + s.qmin() + ", " + s.qmax() + "] with zero point " + s.zeroPoint(0)
          + ", which node '" + (p == null ? "?" : p.name()) + "' cannot clamp to (the engine saturates to the full signed range there);"
          + " use --requantize");
    }
  }

  /**
   * The format a carried activation quantization is kept in: raw = q - zeroPoint (offset-free, so
   * the engine stays symmetric and zero padding is the real 0 ONNX pads with), in the narrowest
   * signed width holding it; F = -floor(log2 scale), exact for a power-of-two scale.
   */
  public static FixedType carriedFormat(QuantSpec s) {
    return new FixedType(s.signedWidth(), -Math.getExponent(s.scale(0)));
  }

  /** Whether a value is never negative: the output of a ReLU (fused or not), or of max pooling or layout ops of one. */
  static boolean nonNegative(Graph g, String v) {
    Node p = g.producer(v);
    if (p == null) return false;
    Op.Activation a = FixedPointOps.activation(p.op());
    if (a instanceof Op.Relu || a instanceof Op.Relu6) return true;
    if (a instanceof Op.Clip c) return c.min() >= 0;
    if (p.op() instanceof Op.MaxPool || p.op() instanceof Op.GlobalMaxPool || p.op() instanceof Op.Flatten || p.op() instanceof Op.Reshape
        || p.op() instanceof Op.Identity || p.op() instanceof Op.Transpose || p.op() instanceof Op.Slice) {
      return nonNegative(g, p.input(0));
    }
    return false;
  }

  private static boolean same(double a, double b) {
    return Math.abs(a - b) <= SAME_SCALE * Math.max(Math.abs(a), Math.abs(b));
  }

  /** Ops whose integer form holds only for equal or power-of-two scales. */
  private static void checkScales(Graph g, Node n, Map<String, Double> scale, Map<String, QuantSpec> specs) {
    Op op = n.op();
    List<String> vals = new ArrayList<>();
    String rule;
    if (op instanceof Op.Add || op instanceof Op.FusedAdd || op instanceof Op.Concat) {
      vals.addAll(n.inputs());
      rule = "equal scales on its inputs and output, or powers of two";
    } else if (op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool || op instanceof Op.Reduce) {
      vals.add(n.input(0));
      rule = "the same scale in and out, or powers of two";
    } else if (op instanceof Op.Mul || (op instanceof Op.Activation a && ActivationQuant.hasTable(a))) {
      vals.addAll(n.inputs());
      rule = "power-of-two scales";
    } else if (op instanceof Op.Pad p && p.value() != 0) {
      vals.add(n.input(0));
      rule = "a power-of-two scale for a non-zero pad value";
    } else {
      return;
    }
    vals.add(n.output());
    boolean pow2 = true, equal = true;
    double first = scale.get(vals.get(0));
    for (String v : vals) {
      pow2 &= QuantSpec.isPowerOfTwo(scale.get(v));
      equal &= same(first, scale.get(v));
    }
    boolean ok = pow2 || (equal && !rule.startsWith("power") && !rule.startsWith("a power"));
    if (ok) return;
    StringBuilder sb = new StringBuilder();
    for (String v : vals) sb.append(sb.length() > 0 ? ", " : "").append("'").append(v).append("' ").append(scale.get(v));
    throw new ModelException("node '" + n.name() + "' (" + op.type() + ") needs " + rule + " to keep the model's integers; the model has "
        + sb + " (use --requantize to calibrate from float)");
  }

  /** A layer's clamp narrowed to the model's integer range [qmin, qmax] (unsigned, narrow) of its output. */
  static ActivationQuant clampToModel(ActivationQuant a, QuantSpec s) {
    if (s == null || a.table() != null) return a;
    int lo = (int) Math.max(a.lo(), s.rawMin()), hi = (int) Math.min(a.hi(), s.rawMax());
    return new ActivationQuant(lo, hi, a.leaky(), a.leakMultiplier(), a.leakShift(), a.width());
  }

  /** The fused clamp of a layer in a format whose real LSB is {@code lsb} (not necessarily 2^-F). */
  static ActivationQuant clamp(Op.Activation a, FixedType out, double lsb) {
    if (QuantSpec.isPowerOfTwo(lsb) || !(a instanceof Op.Relu6 || a instanceof Op.Clip)) return ActivationQuant.of(a, out);
    float lo = a instanceof Op.Clip c ? c.min() : 0f, hi = a instanceof Op.Clip c ? c.max() : 6f;
    int min = (int) out.minRaw(), max = (int) out.maxRaw();
    int l = Float.isInfinite(lo) ? min : (int) Math.max(min, Math.min(max, Math.rint(lo / lsb)));
    int h = Float.isInfinite(hi) ? max : (int) Math.max(min, Math.min(max, Math.rint(hi / lsb)));
    return new ActivationQuant(l, h, false, 1, 0, out.width());
  }

  /**
   * A Conv/Gemm with the model's weights: raw weights and bias are the model's integers (recovered
   * exactly from the dequantized floats: |q| &lt; 2^24), multipliers from the real scales.
   */
  private static LinearQuant modelLinear(Graph g, Node n, FixedType x, double sx, double sy, double[] worstError) {
    Tensor wt = g.constants().get(n.input(1));
    QuantSpec ws = wt.quant();
    boolean conv = FixedPointOps.isConv(n.op());
    boolean transB = !conv && FixedPointOps.transB(n.op());
    boolean rowMajorOut = conv || transB;
    Shape shape = wt.shape();
    int outs = rowMajorOut ? shape.dim(0) : shape.dim(1);
    int k = shape.size() / outs;
    String who = "node '" + n.name() + "' (" + n.op().type() + ")";
    if (!ws.signed() || !ws.symmetric()) {
      throw new ModelException(who + ": weights '" + n.input(1) + "' are " + ws.describe()
          + "; the engine takes signed symmetric weights (zero point 0); use --requantize");
    }
    if (ws.perAxis() && ws.axis() != (rowMajorOut ? 0 : 1)) {
      throw new ModelException(who + ": weights '" + n.input(1) + "' are quantized per axis " + ws.axis()
          + "; only the output-channel axis (" + (rowMajorOut ? 0 : 1) + ") is supported; use --requantize");
    }
    if (ws.bits() < 2) throw new ModelException(who + ": 1-bit weights; the engine stores at least 2 bits");
    float[] w = wt.toFloatArray();
    int[] raw = new int[w.length];
    double maxScale = 0, wMax = 0;
    for (int o = 0; o < outs; o++) maxScale = Math.max(maxScale, ws.scale(ws.perAxis() ? o : 0));
    for (int i = 0; i < w.length; i++) {
      int o = rowMajorOut ? i / k : i % outs;
      float s = ws.scale(ws.perAxis() ? o : 0);
      long q = Math.round(Math.rint((double) w[i] / s));
      if (q < ws.qmin() || q > ws.qmax() || ws.dequantize(q, ws.perAxis() ? o : 0) != w[i]) {
        throw new ModelException(who + ": weight " + i + " of '" + n.input(1) + "' (" + w[i] + ") is not an integer multiple of its scale " + s);
      }
      raw[i] = (int) q;
      wMax = Math.max(wMax, Math.abs(w[i]));
    }
    FixedType wf = new FixedType(ws.bits(), -Math.getExponent(maxScale));
    Tensor bt = n.hasInput(2) ? g.constants().get(n.input(2)) : null;
    long[] bias = new long[outs];
    int[] mult = new int[outs], shift = new int[outs];
    double[] channelScale = new double[outs];
    double worst = 0;
    for (int o = 0; o < outs; o++) {
      double sw = ws.scale(ws.perAxis() ? o : 0), acc = sx * sw;
      channelScale[o] = sw;
      if (bt != null) {
        float b = bt.get(bt.size() == outs ? o : 0);
        QuantSpec bs = bt.quant();
        if (bs != null) {
          double sb = bs.scale(bs.perAxis() ? o : 0);
          if (!bs.symmetric() || Math.abs(sb - acc) > 1e-5 * acc) {
            throw new ModelException(who + ": bias '" + n.input(2) + "' is quantized at scale " + sb + " (zero point " + bs.zeroPoint(0)
                + ") but the accumulator's scale is input x weight = " + acc + "; use --requantize");
          }
          bias[o] = Math.round(Math.rint(b / sb));
        } else {
          bias[o] = (long) Math.rint(b / acc);
        }
      }
      double r = acc / sy;
      int e = Math.getExponent(r);
      if (QuantSpec.isPowerOfTwo(r)) {
        mult[o] = 1;
        shift[o] = -e;
      } else {
        int s = MULTIPLIER_BITS - 1 - e;
        long m = Math.round(Math.scalb(r, s));
        if (m >= (1L << MULTIPLIER_BITS)) {
          s--;
          m = Math.round(Math.scalb(r, s));
        }
        mult[o] = (int) m;
        shift[o] = s;
      }
      long bound = LinearQuant.accumulatorBound(raw, bias[o], o, outs, k, rowMajorOut, x.width());
      // give up multiplier bits, never the model's integers, to stay inside the engine's product bound
      while (!Quantizer.fitsContract(bound, mult[o], shift[o]) && mult[o] > 1) {
        shift[o]--;
        mult[o] = (int) Math.max(1, Math.round(Math.scalb(r, shift[o])));
      }
      if (!Quantizer.fitsContract(bound, mult[o], shift[o])) {
        throw new ModelException(who + ": its multiplier " + r + " cannot be held within the engine's 2^" + Requantize.PRODUCT_BITS
            + " product bound with the model's integers; use --requantize");
      }
      worst = Math.max(worst, Math.abs(Math.scalb((double) mult[o], -shift[o]) / r - 1));
    }
    worstError[0] = worst;
    int accBits = x.width() + wf.width() + (int) Math.ceil(Math.log(Math.max(k, 1)) / Math.log(2)) + 1;
    if (accBits > Quantizer.MAX_ACCUMULATOR_BITS) {
      throw new ModelException(who + " needs a " + accBits + "-bit accumulator; at most " + Quantizer.MAX_ACCUMULATOR_BITS);
    }
    return new LinearQuant(wf, raw, bias, mult, shift, channelScale, accBits, wMax);
  }

  /** Largest |real value| a quantization represents. */
  static double maxAbsReal(QuantSpec s) {
    double m = 0;
    for (int c = 0; c < s.channels(); c++) {
      m = Math.max(m, Math.max(Math.abs(s.qmin() - s.zeroPoint(c)), Math.abs(s.qmax() - s.zeroPoint(c))) * (double) s.scale(c));
    }
    return m;
  }
}
