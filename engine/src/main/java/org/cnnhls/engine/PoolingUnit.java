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
    return java.util.List.of(EngineOp.MAXPOOL, EngineOp.AVGPOOL, EngineOp.GAVGPOOL, EngineOp.GMAXPOOL);
  }

  /** Two line buffers of the widest row; the window and the global pool each requantize a 64-bit sum by a 21-bit multiplier. */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    return new ResourceModel.Part(2L * ResourceModel.multiplierDsp(ResourceModel.POOL_SUM_W, ResourceModel.AVG_M_W),
        2L * ResourceModel.bram18(limits.maxW(), hw.actWidth()), 0, 0, 0);
  }

  /**
   * As pool_layer/global_pool_layer run, one channel at a time: per output row the accumulators are
   * cleared, each input row a window touches is read into the line buffer (one burst) and swept
   * k_w times over the output row, then the row is written; global pooling reads each plane in one
   * burst (after a single read of its first value) and writes one value.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth());
    boolean global = d.op() == LayerDescriptor.OP_GAVGPOOL || d.op() == LayerDescriptor.OP_GMAXPOOL;
    long compute = 0, memory = 0;
    if (global) {
      long hw2 = (long) d.inH() * d.inW();
      memory = d.inC() * (TraceCycles.loop("gpool_first", 1, 1, hw, ddr) + TraceCycles.loop("gpool_sum", hw2, hw2, hw, ddr)
          + TraceCycles.loop("gpool_out", 1, 1, hw, ddr));
    } else {
      boolean avg = d.op() == LayerDescriptor.OP_AVGPOOL;
      int dilH = avg ? 1 : d.dH();
      if (avg) compute += TraceCycles.loop("pool_mult", (long) d.kH() * d.kW(), 0, hw, ddr);
      long line = TraceCycles.loop("pool_line", d.inW(), d.inW(), hw, ddr);
      long sweep = d.kW() * TraceCycles.loop("pool_acc", d.outW(), 0, hw, ddr);
      long rowFixed = TraceCycles.loop("pool_init", d.outW(), 0, hw, ddr);
      long rowOut = TraceCycles.loop("pool_out", d.outW(), d.outW(), hw, ddr);
      long validRows = 0;
      for (int oy = 0; oy < d.outH(); oy++) {
        for (int ky = 0; ky < d.kH(); ky++) {
          int iy = oy * d.sH() - d.padT() + ky * dilH;
          if (iy >= 0 && iy < d.inH()) validRows++;
        }
      }
      compute += (long) d.outC() * (d.outH() * rowFixed + validRows * sweep);
      memory += (long) d.outC() * (d.outH() * rowOut + validRows * line);
    }
    long bytes = ((long) d.inC() * d.inH() * d.inW() + d.outSize()) * actBytes;
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + compute + memory, compute, memory, bytes, 1);
  }

  @Override
  public boolean lowers(Node n, Graph g) {
    Op op = n.op();
    return op instanceof Op.MaxPool || op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool
        || op instanceof Op.GlobalMaxPool;
  }

  @Override
  public void lower(Node n, Lowering l) {
    Op op = n.op();
    if (op instanceof Op.MaxPool p) {
      window(l, n, LayerDescriptor.OP_MAXPOOL, p.kernel(), p.strides(), p.pads(), p.dilations(), false);
    } else if (op instanceof Op.AveragePool p) {
      window(l, n, LayerDescriptor.OP_AVGPOOL, p.kernel(), p.strides(), p.pads(), new int[] {1, 1}, p.countIncludePad());
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
  private static void global(Node n, int kind, Lowering l) {
    LayerDescriptor.Builder b = l.unary(n, kind);
    b.shiftOut = l.q.format(n.input(0)).frac() - l.q.format(n.output()).frac();
    if (kind == LayerDescriptor.OP_GAVGPOOL) Lowering.checkShift(n, org.cnnhls.ir.quant.IntKernels.AVG_SHIFT + b.shiftOut);
    l.emit(b, n, n.output());
  }
}
