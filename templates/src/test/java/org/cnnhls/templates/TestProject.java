package org.cnnhls.templates;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.FixedType;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * A minimal, test-local lowering of a quantized graph onto the engine's descriptor table (the real
 * one lives in codegen-hls): every tensor gets its own feature-map region, Flatten aliases its input,
 * Concat becomes one COPY per input. Writes cnnhls_config.h and the data blobs the testbench reads,
 * with golden values from the Java {@link BitAccurateInterpreter}.
 *
 * <p>weights.bin is in the engine's order (engine WeightLayout, mirrored here: templates does not
 * depend on engine), which depends on Tm, Tn, the AXI width, the weight storage width and the
 * Winograd flag; so the model's raw weights are kept at lowering and laid out, with every layer's
 * w_off, for each macro set the project is written for. Fully connected layers are always stored
 * [N][K] (trans_b = 1), transposed here when the model holds [K][N].
 */
final class TestProject {
  /** LayerDesc field names in declaration order, read from cnnhls_desc.h itself. */
  static final List<String> FIELDS = descFields(Cpp.resource("/cnnhls/cnnhls_desc.h"));

  static final String[] OP_NAMES = {"CONV", "GEMM", "ADD", "MAXPOOL", "AVGPOOL", "GAVGPOOL", "GMAXPOOL", "COPY", "ACT", "MUL",
      "RESIZE"};
  static final int CONV = 0, GEMM = 1, ADD = 2, MAXPOOL = 3, AVGPOOL = 4, GAVGPOOL = 5, GMAXPOOL = 6, COPY = 7, ACT = 8;
  // issue 14
  static final int MUL = 9, RESIZE = 10;

  final List<Map<String, Integer>> layers = new ArrayList<>();
  final List<String> names = new ArrayList<>();
  final List<String> values = new ArrayList<>(); // the IR value each layer writes
  private final Map<String, Integer> offsets = new HashMap<>();
  /** Each conv/gemm layer's weights as the model holds them, in table order. */
  private final List<RawWeights> rawWeights = new ArrayList<>();
  private final List<Long> bias = new ArrayList<>();
  private final List<Integer> quant = new ArrayList<>();
  private final QuantizedGraph q;
  private final Graph g;
  int fmapSize, actWidth = 2, wgtWidth = 2;
  /** Signed bits that hold every conv/gemm accumulator (|bias| + sum |w| * 2^(W_x - 1)), and unsigned bits of the largest M. */
  int accBits = 2, multBits = 1;
  int[] input;
  Map<String, int[]> golden;

  static List<String> descFields(String header) {
    Matcher m = Pattern.compile("struct LayerDesc \\{(.*?)\\};", Pattern.DOTALL).matcher(header);
    if (!m.find()) throw new IllegalStateException("no struct LayerDesc in cnnhls_desc.h");
    List<String> out = new ArrayList<>();
    String body = m.group(1).replaceAll("//[^\n]*", "");
    for (String decl : body.split(";")) {
      String d = decl.trim();
      if (d.isEmpty()) continue;
      if (!d.startsWith("int ")) throw new IllegalStateException("unexpected LayerDesc member: " + d);
      for (String name : d.substring(4).split(",")) out.add(name.trim());
    }
    return List.copyOf(out);
  }

  private TestProject(QuantizedGraph q) {
    this.q = q;
    this.g = q.graph();
  }

  /** Lowers {@code q} and runs the golden model on {@code rawInput} (the single graph input). */
  static TestProject lower(QuantizedGraph q, int[] rawInput) {
    TestProject p = new TestProject(q);
    p.run(rawInput);
    return p;
  }

  private void run(int[] rawInput) {
    String in = g.inputs().get(0).name();
    input = rawInput;
    allocate(in);
    for (FixedType f : q.formats().values()) actWidth = Math.max(actWidth, f.width());
    for (LinearQuant lq : q.linear().values()) wgtWidth = Math.max(wgtWidth, lq.weightFormat().width());
    for (Node n : g.nodes()) lowerNode(n);
    golden = new BitAccurateInterpreter(q).runAll(Map.of(in, rawInput));
  }

  int inputOff() {
    return offsets.get(g.inputs().get(0).name());
  }

