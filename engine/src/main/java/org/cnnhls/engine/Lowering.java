package org.cnnhls.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.FixedType;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * Maps a quantized, fused graph onto the overlay engine: one descriptor per engine pass, a region
 * of the feature-map buffer per tensor (Flatten/Reshape/Identity alias their input), and the
 * weights, bias and requantize parameters packed into blobs. Reads the IR, never changes it.
 */
public final class Lowering {
  /**
   * The engine's C++ requantize uses plain int64: keep every product and shift inside its range
   * (cnnhls_requant.h's REQ_* constants, equal to Requantize's by the templates' RequantizeTest).
   */
  static final int MIN_SHIFT = org.cnnhls.ir.quant.Requantize.MIN_SHIFT, MAX_SHIFT = org.cnnhls.ir.quant.Requantize.MAX_SHIFT,
      MAX_PRODUCT_BITS = org.cnnhls.ir.quant.Requantize.PRODUCT_BITS;

  final QuantizedGraph q;
  final Graph g;
  final HardwareConfig hw;
  private final Map<String, Integer> offsets = new HashMap<>();
  private final List<LayerDescriptor> layers = new ArrayList<>();
  private final List<String> layerNodes = new ArrayList<>(), layerValues = new ArrayList<>();
  private final List<int[]> weightChunks = new ArrayList<>();
  private final List<long[]> biasChunks = new ArrayList<>();
  private final List<int[]> quantChunks = new ArrayList<>();
  int fmapSize;
  private int weightSize, biasSize, quantSize;
  private int accWidth = 2, multWidth = 1;
  /** Set for timing-only lowering, where weights are unknown: widths come from the contract's bound. */
  private int nominalWeightWidth;
  /** Leave the weight, bias and requantize blobs empty (timing and sizing only). */
  private boolean withoutBlobs;

  private Lowering(QuantizedGraph q, HardwareConfig hw) {
    this.q = q;
    this.g = q.graph();
    this.hw = hw;
  }

  public static EngineProgram lower(QuantizedGraph q, HardwareConfig hw) {
    return new Lowering(q, hw).run();
  }

  /**
   * The layer table, memory plan and accumulator/multiplier widths of a quantized model, without
   * its parameter blobs (they stay empty): what the design space exploration inside `compile`
   * needs to size the engine exactly as {@link #lower} will.
   */
  public static EngineProgram forTiming(QuantizedGraph q, HardwareConfig hw) {
    Lowering l = new Lowering(q, hw);
    l.withoutBlobs = true;
    return l.run();
  }

  /**
   * The layer table and memory plan only, for timing: every value gets a nominal format of the
   * given widths and the parameter blobs stay empty, so big models lower in milliseconds without
   * touching their weights.
   */
  public static EngineProgram forTiming(Graph g, HardwareConfig hw) {
    int actWidth = hw.actWidth(), wgtWidth = hw.wgtWidth();
    Map<String, FixedType> formats = new HashMap<>();
    FixedType act = new FixedType(actWidth, actWidth - 1);
    for (var in : g.inputs()) formats.put(in.name(), act);
    for (String c : g.constants().keySet()) formats.put(c, act);
    Map<String, LinearQuant> linear = new HashMap<>();
    Map<String, ActivationQuant> acts = new HashMap<>();
    for (Node n : g.nodes()) {
      formats.put(n.output(), act);
      Op op = n.op();
      boolean conv = op instanceof Op.FusedConv || op instanceof Op.Conv;
      boolean gemm = op instanceof Op.FusedGemm || op instanceof Op.Gemm;
      if (conv || gemm) {
        Shape w = g.shape(n.input(1));
        boolean transB = gemm && (op instanceof Op.FusedGemm f ? f.transB() : ((Op.Gemm) op).transB());
        int outs = conv || transB ? w.dim(0) : w.dim(1);
        int[] ones = new int[outs];
        java.util.Arrays.fill(ones, 1);
        // the presets: 16 bit scales by powers of two (M = 1), 8 bit uses 15-bit per-channel multipliers
        int[] mult = ones;
        if (wgtWidth <= 8) {
          mult = new int[outs];
          java.util.Arrays.fill(mult, (1 << 15) - 1);
        }
        linear.put(n.name(), new LinearQuant(new FixedType(wgtWidth, wgtWidth - 1), new int[0], new long[outs], mult,
            new int[outs], new double[outs], 0, 0));
      }
      Op.Activation a = op instanceof Op.FusedConv f ? f.activation() : op instanceof Op.FusedGemm f ? f.activation()
          : op instanceof Op.FusedAdd f ? f.activation() : op instanceof Op.Activation x ? x : null;
      if (ActivationQuant.isSupported(a)) acts.put(n.name(), ActivationQuant.of(a, act));
      else if (ActivationQuant.hasTable(a) && op instanceof Op.Activation) acts.put(n.name(), ActivationQuant.of(a, act, act));
    }
    QuantizedGraph shapesOnly = new QuantizedGraph(g, formats, linear, acts,
        new org.cnnhls.ir.quant.ValueRanges(Map.of(), "none (timing only)"), org.cnnhls.ir.quant.QuantOptions.preset(
            String.valueOf(Math.max(actWidth, wgtWidth))));
    Lowering l = new Lowering(shapesOnly, hw);
    l.nominalWeightWidth = wgtWidth;
    return l.run();
  }

