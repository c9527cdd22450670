package org.cnnhls.engine;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * Standalone pooling (max, average, global): one channel at a time, as pool_layer and
 * global_pool_layer run (see {@link #time}); reads, sweeps and writes follow each other.
 */
public final class PoolingUnit implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.MAXPOOL, EngineOp.AVGPOOL, EngineOp.GAVGPOOL, EngineOp.GMAXPOOL, EngineOp.RESIZE, EngineOp.SPREAD);
  }

  /**
   * The widest row's line buffer (AE banks) and row accumulators; the window and the global pool
   * each requantize a 64-bit sum by a 21-bit multiplier; the average pool's window count is one
   * 9 x 9-bit multiply.
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    int ae = hw.actPerBeat();
    // the line buffer in AE banks (a beat lands in one cycle), the row accumulators in one
    long bram = (long) ae * ResourceModel.bram18(ResourceModel.ceil(limits.maxW(), ae), hw.actWidth())
        + ResourceModel.bram18(limits.maxW(), ResourceModel.POOL_SUM_W);
    // issue 14, resize_layer: two more line buffers (AE banks each), six tables of MAX_W ints, and
    // four RS_V_W x RS_L_W plus two RS_T_W x RS_L_W multiplies (signed; the weights are non-negative)
    // (only when built: CNNHLS_RESIZE, some layer is a Resize)
    long resizeDsp = 0, resizeBanks = 0;
    if (limits.resizeUnit()) {
      bram += 2L * ae * ResourceModel.bram18(ResourceModel.ceil(limits.maxW(), ae), hw.actWidth())
          + 6L * ResourceModel.bram18(limits.maxW(), 32);
      resizeDsp = 4L * ResourceModel.multiplierDsp(rsValueBits(hw), RS_WEIGHT_W - 1)
          + 2L * ResourceModel.multiplierDsp(rsValueBits(hw) + RS_WEIGHT_W, RS_WEIGHT_W - 1);
      resizeBanks = 2L * ae + 6;
    }
    return new ResourceModel.Part(2L * ResourceModel.multiplierDsp(ResourceModel.POOL_SUM_W, ResourceModel.AVG_M_W)
        + ResourceModel.multiplierDsp(9, 9) + resizeDsp, bram, ae + 1 + resizeBanks, 0, 0);
  }

  /** resize_layer's weight operand width (RS_L_W: 0..256, signed) and value width (RS_V_W = CNNHLS_ACT_W). */
  static final int RS_WEIGHT_W = org.cnnhls.ir.quant.ResizeWeights.WEIGHT_BITS + 2;

  static int rsValueBits(HardwareConfig hw) {
    return hw.actWidth();
  }

  /**
   * As pool_layer/global_pool_layer run, one channel at a time: per output row the accumulators are
   * cleared, each input row a window touches is read into the line buffer (one burst of beats) and
   * swept k_w times over the output row, then the row is written; global pooling reads each plane
   * in one burst of beats (a beat per cycle) and writes one value. Burst lengths in beats follow
   * from each burst's start address, counted exactly by residue.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    if (d.op() == LayerDescriptor.OP_RESIZE) return timeResize(node, d, hw, ddr);
    int actBytes = EngineProgram.storageBytes(hw.actWidth());
    if (d.op() == LayerDescriptor.OP_SPREAD) return spreadTime(node, d, hw, ddr);
    boolean global = d.op() == LayerDescriptor.OP_GAVGPOOL || d.op() == LayerDescriptor.OP_GMAXPOOL;
    long compute = 0, memory = 0, lineBytes = 0;
    int ae = hw.actPerBeat();
    if (global) {
      long hw2 = (long) d.inH() * d.inW();
      compute += TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr);
      // each plane one burst of beats, starting at in_off + ch * plane (mod the beat)
      long[] h = TraceCycles.residues(d.inC(), hw2, ae);
      for (int r = 0; r < ae; r++) {
        if (h[r] == 0) continue;
        long nb = TraceCycles.beats(hw2, Math.floorMod(d.inOff() + r, ae), ae);
        memory += h[r] * TraceCycles.loop("gpool_sum", nb, nb, hw, ddr);
        lineBytes += h[r] * TraceCycles.bytes("gpool_sum", nb, hw);
      }
      memory += d.inC() * TraceCycles.loop("gpool_out", 1, 1, hw, ddr);
    } else {
      boolean avg = d.op() == LayerDescriptor.OP_AVGPOOL;
      int dilH = avg ? 1 : d.dH();
      // pool_layer's per-layer mul_add products
      compute += TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr) + TraceCycles.mulAdd(d.inW(), d.sH(), hw, ddr)
          + TraceCycles.mulAdd(d.inW(), dilH, hw, ddr) + TraceCycles.mulAdd(d.inW(), d.padT(), hw, ddr);
      if (avg) {
        compute += TraceCycles.mulAdd(d.kW(), d.kH(), hw, ddr) + TraceCycles.loop("pool_mult", (long) d.kH() * d.kW(), 0, hw, ddr);
      }
      long sweep = d.kW() * TraceCycles.loop("pool_acc", d.outW(), 0, hw, ddr);
      long rowFixed = TraceCycles.loop("pool_init", d.outW(), 0, hw, ddr);
      long rowOut = TraceCycles.loop("pool_out", d.outW(), d.outW(), hw, ddr);
      // every input row a window touches is one burst of beats from in_off + ch * plane + iy * in_w
      long validRows = 0;
      long[] rows = new long[ae];
      for (int oy = 0; oy < d.outH(); oy++) {
        for (int ky = 0; ky < d.kH(); ky++) {
          int iy = oy * d.sH() - d.padT() + ky * dilH;
          if (iy >= 0 && iy < d.inH()) {
            validRows++;
            rows[(int) Math.floorMod((long) iy * d.inW(), ae)]++;
          }
        }
      }
      long[] line = lineBursts(d, rows, "pool_line", hw, ddr);
      memory += line[0];
      lineBytes += line[1];
      compute += (long) d.outC() * (d.outH() * rowFixed + validRows * sweep);
      memory += (long) d.outC() * d.outH() * rowOut;
    }
    long bytes = lineBytes + (long) d.outSize() * actBytes;
    // (compute holds the sequential loops that move no data)
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + compute + memory, compute, memory, bytes, 1);
  }

  /**
   * As resize_layer runs (issue 14): the tables' burst, the plane by mul_add, then per channel and
   * output row its two source rows (one burst of beats each, from in_off + ch * plane + i * in_w)
   * and the output row, all in sequence.
   */
  private static LayerTiming timeResize(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    long nt = 3L * (d.outH() + d.outW());
    long compute = TraceCycles.loop("rs_tab", nt, nt, hw, ddr) + TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr);
    long memory = 0, bytes = TraceCycles.bytes("rs_tab", nt, hw);
    org.cnnhls.ir.quant.ResizeWeights rows = ResizeTables.axis(d, true);
    long plane = (long) d.inH() * d.inW();
    long rowOut = TraceCycles.loop("rs_out", d.outW(), d.outW(), hw, ddr);
    for (int ch = 0; ch < d.outC(); ch++) {
      for (int oy = 0; oy < d.outH(); oy++) {
        for (int src : new int[] {rows.i0()[oy], rows.i1()[oy]}) {
          long nb = TraceCycles.beats(d.inW(), (int) Math.floorMod(d.inOff() + ch * plane + (long) src * d.inW(), (long) ae), ae);
          memory += TraceCycles.loop("rs_line", nb, nb, hw, ddr);
          bytes += TraceCycles.bytes("rs_line", nb, hw);
        }
        memory += rowOut;
      }
    }
    bytes += (long) d.outSize() * EngineProgram.storageBytes(hw.actWidth());
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + compute + memory, compute, memory, bytes, 1);
  }

  /** Nearest or bilinear Resize on an NCHW tensor's H and W (N and C kept, as the float kernel maps them). */
  static boolean resizes(Node n, Graph g) {
    if (!(n.op() instanceof Op.Resize r)) return false;
    org.cnnhls.ir.Shape xs = g.shape(n.input(0));
    if (xs.rank() != 4) return false;
    for (int ax = 0; ax < 2; ax++) {
      if (xs.dim(ax) != r.outDims()[ax]) return false;
      if (r.linear()) {
        if (!org.cnnhls.ir.quant.ResizeWeights.of(r.coordinateMode(), xs.dim(ax), xs.dim(ax), r.scales()[ax]).identity()) return false;
      } else {
        int[] m = org.cnnhls.ir.interp.IndexMaps.nearestAxis(r.coordinateMode(), r.nearestMode(), xs.dim(ax), xs.dim(ax), r.scales()[ax]);
        for (int i = 0; i < m.length; i++) if (m[i] != i) return false;
      }
    }
    return true;
  }

  /**
   * As spread_layer runs, one channel at a time: per output row, the input row landing on it (if
   * any) is one burst of beats into the line buffer, then the output row is written, one value per
   * cycle. Input rows are read in order from in_off + ch * plane + iy * in_w, counted by residue.
   */
  private static LayerTiming spreadTime(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    long compute = TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr), memory = 0, lineBytes = 0;
    // input rows that land inside the output: pad_t + iy * s_h < out_h
    long last = d.outH() - 1L - d.padT();
    long dataRows = last < 0 ? 0 : Math.min(d.inH(), last / d.sH() + 1);
    long[] line = lineBursts(d, TraceCycles.residues(dataRows, d.inW(), ae), "spread_line", hw, ddr);
    memory += line[0];
    lineBytes += line[1];
    memory += (long) d.outC() * d.outH() * TraceCycles.loop("spread_out", d.outW(), d.outW(), hw, ddr);
    long bytes = lineBytes + (long) d.outSize() * EngineProgram.storageBytes(hw.actWidth());
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + compute + memory, compute, memory, bytes, 1);
  }

  /**
   * The line-buffer reads of pool_layer and spread_layer: per channel, each input row it reads is
   * one burst of in_w values from in_off + ch * plane + iy * in_w on {@code loop}. {@code rows}
   * counts the rows read per channel by the residue of iy * in_w modulo the beat; returns
   * {cycles, bytes} over all channels.
   */
  private static long[] lineBursts(LayerDescriptor d, long[] rows, String loop, HardwareConfig hw, DdrModel ddr) {
    int ae = hw.actPerBeat();
    long[] ch = TraceCycles.residues(d.outC(), (long) d.inH() * d.inW(), ae);
    long cycles = 0, bytes = 0;
    for (int a = 0; a < ae; a++) {
      if (ch[a] == 0) continue;
      for (int b = 0; b < ae; b++) {
        if (rows[b] == 0) continue;
        long nb = TraceCycles.beats(d.inW(), Math.floorMod(d.inOff() + a + b, ae), ae);
        cycles += ch[a] * rows[b] * TraceCycles.loop(loop, nb, nb, hw, ddr);
        bytes += ch[a] * rows[b] * TraceCycles.bytes(loop, nb, hw);
      }
    }
    return new long[] {cycles, bytes};
  }

  @Override
  public boolean lowers(Node n, Graph g) {
    Op op = n.op();
    if (op instanceof Op.Resize) return resizes(n, g);
    if (op instanceof Op.Spread s) {
      for (int p : s.pads()) if (p < 0) return false; // a crop: refused by name (spread_layer pads >= 0)
      return true;
    }
    return op instanceof Op.MaxPool || op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool
        || op instanceof Op.GlobalMaxPool;
  }

  @Override
  public void lower(Node n, Lowering l) {
    Op op = n.op();
    if (op instanceof Op.MaxPool p) {
      window(l, n, LayerDescriptor.OP_MAXPOOL, p.kernel(), p.strides(), p.pads(), p.dilations(), false);
    } else if (op instanceof Op.Spread s) {
      LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_SPREAD);
      b.sH = s.strides()[0];
      b.sW = s.strides()[1];
      b.padT = s.pads()[0];
      b.padL = s.pads()[1];
      b.padB = s.pads()[2];
      b.padR = s.pads()[3];
      l.emit(b, n, n.output());
    } else if (op instanceof Op.AveragePool p) {
      window(l, n, LayerDescriptor.OP_AVGPOOL, p.kernel(), p.strides(), p.pads(), new int[] {1, 1}, p.countIncludePad());
    } else if (op instanceof Op.Resize r) {
      resize(n, r, l);
    } else {
      global(n, op instanceof Op.GlobalAveragePool ? LayerDescriptor.OP_GAVGPOOL : LayerDescriptor.OP_GMAXPOOL, l);
    }
  }

  private static void window(Lowering l, Node n, int kind, int[] k, int[] s, int[] p, int[] d, boolean includePad) {
    LayerDescriptor.Builder b = l.unary(n, kind);
    Lowering.windowFields(b, k, s, p, d);
    b.countIncludePad = includePad ? 1 : 0;
    b.shiftOut = l.q.format(n.input(0)).frac() - l.q.format(n.output()).frac();
    if (kind == LayerDescriptor.OP_AVGPOOL) Lowering.checkShift(n, org.cnnhls.ir.quant.IntKernels.AVG_SHIFT + b.shiftOut);
    l.emit(b, n, n.output());
  }
  private static void resize(Node n, Op.Resize r, Lowering l) {
    LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_RESIZE);
    b.rsCoord = r.coordinateMode().ordinal();
    b.rsNearest = r.linear() ? -1 : r.nearestMode().ordinal();
    b.rsScaleH = Float.floatToIntBits(r.scales()[2]);
    b.rsScaleW = Float.floatToIntBits(r.scales()[3]);
    b.qOff = l.quantInts(ResizeTables.blob(b.build()));
    l.emit(b, n, n.output());
  }

  private static void global(Node n, int kind, Lowering l) {
    LayerDescriptor.Builder b = l.unary(n, kind);
    b.shiftOut = l.q.format(n.input(0)).frac() - l.q.format(n.output()).frac();
    if (kind == LayerDescriptor.OP_GAVGPOOL) Lowering.checkShift(n, org.cnnhls.ir.quant.IntKernels.AVG_SHIFT + b.shiftOut);
    l.emit(b, n, n.output());
  }
}