  private int allocate(String value) {
    Integer off = offsets.get(value);
    if (off != null) return off;
    offsets.put(value, fmapSize);
    fmapSize += g.shape(value).size();
    return offsets.get(value);
  }

  /** C, H, W of an NCHW or [1, K] value. */
  private int[] chw(String value) {
    Shape s = g.shape(value);
    return s.rank() == 4 ? new int[] {s.dim(1), s.dim(2), s.dim(3)} : new int[] {s.size(), 1, 1};
  }

  private Map<String, Integer> desc(int op, Node n) {
    Map<String, Integer> d = new LinkedHashMap<>();
    for (String f : FIELDS) d.put(f, 0);
    for (String f : List.of("in_c", "in_h", "in_w", "out_c", "out_h", "out_w", "conv_h", "conv_w", "k_h", "k_w", "s_h", "s_w",
        "d_h", "d_w", "groups", "pool_k_h", "pool_k_w", "pool_s_h", "pool_s_w", "leak_m")) {
      d.put(f, 1);
    }
    d.put("op", op);
    int[] in = chw(n.input(0)), out = chw(n.output());
    d.put("in_off", allocate(n.input(0)));
    d.put("in_c", in[0]);
    d.put("in_h", in[1]);
    d.put("in_w", in[2]);
    d.put("out_c", out[0]);
    d.put("out_h", out[1]);
    d.put("out_w", out[2]);
    d.put("conv_h", out[1]);
    d.put("conv_w", out[2]);
    FixedType fo = q.format(n.output());
    d.put("out_width", fo.width());
    d.put("act_lo", (int) fo.minRaw());
    d.put("act_hi", (int) fo.maxRaw());
    return d;
  }

  private void emit(Map<String, Integer> d, Node n, String value) {
    if (value != null) d.put("out_off", allocate(value));
    layers.add(d);
    names.add(n.name());
    values.add(value);
  }

  private static void activation(Map<String, Integer> d, ActivationQuant a) {
    d.put("act_lo", a.lo());
    d.put("act_hi", a.hi());
    d.put("leaky", a.leaky() ? 1 : 0);
    d.put("leak_m", a.leakMultiplier());
    d.put("leak_s", a.leakShift());
  }

  private void params(Map<String, Integer> d, LinearQuant lq, int inWidth, boolean rowsPerOutput, RawWeights raw) {
    int outs = lq.outChannels(), k = lq.weights().length / outs;
    for (int c = 0; c < outs; c++) {
      long bound = Math.abs(lq.bias()[c]);
      for (int i = 0; i < k; i++) bound += (long) Math.abs(lq.weights()[rowsPerOutput ? c * k + i : i * outs + c]) << (inWidth - 1);
      accBits = Math.max(accBits, 64 - Long.numberOfLeadingZeros(bound) + 1);
      multBits = Math.max(multBits, 32 - Integer.numberOfLeadingZeros(lq.multiplier()[c]));
    }
    d.put("w_off", -1); // laid out per configuration: layers(macros)
    rawWeights.add(raw);
    d.put("b_off", bias.size());
    for (long b : lq.bias()) bias.add(b);
    d.put("q_off", quant.size() / 2);
    for (int c = 0; c < lq.outChannels(); c++) {
      quant.add(lq.multiplier()[c]);
      quant.add(lq.shift()[c]);
    }
  }

  private static void window(Map<String, Integer> d, int[] k, int[] s, int[] p, int[] dil) {
    d.put("k_h", k[0]);
    d.put("k_w", k[1]);
    d.put("s_h", s[0]);
    d.put("s_w", s[1]);
    d.put("pad_t", p[0]);
    d.put("pad_l", p[1]);
    d.put("pad_b", p[2]);
    d.put("pad_r", p[3]);
    d.put("d_h", dil[0]);
    d.put("d_w", dil[1]);
  }