  private EngineProgram run() {
    checkMappable();
    if (g.inputs().size() != 1) {
      throw new ModelException("the overlay engine runs models with one input; " + g.name() + " has " + g.inputs().size() + " ("
          + String.join(", ", g.inputs().stream().map(i -> "'" + i.name() + "'").toList())
          + "); feed the others as constants or split the model");
    }
    String input = g.inputs().get(0).name();
    checkBatch(input);
    allocate(input);
    int actWidth = 0, wgtWidth = 0;
    for (FixedType f : q.formats().values()) actWidth = Math.max(actWidth, f.width());
    for (LinearQuant lq : q.linear().values()) wgtWidth = Math.max(wgtWidth, lq.weightFormat().width());
    if (actWidth > 16 || wgtWidth > 16) {
      throw new ModelException("the overlay engine stores at most 16-bit values; this quantization uses " + Math.max(actWidth, wgtWidth)
          + " bits (use --precision 16 or 8)");
    }
    checkPrecision(actWidth, "activations", hw.actWidth());
    if (wgtWidth > 0) checkPrecision(wgtWidth, "weights", hw.wgtWidth());
    // the engine is built at the configuration's widths: values of narrower formats are stored in them
    actWidth = hw.actWidth();
    wgtWidth = hw.wgtWidth();
    for (Node n : g.nodes()) lowerNode(n);
    // every graph output, in the model's order: a region the host reads after the last layer
    // (regions are never reused, so an output written early is still there at the end)
    List<EngineProgram.Output> outputs = new ArrayList<>();
    for (String o : g.outputs()) {
      Integer off = offsets.get(o);
      if (off == null || g.isConstant(o)) {
        throw new ModelException("graph output '" + o + "' of " + g.name() + " is not computed by any layer (a constant?); "
            + "the overlay engine returns only computed outputs");
      }
      outputs.add(new EngineProgram.Output(o, off, g.shape(o).size()));
    }
    if (withoutBlobs) {
      weightChunks.clear();
      biasChunks.clear();
      quantChunks.clear();
      weightSize = biasSize = quantSize = 0;
    }
    int[] w = concat(weightChunks, weightSize);
    long[] b = new long[biasSize];
    int pos = 0;
    for (long[] c : biasChunks) {
      System.arraycopy(c, 0, b, pos, c.length);
      pos += c.length;
    }
    return new EngineProgram(List.copyOf(layers), List.copyOf(layerNodes), new ArrayList<>(layerValues), actWidth,
        Math.max(wgtWidth, 2), fmapSize, input, offsets.get(input), g.shape(input).size(), outputs, w, b, concat(quantChunks, quantSize), accWidth, multWidth);
  }

  /** The quantization must fit the widths the hardware is built for, in the same bytes per element. */
  private void checkPrecision(int used, String what, int built) {
    if (used > built || EngineProgram.storageBytes(used) != EngineProgram.storageBytes(built)) {
      throw new ModelException("the quantized model's " + what + " are " + used + "-bit but the hardware configuration is built for "
          + built + "-bit storage; quantize at the configuration's precision (--precision " + built + ") or use a configuration "
          + "of " + used + " bits");
    }
  }

