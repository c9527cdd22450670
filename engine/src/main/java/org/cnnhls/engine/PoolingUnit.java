package org.cnnhls.engine;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * Standalone pooling (max, average, global): Tm channels in parallel, one window element per
 * cycle; input read and output written over the shared DDR, overlapped with the compute.
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

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth());
    boolean global = d.op() == LayerDescriptor.OP_GAVGPOOL || d.op() == LayerDescriptor.OP_GMAXPOOL;
    long window = global ? (long) d.inH() * d.inW() : (long) d.kH() * d.kW();
    long channelSteps = (d.inC() + hw.tm() - 1) / hw.tm();
    long compute = channelSteps * d.outH() * d.outW() * window;
    long bytes = ((long) d.inC() * d.inH() * d.inW() + d.outSize()) * actBytes;
    long memory = ddr.transfer(bytes);
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + Math.max(compute, memory), compute, memory, bytes, 1);
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