  private void lowerNode(Node n) {
    Op op = n.op();
    if (op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Identity) {
      offsets.put(n.output(), allocate(n.input(0)));
      return;
    }
    if (op instanceof Op.FusedConv f) {
      Op.Conv c = f.conv();
      Map<String, Integer> d = desc(CONV, n);
      Shape convOut = c.inferShapes(List.of(g.shape(n.input(0)), g.shape(n.input(1)))).get(0);
      d.put("out_c", convOut.dim(1));
      d.put("conv_h", convOut.dim(2));
      d.put("conv_w", convOut.dim(3));
      window(d, c.kernel(), c.strides(), c.pads(), c.dilations());
      d.put("groups", c.group());
      LinearQuant lq = q.linear().get(n.name());
      int[] in = chw(n.input(0));
      params(d, lq, q.format(n.input(0)).width(), true, new ConvWeights(layers.size(), lq.weights(), convOut.dim(1), in[0],
          c.group(), c.kernel()[0], c.kernel()[1], c.strides()[0] == 1 && c.strides()[1] == 1 && c.dilations()[0] == 1
              && c.dilations()[1] == 1));
      activation(d, q.activations().get(n.name()));
      if (f.pool() != null) {
        Op.MaxPool p = f.pool();
        if (p.kernel()[0] != p.strides()[0] || p.kernel()[1] != p.strides()[1] || p.pads()[0] + p.pads()[1] + p.pads()[2]
            + p.pads()[3] != 0) {
          throw new IllegalArgumentException("test lowering fuses only pools with k == s and no padding");
        }
        d.put("pool", 1);
        d.put("pool_k_h", p.kernel()[0]);
        d.put("pool_k_w", p.kernel()[1]);
        d.put("pool_s_h", p.strides()[0]);
        d.put("pool_s_w", p.strides()[1]);
      } else {
        d.put("out_h", d.get("conv_h"));
        d.put("out_w", d.get("conv_w"));
      }
      emit(d, n, n.output());
    } else if (op instanceof Op.FusedGemm f) {
      Map<String, Integer> d = desc(GEMM, n);
      int[] in = chw(n.input(0));
      d.put("in_c", in[0] * in[1] * in[2]);
      d.put("in_h", 1);
      d.put("in_w", 1);
      d.put("trans_b", 1); // the engine reads [N][K] rows only; [K][N] models are transposed when laid out
      LinearQuant lq = q.linear().get(n.name());
      int k = in[0] * in[1] * in[2];
      params(d, lq, q.format(n.input(0)).width(), f.transB(),
          new FcWeights(layers.size(), lq.weights(), k, lq.outChannels(), f.transB()));
      activation(d, q.activations().get(n.name()));
      emit(d, n, n.output());
    } else if (op instanceof Op.FusedAdd || op instanceof Op.Add) {
      Map<String, Integer> d = desc(ADD, n);
      d.put("in2_off", allocate(n.input(1)));
      FixedType fa = q.format(n.input(0)), fb = q.format(n.input(1)), fo = q.format(n.output());
      int f = Math.max(fa.frac(), fb.frac());
      d.put("shift_a", f - fa.frac());
      d.put("shift_b", f - fb.frac());
      d.put("shift_out", f - fo.frac());
      activation(d, q.activations().get(n.name()));
      emit(d, n, n.output());
    } else if (op instanceof Op.MaxPool p) {
      Map<String, Integer> d = desc(MAXPOOL, n);
      window(d, p.kernel(), p.strides(), p.pads(), p.dilations());
      emit(d, n, n.output());
    } else if (op instanceof Op.AveragePool p) {
      Map<String, Integer> d = desc(AVGPOOL, n);
      window(d, p.kernel(), p.strides(), p.pads(), new int[] {1, 1});
      d.put("count_include_pad", p.countIncludePad() ? 1 : 0);
      d.put("shift_out", q.format(n.input(0)).frac() - q.format(n.output()).frac());
      emit(d, n, n.output());
    } else if (op instanceof Op.GlobalAveragePool || op instanceof Op.GlobalMaxPool) {
      Map<String, Integer> d = desc(op instanceof Op.GlobalAveragePool ? GAVGPOOL : GMAXPOOL, n);
      d.put("shift_out", q.format(n.input(0)).frac() - q.format(n.output()).frac());
      emit(d, n, n.output());
    } else if (op instanceof Op.Concat) {
      int out = allocate(n.output());
      FixedType fo = q.format(n.output());
      int cOff = 0;
      for (String in : n.inputs()) {
        Map<String, Integer> d = desc(COPY, n);
        int[] c = chw(in);
        d.put("in_off", allocate(in));
        d.put("in_c", c[0]);
        d.put("in_h", c[1]);
        d.put("in_w", c[2]);
        d.put("shift_out", q.format(in).frac() - fo.frac());
        d.put("concat_c_off", cOff);
        d.put("out_off", out);
        cOff += c[0];
        emit(d, n, n.output());
      }
    } else if (op instanceof Op.Mul) {
      // issue 14: the computed operand of the output's shape is a; b is the same shape (mul_kind 0),
      // one computed value per channel (1), or constants per channel or scalar in the quant blob (2)
      Shape ys = g.shape(n.output());
      int big = !g.isConstant(n.input(0)) && g.shape(n.input(0)).equals(ys) ? 0 : 1;
      String a = n.input(big), b = n.input(1 - big);
      Map<String, Integer> d = desc(MUL, n);
      int[] o = chw(n.output());
      d.put("in_off", allocate(a));
      d.put("in_c", o[0]);
      d.put("in_h", o[1]);
      d.put("in_w", o[2]);
      FixedType fa = q.format(a), fb = q.format(b);
      d.put("shift_out", fa.frac() + fb.frac() - q.format(n.output()).frac());
      if (g.isConstant(b)) {
        float[] v = g.constants().get(b).toFloatArray();
        d.put("mul_kind", 2);
        d.put("q_off", quant.size() / 2);
        for (int c = 0; c < o[0]; c++) {
          quant.add(fb.quantize(v[v.length == 1 ? 0 : c]));
          quant.add(0);
        }
      } else {
        d.put("mul_kind", g.shape(b).equals(ys) ? 0 : 1);
        d.put("in2_off", allocate(b));
      }
      emit(d, n, n.output());
    } else if (op instanceof Op.Resize r) {
      // issue 14: row table (i0 * in_w, i1 * in_w, ly) then column table (i0, i1, lx), padded to pairs
      Map<String, Integer> d = desc(RESIZE, n);
      Shape xs = g.shape(n.input(0)), ys = g.shape(n.output());
      int[][] rows = resizeAxis(r, xs.dim(2), ys.dim(2), r.scales()[2]), cols = resizeAxis(r, xs.dim(3), ys.dim(3), r.scales()[3]);
      d.put("q_off", quant.size() / 2);
      for (int o = 0; o < ys.dim(2); o++) {
        quant.add(rows[0][o] * xs.dim(3));
        quant.add(rows[1][o] * xs.dim(3));
        quant.add(rows[2][o]);
      }
      for (int o = 0; o < ys.dim(3); o++) {
        quant.add(cols[0][o]);
        quant.add(cols[1][o]);
        quant.add(cols[2][o]);
      }
      if ((quant.size() & 1) != 0) quant.add(0);
      emit(d, n, n.output());
    } else if (op instanceof Op.Activation) {
      Map<String, Integer> d = desc(ACT, n);
      activation(d, q.activations().get(n.name()));
      emit(d, n, n.output());
    } else {
      throw new IllegalArgumentException("test lowering has no mapping for " + op.type());
    }
  }