  private void checkMappable() {
    checkMappable(g);
  }

  /** Fails, naming every node the overlay engine cannot run, before any expensive work. */
  public static void checkMappable(Graph g) {
    List<String> bad = new ArrayList<>();
    for (Node n : g.nodes()) {
      Op op = n.op();
      // FakeQuant: a pre-quantized model's quantization, which the quantizer turns into formats and removes
      boolean ok = op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Identity || op instanceof Op.FakeQuant
          || (op instanceof Op.Slice s && aliasOffset(g.shape(n.input(0)), s) >= 0)
          || EngineComponent.ALL.stream().anyMatch(c -> c.lowers(n, g));
      if (!ok) bad.add("'" + n.name() + "' (" + op.type() + ")");
    }
    if (!bad.isEmpty()) {
      throw new ModelException("the overlay engine cannot map node" + (bad.size() > 1 ? "s " : " ") + String.join(", ", bad)
          + "; supported: conv, depthwise conv, fully connected, add, mul (same shape, per channel or constant), "
          + "max/average/global pooling, nearest/bilinear resize on H and W, channel concat, ReLU/ReLU6/Clip/LeakyReLU, "
          + "standalone Sigmoid/HardSigmoid/HardSwish/SiLU/Tanh/GELU, zero-insertion Spread (lowered ConvTranspose, pads >= 0), "
          + "contiguous Slice (channel split), ChannelShuffle; Reduce over non-spatial axes is not");
    }
  }

  private void checkBatch(String value) {
    Shape s = g.shape(value);
    if (s.rank() > 0 && s.dim(0) != 1) throw new ModelException("value '" + value + "' has batch " + s.dim(0) + "; the engine runs batch 1");
  }

  int allocate(String value) {
    Integer off = offsets.get(value);
    if (off != null) return off;
    int o = fmapSize;
    offsets.put(value, o);
    fmapSize += g.shape(value).size();
    return o;
  }

  /** C, H, W of an NCHW or [1, K] tensor. */
  int[] chw(String value) {
    Shape s = g.shape(value);
    checkBatch(value);
    return switch (s.rank()) {
      case 4 -> new int[] {s.dim(1), s.dim(2), s.dim(3)};
      case 2 -> new int[] {s.dim(1), 1, 1};
      case 1 -> new int[] {s.dim(0), 1, 1};
      default -> throw new ModelException("value '" + value + "' of shape " + s + " is neither NCHW nor [1, K]");
    };
  }

  private void lowerNode(Node n) {
    Op op = n.op();
    if (op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Identity) {
      offsets.put(n.output(), allocate(n.input(0))); // same row-major data, no engine pass
      return;
    }
    if (op instanceof Op.Slice s) {
      // a contiguous block of its input (a channel split): an offset into it, no engine pass
      offsets.put(n.output(), allocate(n.input(0)) + aliasOffset(g.shape(n.input(0)), s));
      return;
    }
    EngineComponent.lowering(n, g).lower(n, this);
  }

  /**
   * The element offset of a Slice's output inside its row-major input when the output is one
   * contiguous block of it (unit steps, the axes after the last cut axis whole, the axes before it
   * of length 1 in the output), else -1.
   */
  public static int aliasOffset(Shape x, Op.Slice s) {
    int r = x.rank(), cut = -1;
    for (int a = 0; a < r; a++) {
      if (s.steps()[a] != 1) return -1;
      if (s.sizes()[a] != x.dim(a)) cut = a;
    }
    if (cut < 0) return 0;
    for (int a = 0; a < cut; a++) if (s.sizes()[a] != 1) return -1;
    long off = 0;
    int[] st = x.strides();
    for (int a = 0; a < r; a++) off += (long) s.starts()[a] * st[a];
    return (int) off;
  }

  LayerDescriptor.Builder unary(Node n, int opKind) {
    LayerDescriptor.Builder b = new LayerDescriptor.Builder(opKind);
    int[] in = chw(n.input(0)), out = chw(n.output());
    b.inOff = allocate(n.input(0));
    b.inC = in[0];
    b.inH = in[1];
    b.inW = in[2];
    b.outC = out[0];
    b.outH = out[1];
    b.outW = out[2];
    b.convH = out[1];
    b.convW = out[2];
    b.outWidth = q.format(n.output()).width();
    return b;
  }

