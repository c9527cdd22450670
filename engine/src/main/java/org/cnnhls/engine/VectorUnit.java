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
    return java.util.List.of(EngineOp.ADD, EngineOp.ACT, EngineOp.COPY);
  }

  /**
   * Its adders and shifters are in the engine's fixed fabric cost and it has no buffers of its own;
   * the add and the unary paths each have a LeakyReLU multiply (their requantize is by M = 1).
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    return new ResourceModel.Part(2L * ResourceModel.leakDspPerLane(limits) + ResourceModel.actTableDsp(limits),
        ResourceModel.actTableBram(limits), 0, 0, 0);
  }

  /**
   * As add_layer/unary_layer run: chunks of {@link TraceCycles#EW_CHUNK} values, each a DATAFLOW
   * region of its operand reads (each on its own bundle, whole beats, AE values per beat), compute
   * and write, one value per cycle per process; chunks follow each other. Chunks start at multiples
   * of EW_CHUNK, so an operand's bursts all start at its tensor's residue modulo the beat.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
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

  static long chunk(long n, int ra, int rb, boolean add, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    String op = add ? "ew_add" : "ew_unary";
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
    return op instanceof Op.FusedAdd || op instanceof Op.Add
        || (op instanceof Op.Activation a && (ActivationQuant.isSupported(a) || ActivationQuant.hasTable(a)));
  }

  @Override
  public void lower(Node n, Lowering l) {
    Op op = n.op();
    if (op instanceof Op.Concat) {
      concat(n, l);
    } else if (op instanceof Op.FusedAdd || op instanceof Op.Add) {
      add(n, l);
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