  /** One Resize axis: source indices i0, i1 and the weight of i1 (nearest: i1 = i0, weight 0). */
  private static int[][] resizeAxis(Op.Resize r, int in, int out, float scale) {
    if (r.linear()) {
      org.cnnhls.ir.quant.ResizeWeights w = org.cnnhls.ir.quant.ResizeWeights.of(r.coordinateMode(), in, out, scale);
      return new int[][] {w.i0(), w.i1(), w.lambda()};
    }
    int[] m = org.cnnhls.ir.interp.IndexMaps.nearestAxis(r.coordinateMode(), r.nearestMode(), in, out, scale);
    return new int[][] {m, m, new int[out]};
  }

  /** What the weight layout depends on, from one macro set (the engine's defaults where absent). */
  record Engine(int tm, int tn, int axiWidth, int wgtWidth, boolean winograd) {
    static Engine of(Map<String, Object> macros, int wgtWidth) {
      return new Engine(intMacro(macros, "CNNHLS_TM", -1), intMacro(macros, "CNNHLS_TN", -1),
          intMacro(macros, "CNNHLS_AXI_WIDTH", 128), intMacro(macros, "CNNHLS_WGT_W", wgtWidth),
          intMacro(macros, "CNNHLS_WINOGRAD", 0) != 0);
    }