  void emit(LayerDescriptor.Builder b, Node n, String value) {
    if (b.leaky == 1 && (b.leakM < 0 || b.leakM >= 1 << ResourceModel.LEAK_M_W)) {
      throw new ModelException("node '" + n.name() + "': LeakyReLU slope " + b.leakM / (double) (1 << b.leakS) + " is outside the engine's [0, 2) "
          + "(its multiply is " + ResourceModel.LEAK_V_W + " x " + ResourceModel.LEAK_M_W + " bits)");
    }
    b.outOff = value == null ? b.outOff : allocate(value);
    layers.add(b.build());
    layerNodes.add(n.name());
    layerValues.add(value);
  }

  static void activation(LayerDescriptor.Builder b, ActivationQuant a) {
    b.actLo = a.lo();
    b.actHi = a.hi();
    b.leaky = a.leaky() ? 1 : 0;
    b.leakM = a.leakMultiplier();
    b.leakS = a.leakShift();
  }






  static void windowFields(LayerDescriptor.Builder b, int[] k, int[] s, int[] p, int[] d) {
    b.kH = k[0];
    b.kW = k[1];
    b.sH = s[0];
    b.sW = s[1];
    b.padT = p[0];
    b.padL = p[1];
    b.padB = p[2];
    b.padR = p[3];
    b.dH = d[0];
    b.dW = d[1];
  }



  /**
   * A table activation (issue 14): its entries appended to the bias blob (int64 elements, read on
   * the bias port), the descriptor pointing at them.
   */
  void actTable(LayerDescriptor.Builder b, ActivationQuant a) {
    if (a == null || a.table() == null) return;
    org.cnnhls.ir.quant.ActTable t = a.table();
    b.actKind = t.kind().code;
    b.actInWidth = t.inWidth();
    b.actTabLen = t.entries().length;
    b.actTabOff = biasSize;
    long[] e = new long[t.entries().length];
    for (int i = 0; i < e.length; i++) e[i] = t.entries()[i];
    biasChunks.add(e);
    biasSize += e.length;
  }

  void params(LayerDescriptor.Builder b, LinearQuant lq, int inWidth) {
    accumulatorWidths(b, lq, inWidth);
    // every layer's weights start on a beat and lie in the order the engine reads them (WeightLayout)
    int pad = WeightLayout.align(weightSize, hw) - weightSize;
    if (pad > 0) {
      weightChunks.add(new int[pad]);
      weightSize += pad;
    }
    b.wOff = weightSize;
    int[] w = lq.weights();
    if (w.length > 0) {
      w = b.op == LayerDescriptor.OP_GEMM
          ? WeightLayout.fc(w, b.inC * b.inH * b.inW, lq.outChannels(), b.transB == 1, hw)
          : WeightLayout.conv(w, b.outC, b.inC, b.groups, b.kH, b.kW, hw.winogradFor(b.build()), hw);
    }
    if (b.op == LayerDescriptor.OP_GEMM) b.transB = 1;  // transposed above (the engine reads [N][K] only)
    weightChunks.add(w);
    weightSize += w.length;
    b.bOff = biasSize;
    biasChunks.add(lq.bias());
    biasSize += lq.bias().length;
    b.qOff = quantSize / 2;
    int[] mq = new int[2 * lq.outChannels()];
    for (int c = 0; c < lq.outChannels(); c++) {
      mq[2 * c] = lq.multiplier()[c];
      mq[2 * c + 1] = lq.shift()[c];
    }
    quantChunks.add(mq);
    quantSize += mq.length;
  }

  /**
   * Appends per-channel constants (issue 14: a Mul's constant factors) to the quant blob as (value, 0)
   * pairs, so q_off keeps counting channels; returns that q_off.
   */
  int quantPairs(int[] values) {
    int qOff = quantSize / 2;
    int[] pairs = new int[2 * values.length];
    for (int c = 0; c < values.length; c++) pairs[2 * c] = values[c];
    quantChunks.add(pairs);
    quantSize += pairs.length;
    return qOff;
  }

