package org.cnnhls.engine;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.FixedType;

/**
 * Element-wise passes (residual Add, standalone activation, concat copy): one value per cycle per
 * DATAFLOW process (the feature-map port is one value wide), see {@link #time}.
 */
public final class VectorUnit implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.ADD, EngineOp.ACT, EngineOp.COPY, EngineOp.MUL);
  }

  /**
   * Its adders and shifters are in the engine's fixed fabric cost; the add and the unary paths each
   * have a LeakyReLU multiply (their requantize is by M = 1). The Mul (issue 14) has one multiplier
   * of MUL_A_W x MUL_B_W = activation x activation bits (signed, so one more bit than an unsigned
   * operand of multiplierDsp) and its factor buffer, MUL_MAX_C activations in one bank.
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    // the Mul's multiplier and factor buffer only when built (CNNHLS_MUL: some layer is a Mul)
    long mulDsp = limits.mulUnit() ? ResourceModel.multiplierDsp(hw.actWidth(), hw.actWidth() + 1) : 0;
    long mulBram = limits.mulUnit() ? ResourceModel.bram18(EngineLimits.MUL_MAX_C, hw.actWidth()) : 0;
    return new ResourceModel.Part(2L * ResourceModel.leakDspPerLane(limits) + mulDsp + ResourceModel.actTableDsp(limits),
        mulBram + ResourceModel.actTableBram(limits), limits.mulUnit() ? 1 : 0, 0, 0);
  }

  /**
   * As add_layer/unary_layer run: chunks of {@link TraceCycles#EW_CHUNK} values, each a DATAFLOW
   * region of its operand reads (each on its own bundle, whole beats, AE values per beat), compute
   * and write, one value per cycle per process; chunks follow each other. Chunks start at multiples
   * of EW_CHUNK, so an operand's bursts all start at its tensor's residue modulo the beat.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    if (d.op() == LayerDescriptor.OP_MUL) return timeMul(node, d, hw, ddr);
    if (d.op() == LayerDescriptor.OP_COPY && d.copyCStride() > 1) return timeStridedCopy(node, d, hw, ddr);
    int ae = hw.actPerBeat();
    boolean add = d.op() == LayerDescriptor.OP_ADD;
    long n = add ? (long) d.outC() * d.outH() * d.outW() : (long) d.inC() * d.inH() * d.inW();
    long full = n / TraceCycles.EW_CHUNK, rest = n % TraceCycles.EW_CHUNK;
    int ra = Math.floorMod(d.inOff(), ae), rb = add ? Math.floorMod(d.in2Off(), ae) : -1;
    long compute = full * chunk(TraceCycles.EW_CHUNK, ra, rb, add, hw, ddr) + (rest > 0 ? chunk(rest, ra, rb, add, hw, ddr) : 0);
    long bytes = full * chunkBytes(TraceCycles.EW_CHUNK, ra, rb, hw) + (rest > 0 ? chunkBytes(rest, ra, rb, hw) : 0);
    // the element count (and a Copy's offset) by mul_add
    long setup = add ? TraceCycles.mulAdd(d.outW(), d.outH(), hw, ddr) + TraceCycles.mulAdd(d.outC(), (long) d.outW() * d.outH(), hw, ddr)
        : TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr) + TraceCycles.mulAdd(d.inC(), (long) d.inW() * d.inH(), hw, ddr)
            + (d.op() == LayerDescriptor.OP_COPY ? TraceCycles.mulAdd(d.outW(), d.outH(), hw, ddr)
                + TraceCycles.mulAdd(d.concatCOff(), (long) d.outW() * d.outH(), hw, ddr) : 0);
    // a table activation first loads its table (act_tab: one int64 entry per cycle on the bias port)
    if (d.actKind() != 0) {
      setup += TraceCycles.loop("act_tab", d.actTabLen(), d.actTabLen(), hw, ddr);
      bytes += TraceCycles.bytes("act_tab", d.actTabLen(), hw);
    }
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + setup + compute, compute, compute, bytes, full + (rest > 0 ? 1 : 0));
  }

  /**
   * As unary_layer runs a strided COPY (a ChannelShuffle group): the plane, the output step and the
   * first output channel's offset by mul_add, then per channel its plane in chunks of EW_CHUNK,
   * each chunk's read starting at its own residue.
   */
  private static LayerTiming timeStridedCopy(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    long plane = (long) d.inW() * d.inH();
    long setup = TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr) + TraceCycles.mulAdd(d.copyCStride(), plane, hw, ddr)
        + TraceCycles.mulAdd(d.concatCOff(), plane, hw, ddr);
    long compute = 0, bytes = 0, chunks = 0;
    for (int c = 0; c < d.inC(); c++) {
      for (long off = 0; off < plane; off += TraceCycles.EW_CHUNK) {
        long n = Math.min(TraceCycles.EW_CHUNK, plane - off);
        int ra = (int) Math.floorMod(d.inOff() + c * plane + off, (long) ae);
        compute += chunk(n, ra, -1, false, hw, ddr);
        bytes += chunkBytes(n, ra, -1, hw);
        chunks++;
      }
    }
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + setup + compute, compute, compute, bytes, chunks);
  }

  /**
   * As mul_layer runs (issue 14). mul_kind 0: add_layer's chunks with the product as compute.
   * mul_kind 1, 2: the factor load (one burst of beats at AE cycles each from fmap, or 2C ints from
   * quant), the plane size by mul_add, then per channel its plane in chunks of EW_CHUNK, each a
   * DATAFLOW region of read, multiply and write; every chunk's read starts at its own residue.
   */
  private static LayerTiming timeMul(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    long plane = (long) d.outW() * d.outH();
    long compute = 0, bytes = 0, chunks = 0, setup = TraceCycles.mulAdd(d.outW(), d.outH(), hw, ddr);
    if (d.mulKind() == 0) {
      long n = d.outC() * plane, full = n / TraceCycles.EW_CHUNK, rest = n % TraceCycles.EW_CHUNK;
      int ra = Math.floorMod(d.inOff(), ae), rb = Math.floorMod(d.in2Off(), ae);
      compute = full * chunk(TraceCycles.EW_CHUNK, ra, rb, "ew_mul", hw, ddr) + (rest > 0 ? chunk(rest, ra, rb, "ew_mul", hw, ddr) : 0);
      bytes = full * chunkBytes(TraceCycles.EW_CHUNK, ra, rb, hw) + (rest > 0 ? chunkBytes(rest, ra, rb, hw) : 0);
      chunks = full + (rest > 0 ? 1 : 0);
      setup += TraceCycles.mulAdd(d.outC(), plane, hw, ddr);
    } else {
      if (d.mulKind() == 1) {
        long nb = TraceCycles.beats(d.outC(), Math.floorMod(d.in2Off(), ae), ae);
        setup += TraceCycles.loop("mul_fac", nb, nb, hw, ddr);
        bytes += TraceCycles.bytes("mul_fac", nb, hw);
      } else {
        setup += TraceCycles.loop("mul_facq", 2L * d.outC(), 2L * d.outC(), hw, ddr);
        bytes += TraceCycles.bytes("mul_facq", 2L * d.outC(), hw);
      }
      for (int c = 0; c < d.outC(); c++) {
        for (long off = 0; off < plane; off += TraceCycles.EW_CHUNK) {
          long n = Math.min(TraceCycles.EW_CHUNK, plane - off);
          int ra = (int) Math.floorMod(d.inOff() + c * plane + off, (long) ae);
          compute += chunk(n, ra, -1, "ew_mul", hw, ddr);
          bytes += chunkBytes(n, ra, -1, hw);
          chunks++;
        }
      }
    }
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + setup + compute, compute, compute, bytes, chunks);
  }

  static long chunk(long n, int ra, int rb, boolean add, HardwareConfig hw, DdrModel ddr) {
    return chunk(n, ra, rb, add ? "ew_add" : "ew_unary", hw, ddr);
  }

  /** One DATAFLOW chunk: two operand reads when rb >= 0, else one; compute loop {@code op}; the write. */
  static long chunk(long n, int ra, int rb, String op, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    boolean add = rb >= 0;
    long a = TraceCycles.beats(n, ra, ae), b = add ? TraceCycles.beats(n, rb, ae) : 0;
    long[] lanes = add
        ? new long[] {TraceCycles.loop("ew_read", a, a, hw, ddr), TraceCycles.loop("ew_read", b, b, hw, ddr),
            TraceCycles.loop(op, n, 0, hw, ddr), TraceCycles.loop("ew_write", n, n, hw, ddr)}
        : new long[] {TraceCycles.loop("ew_read", a, a, hw, ddr), TraceCycles.loop(op, n, 0, hw, ddr),
            TraceCycles.loop("ew_write", n, n, hw, ddr)};
    int[] fills = add
        ? new int[] {TraceCycles.depth("ew_read"), TraceCycles.depth("ew_read"), TraceCycles.depth(op), TraceCycles.depth("ew_write")}
        : new int[] {TraceCycles.depth("ew_read"), TraceCycles.depth(op), TraceCycles.depth("ew_write")};
    return TraceCycles.dataflow(lanes, fills);
  }

  static long chunkBytes(long n, int ra, int rb, HardwareConfig hw) {
    int ae = hw.actPerBeat();
    return TraceCycles.bytes("ew_read", TraceCycles.beats(n, ra, ae) + (rb >= 0 ? TraceCycles.beats(n, rb, ae) : 0), hw)
        + TraceCycles.bytes("ew_write", n, hw);
  }

  /** Residual Add, a channel Concat (one COPY per input) and a standalone supported activation. */
  @Override
  public boolean lowers(Node n, Graph g) {
    Op op = n.op();
    if (op instanceof Op.Concat c) return g.shape(n.output()).axis(c.axis()) == 1;
    if (op instanceof Op.ChannelShuffle) return g.shape(n.input(0)).dim(0) == 1;
    if (op instanceof Op.Mul) return mulKind(n, g) >= 0;
    return op instanceof Op.FusedAdd || op instanceof Op.Add
        || (op instanceof Op.Activation a && (ActivationQuant.isSupported(a) || ActivationQuant.hasTable(a)));
  }

  /**
   * A Mul's engine form (issue 14), or -1: 0 both operands of the output's shape, 1 one operand of
   * one value per channel ([1, C, 1, 1] or [C, 1, 1]) computed by the model, 2 a constant operand
   * per channel or a scalar. The other operand is a computed tensor of the output's shape.
   */
  static int mulKind(Node n, Graph g) {
    org.cnnhls.ir.Shape ys = g.shape(n.output());
    if (ys.rank() != 4 && ys.rank() != 2) return -1;
    int big = bigOperand(n, g);
    if (big < 0) return -1;
    String small = n.input(1 - big);
    org.cnnhls.ir.Shape ss = g.shape(small);
    if (ss.equals(ys)) return g.isConstant(small) ? -1 : 0;
    int c = ys.dim(1);
    boolean perChannel = ss.size() == c && ys.rank() == 4 && (ss.equals(org.cnnhls.ir.Shape.of(1, c, 1, 1)) || ss.equals(org.cnnhls.ir.Shape.of(c, 1, 1)));
    boolean scalar = ss.size() == 1;
    if (g.isConstant(small)) return perChannel || scalar ? 2 : -1;
    return perChannel ? 1 : -1;
  }

  /** The operand of the output's shape that the model computes (0 or 1), -1 when none. */
  private static int bigOperand(Node n, Graph g) {
    org.cnnhls.ir.Shape ys = g.shape(n.output());
    for (int i = 0; i < 2; i++) if (!g.isConstant(n.input(i)) && g.shape(n.input(i)).equals(ys)) return i;
    return -1;
  }

  @Override
  public void lower(Node n, Lowering l) {
    Op op = n.op();
    if (op instanceof Op.Concat) {
      concat(n, l);
    } else if (op instanceof Op.ChannelShuffle cs) {
      shuffle(n, cs, l);
    } else if (op instanceof Op.FusedAdd || op instanceof Op.Add) {
      add(n, l);
    } else if (op instanceof Op.Mul) {
      mul(n, l);
    } else {
      LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_ACT);
      ActivationQuant a = l.q.activations().get(n.name());
      Lowering.activation(b, a);
      l.actTable(b, a);
      l.emit(b, n, n.output());
    }
  }

  private static void add(Node n, Lowering l) {
    LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_ADD);
    b.in2Off = l.allocate(n.input(1));
    FixedType fa = l.q.format(n.input(0)), fb = l.q.format(n.input(1)), fo = l.q.format(n.output());
    int f = Math.max(fa.frac(), fb.frac());
    b.shiftA = f - fa.frac();
    b.shiftB = f - fb.frac();
    b.shiftOut = f - fo.frac();
    Lowering.checkShift(n, b.shiftOut);
    if (b.shiftA > 30 || b.shiftB > 30) throw new ModelException("node '" + n.name() + "': Add inputs' formats differ by more than 30 bits");
    Lowering.activation(b, l.q.activations().get(n.name()));
    l.emit(b, n, n.output());
  }
  /**
   * ChannelShuffle: input channel g*(C/groups) + j goes to output channel j*groups + g. Group g's
   * input channels are one contiguous run and land groups apart from output channel g: one strided
   * COPY (M = 1, shift 0, copy_c_stride = groups) per group.
   */
  private static void shuffle(Node n, Op.ChannelShuffle cs, Lowering l) {
    int outOff = l.allocate(n.output()), inOff = l.allocate(n.input(0));
    int[] c = l.chw(n.input(0));
    int per = c[0] / cs.groups(), plane = c[1] * c[2];
    for (int g = 0; g < cs.groups(); g++) {
      LayerDescriptor.Builder b = new LayerDescriptor.Builder(LayerDescriptor.OP_COPY);
      b.inOff = inOff + g * per * plane;
      b.inC = per;
      b.inH = c[1];
      b.inW = c[2];
      b.outC = c[0];
      b.outH = c[1];
      b.outW = c[2];
      b.convH = c[1];
      b.convW = c[2];
      b.outWidth = l.q.format(n.output()).width();
      b.shiftOut = 0;
      b.concatCOff = g;
      b.copyCStride = cs.groups();
      b.outOff = outOff;
      l.emit(b, n, n.output());
    }
  }

  /** Issue 14: out = requant(a * b, M = 1, s = F_a + F_b - F_out); b per {@link #mulKind}. */
  private static void mul(Node n, Lowering l) {
    int kind = mulKind(n, l.g), big = bigOperand(n, l.g);
    String a = n.input(big), b = n.input(1 - big);
    LayerDescriptor.Builder d = new LayerDescriptor.Builder(LayerDescriptor.OP_MUL);
    int[] o = l.chw(n.output());
    d.inOff = l.allocate(a);
    d.inC = d.outC = o[0];
    d.inH = d.outH = d.convH = o[1];
    d.inW = d.outW = d.convW = o[2];
    FixedType fa = l.q.format(a), fb = l.q.format(b), fo = l.q.format(n.output());
    d.outWidth = fo.width();
    d.shiftOut = fa.frac() + fb.frac() - fo.frac();
    Lowering.checkShift(n, d.shiftOut);
    d.mulKind = kind;
    if (kind != 0 && o[0] > EngineLimits.MUL_MAX_C) {
      throw new ModelException("node '" + n.name() + "': a per-channel Mul over " + o[0] + " channels exceeds the engine's factor buffer ("
          + EngineLimits.MUL_MAX_C + " channels, EngineLimits.MUL_MAX_C)");
    }
    if (kind == 2) {
      float[] v = l.g.constants().get(b).toFloatArray();
      int[] raw = new int[o[0]];
      for (int c = 0; c < raw.length; c++) raw[c] = fb.quantize(v[v.length == 1 ? 0 : c]);
      d.qOff = l.quantPairs(raw);
    } else {
      d.in2Off = l.allocate(b);
    }
    l.emit(d, n, n.output());
  }

  private static void concat(Node n, Lowering l) {
    int outOff = l.allocate(n.output());
    FixedType fo = l.q.format(n.output());
    int cOff = 0;
    for (int i = 0; i < n.inputs().size(); i++) {
      String in = n.input(i);
      LayerDescriptor.Builder b = new LayerDescriptor.Builder(LayerDescriptor.OP_COPY);
      int[] c = l.chw(in), o = l.chw(n.output());
      b.inOff = l.allocate(in);
      b.inC = c[0];
      b.inH = c[1];
      b.inW = c[2];
      b.outC = o[0];
      b.outH = o[1];
      b.outW = o[2];
      b.convH = o[1];
      b.convW = o[2];
      b.outWidth = fo.width();
      b.shiftOut = l.q.format(in).frac() - fo.frac();
      Lowering.checkShift(n, b.shiftOut);
      b.concatCOff = cOff;
      b.outOff = outOff;
      cOff += c[0];
      // after the run every slice's region holds the whole concatenated tensor: compare each with it
      l.emit(b, n, n.output());
    }
  }
}