    /** Weights per AXI beat (WE, also CNNHLS_FC_LANES). */
    int we() {
      return axiWidth / (8 * storageBytes(wgtWidth));
    }

    /** Beats per window tap of a conv weight block (W_ROWS). */
    int rows() {
      return (tm * tn + we() - 1) / we();
    }
  }

  static int intMacro(Map<String, Object> macros, String name, int dflt) {
    Object v = macros.get(name);
    if (v == null) {
      if (dflt < 0) throw new IllegalArgumentException(name + " is required");
      return dflt;
    }
    return ((Number) v).intValue();
  }

  /** A conv or gemm layer's weights as the model holds them; {@code layer} is its index in the table. */
  sealed interface RawWeights permits ConvWeights, FcWeights {
    int layer();

    /** The layer's region of weights.bin for {@code e}: a whole number of beats. */
    int[] layout(Engine e);
  }

  /**
   * Conv weights [M][C/groups][kh][kw]; {@code unitStrides}: stride and dilation 1 (with a 3x3
   * window in general mode, the layer runs in Winograd mode when the engine has it).
   */
  record ConvWeights(int layer, int[] w, int outC, int inC, int groups, int kH, int kW, boolean unitStrides)
      implements RawWeights {
    public int[] layout(Engine e) {
      int g = Math.max(1, groups), cg = inC / g, mg = outC / g, kk = kH * kW, tm = e.tm(), tn = e.tn();
      if (w.length != outC * cg * kk) throw new IllegalStateException("conv weights: " + w.length + " values");
      boolean dw = cg == 1 && g > 1;
      boolean wino = e.winograd() && !dw && kH == 3 && kW == 3 && unitStrides;
      int td = Math.min(tm, tn), mtPerGroup = (mg + tm - 1) / tm;
      int chTiles = dw ? (outC + td - 1) / td : g * mtPerGroup, nTiles = dw ? 1 : (cg + tn - 1) / tn;
      int we = e.we(), rows = e.rows(), taps = wino ? 9 : kk, block = taps * rows * we;
      int[] out = new int[chTiles * nTiles * block];
      for (int ct = 0; ct < chTiles; ct++) {
        int m0 = dw ? ct * td : ct / mtPerGroup * mg + ct % mtPerGroup * tm;
        int mc = dw ? Math.min(td, outC - m0) : Math.min(tm, mg - ct % mtPerGroup * tm);
        for (int nt = 0; nt < nTiles; nt++) {
          int base = (ct * nTiles + nt) * block;
          for (int m = 0; m < mc; m++) {
            for (int n = 0; n < tn; n++) {
              int ic = dw ? 0 : nt * tn + n;
              if (dw ? m != n : ic >= cg) continue; // zero lanes: off the diagonal, or past the group's channels
              int lane = m * tn + n, row = lane / we, u = lane % we;
              for (int k = 0; k < kk; k++) {
                int pos = base + (wino ? row * 9 + k : k * rows + row) * we + u;
                out[pos] = w[((m0 + m) * cg + ic) * kk + k];
              }
            }
          }
        }
      }
      return out;
    }
  }

  /** Fully connected weights, [N][K] when {@code transB}, else [K][N]: laid out as [N][K] rows padded to whole beats. */
  record FcWeights(int layer, int[] w, int k, int n, boolean transB) implements RawWeights {
    public int[] layout(Engine e) {
      if (w.length != k * n) throw new IllegalStateException("fc weights: " + w.length + " values");
      int kp = (k + e.we() - 1) / e.we() * e.we();
      int[] out = new int[n * kp];
      for (int o = 0; o < n; o++) {
        for (int i = 0; i < k; i++) out[o * kp + i] = transB ? w[o * k + i] : w[i * n + o];
      }
      return out;
    }
  }

  /** weights.bin for one configuration, and each layer's w_off into it (-1 for layers without weights). */
  record WeightData(int[] weights, int[] wOff) {}