  /** Appends ints (an even count, so q_off keeps counting pairs) to the quant blob; returns their q_off. */
  int quantInts(int[] values) {
    if ((values.length & 1) != 0) throw new IllegalArgumentException("quant blob entries come in pairs");
    int qOff = quantSize / 2;
    quantChunks.add(values);
    quantSize += values.length;
    return qOff;
  }

  /** Widens accWidth/multWidth so the engine's accumulator and requantize operands hold this layer. */
  private void accumulatorWidths(LayerDescriptor.Builder b, LinearQuant lq, int inWidth) {
    int outs = lq.outChannels();
    int k = b.op == LayerDescriptor.OP_GEMM ? b.inC : (b.inC / b.groups) * b.kH * b.kW;
    for (int c = 0; c < outs; c++) multWidth = Math.max(multWidth, 32 - Integer.numberOfLeadingZeros(lq.multiplier()[c]));
    if (nominalWeightWidth > 0) {
      // the contract's bound: Wx + Ww + ceil(log2 K) + 1
      accWidth = Math.max(accWidth, inWidth + nominalWeightWidth + (32 - Integer.numberOfLeadingZeros(Math.max(k - 1, 1))) + 1);
      return;
    }
    int[] w = lq.weights();
    boolean rowsPerOutput = b.op == LayerDescriptor.OP_CONV || b.transB == 1;
    for (int c = 0; c < outs; c++) {
      long bound = Math.abs(lq.bias()[c]);
      for (int i = 0; i < k; i++) bound += (long) Math.abs(w[rowsPerOutput ? c * k + i : i * outs + c]) << (inWidth - 1);
      accWidth = Math.max(accWidth, Math.min(64, 64 - Long.numberOfLeadingZeros(bound) + 1));
    }
  }

  /**
   * Refuses, naming the node, a layer whose requantize could leave the engine's int64 arithmetic: per
   * output channel the worst |acc| (|bias| + sum |w| 2^(Wx-1), from the actual weights) times M_c must
   * stay below 2^MAX_PRODUCT_BITS, or C-sim and hardware would wrap where the Java model is exact. The
   * quantizer keeps its own choices inside; this catches the rest (explicit formats, hand-made
   * parameters). Timing-only lowering has no weights and checks the contract's nominal width.
   */
  void checkRequant(Node n, LinearQuant lq) {
    boolean nominal = lq.weights().length == 0;
    int inWidth = q.format(n.input(0)).width();
    long[] bound = nominal ? null : lq.accumulatorBounds(n.op(), inWidth);
    for (int c = 0; c < lq.outChannels(); c++) {
      checkShift(n, lq.shift()[c]);
      int m = lq.multiplier()[c];
      int mBits = 32 - Integer.numberOfLeadingZeros(m);
      if (m < 1) throw new ModelException("node '" + n.name() + "': requantize multiplier " + m + " of output channel " + c + " is below 1");
      if (nominal && lq.accumulatorBits() + mBits > MAX_PRODUCT_BITS) {
        throw new ModelException("node '" + n.name() + "': accumulator (" + lq.accumulatorBits() + " bits) times multiplier ("
            + mBits + " bits) exceeds the engine's " + MAX_PRODUCT_BITS + "-bit product; use narrower formats");
      }
      if (!nominal && !org.cnnhls.ir.quant.Requantize.productInBound(bound[c], m)) {
        throw new ModelException("node '" + n.name() + "': output channel " + c + " can reach |acc| = " + bound[c]
            + " (bias plus weights times the largest input), which times its multiplier " + m + " exceeds the engine's 2^"
            + MAX_PRODUCT_BITS + " product bound; use formats with fewer fraction bits for this layer");
      }
    }
  }

  static void checkShift(Node n, int s) {
    if (s < MIN_SHIFT || s > MAX_SHIFT) {
      throw new ModelException("node '" + n.name() + "': requantize shift " + s + " is outside the engine's range ["
          + MIN_SHIFT + ", " + MAX_SHIFT + "]; the formats of its input and output are too far apart");
    }
  }

  private static int[] concat(List<int[]> chunks, int size) {
    int[] out = new int[size];
    int pos = 0;
    for (int[] c : chunks) {
      System.arraycopy(c, 0, out, pos, c.length);
      pos += c.length;
    }
    return out;
  }
}