  WeightData weightData(Map<String, Object> macros) {
    Engine e = Engine.of(macros, wgtWidth);
    int we = e.we();
    if (we < 1 || Integer.bitCount(e.axiWidth()) != 1) throw new IllegalArgumentException("bad AXI width " + e.axiWidth());
    int[] wOff = new int[layers.size()];
    java.util.Arrays.fill(wOff, -1);
    List<int[]> parts = new ArrayList<>();
    int size = 0;
    for (RawWeights r : rawWeights) {
      int[] part = r.layout(e);
      size = (size + we - 1) / we * we; // every layer starts on a beat (the regions are whole beats anyway)
      wOff[r.layer()] = size;
      parts.add(part);
      size += part.length;
    }
    int[] all = new int[size];
    for (int i = 0; i < parts.size(); i++) System.arraycopy(parts.get(i), 0, all, wOff[rawWeights.get(i).layer()], parts.get(i).length);
    return new WeightData(all, wOff);
  }

  /** The descriptor table for one configuration: the lowered layers with w_off into that configuration's weights.bin. */
  List<Map<String, Integer>> layers(Map<String, Object> macros) {
    WeightData wd = weightData(macros);
    List<Map<String, Integer>> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Map<String, Integer> d = new LinkedHashMap<>(layers.get(i));
      d.put("w_off", Math.max(wd.wOff()[i], 0));
      out.add(d);
    }
    return out;
  }

  /** Narrowest accumulator and requantize operand widths for this program (what a compiler would emit). */
  Map<String, Object> narrowAccumulatorMacros() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("CNNHLS_ACC_W", accBits);
    m.put("CNNHLS_REQ_ACC_W", accBits);
    m.put("CNNHLS_REQ_M_W", multBits);
    return m;
  }

  static String cppRow(Map<String, Integer> d) {
    StringBuilder sb = new StringBuilder("{cnnhls::OP_" + OP_NAMES[d.get("op")]);
    for (String f : FIELDS.subList(1, FIELDS.size())) sb.append(", ").append(d.get(f));
    return sb.append('}').toString();
  }

  /** cnnhls_config.h with the given engine macros (CNNHLS_TM etc.) and this program's table and sizes. */
  String configHeader(Map<String, Object> macros) {
    StringBuilder sb = new StringBuilder("// test configuration generated by TestProject\n");
    sb.append("#ifndef CNNHLS_CONFIG_H\n#define CNNHLS_CONFIG_H\n#include \"cnnhls_desc.h\"\n");
    Map<String, Object> all = new LinkedHashMap<>(macros);
    all.putIfAbsent("CNNHLS_ACT_W", actWidth);
    all.putIfAbsent("CNNHLS_WGT_W", wgtWidth);
    all.putIfAbsent("CNNHLS_AXI_WIDTH", 128);
    Engine e = Engine.of(all, wgtWidth);
    int ae = e.axiWidth() / (8 * storageBytes(intMacro(all, "CNNHLS_ACT_W", actWidth)));
    all.putIfAbsent("CNNHLS_FC_LANES", e.we());
    WeightData wd = weightData(all);
    int fmap = Math.max(fmapSize, 1), wsize = Math.max(wd.weights().length, 1);
    all.put("CNNHLS_NUM_LAYERS", layers.size());
    all.put("CNNHLS_FMAP_SIZE", fmap);
    all.put("CNNHLS_FMAP_BEATS", (fmap + ae - 1) / ae);
    all.put("CNNHLS_WEIGHTS_SIZE", wsize);
    all.put("CNNHLS_WEIGHTS_BEATS", (wsize + e.we() - 1) / e.we());
    all.put("CNNHLS_BIAS_SIZE", Math.max(bias.size(), 1));
    all.put("CNNHLS_QUANT_SIZE", Math.max(quant.size(), 2));
    all.put("CNNHLS_INPUT_OFF", inputOff());
    all.put("CNNHLS_INPUT_SIZE", input.length);
    all.put("CNNHLS_NUM_OUTPUTS", g.outputs().size());
    all.forEach((k, v) -> sb.append("#define ").append(k).append(' ').append(v).append('\n'));
    sb.append("static const cnnhls::LayerDesc CNNHLS_LAYERS[CNNHLS_NUM_LAYERS] = {\n");
    List<Map<String, Integer>> table = layers(all);
    for (int i = 0; i < table.size(); i++) sb.append("  ").append(cppRow(table.get(i))).append(",  // ").append(names.get(i)).append('\n');
    sb.append("};\n#ifndef __SYNTHESIS__\nstatic const char *const CNNHLS_LAYER_NAMES[CNNHLS_NUM_LAYERS] = {");
    for (String n : names) sb.append('"').append(n).append("\", ");
    sb.append("};\nstatic const int CNNHLS_LAYER_CHECKED[CNNHLS_NUM_LAYERS] = {");
    for (String v : values) sb.append(v == null ? 0 : 1).append(", ");
    sb.append("};\n");
    // the graph outputs in the model's order, as the generated config header lists them
    sb.append("static const long long CNNHLS_OUTPUT_OFFS[CNNHLS_NUM_OUTPUTS] = {");
    for (String o : g.outputs()) sb.append(offsets.get(o)).append(", ");
    sb.append("};\nstatic const long long CNNHLS_OUTPUT_SIZES[CNNHLS_NUM_OUTPUTS] = {");
    for (String o : g.outputs()) sb.append(g.shape(o).size()).append(", ");
    sb.append("};\nstatic const char *const CNNHLS_OUTPUT_NAMES[CNNHLS_NUM_OUTPUTS] = {");
    for (String o : g.outputs()) sb.append('"').append(o.replaceAll("[^A-Za-z0-9_.]", "_")).append("\", ");
    sb.append("};\n#endif\n#endif\n");
    return sb.toString();
  }

  static int storageBytes(int width) {
    return width <= 8 ? 1 : width <= 16 ? 2 : 4;
  }

  /** The golden chunks in table order, as the testbench reads golden.bin. */
  int[] goldenPerLayer() {
    int total = 0;
    for (Map<String, Integer> d : layers) total += d.get("out_c") * d.get("out_h") * d.get("out_w");
    int[] out = new int[total];
    int pos = 0;
    for (int i = 0; i < layers.size(); i++) {
      Map<String, Integer> d = layers.get(i);
      int n = d.get("out_c") * d.get("out_h") * d.get("out_w");
      if (values.get(i) != null) System.arraycopy(golden.get(values.get(i)), 0, out, pos, n);
      pos += n;
    }
    return out;
  }

  /** Writes weights.bin, bias.bin, quant.bin, input.bin, golden.bin and golden_outputs.bin into {@code data}. */
  void writeData(Path data, Map<String, Object> macros) throws IOException {
    Files.createDirectories(data);
    int wb = storageBytes(((Number) macros.getOrDefault("CNNHLS_WGT_W", wgtWidth)).intValue());
    int ab = storageBytes(((Number) macros.getOrDefault("CNNHLS_ACT_W", actWidth)).intValue());
    int[] w = weightData(macros).weights();
    Files.write(data.resolve("weights.bin"), ints(w.length == 0 ? new int[1] : w, wb));
    long[] b = bias.stream().mapToLong(Long::longValue).toArray();
    ByteBuffer bb = ByteBuffer.allocate(8 * Math.max(b.length, 1)).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : b) bb.putLong(v);
    Files.write(data.resolve("bias.bin"), bb.array());
    int[] qv = quant.stream().mapToInt(Integer::intValue).toArray();
    Files.write(data.resolve("quant.bin"), ints(qv.length == 0 ? new int[] {1, 0} : qv, 4));
    Files.write(data.resolve("input.bin"), ints(input, ab));
    Files.write(data.resolve("golden.bin"), ints(goldenPerLayer(), ab));
    Files.write(data.resolve("golden_outputs.bin"), ints(goldenOutputs(), ab));
  }

  /** The graph outputs' golden values concatenated in the model's order, as golden_outputs.bin holds them. */
  int[] goldenOutputs() {
    int total = 0;
    for (String o : g.outputs()) total += g.shape(o).size();
    int[] out = new int[total];
    int pos = 0;
    for (String o : g.outputs()) {
      System.arraycopy(golden.get(o), 0, out, pos, g.shape(o).size());
      pos += g.shape(o).size();
    }
    return out;
  }

  static byte[] ints(int[] v, int bytes) {
    ByteBuffer bb = ByteBuffer.allocate(v.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) {
      if (bytes == 1) bb.put((byte) x);
      else if (bytes == 2) bb.putShort((short) x);
      else bb.putInt(x);
    }
    return bb.array();
  }
}
