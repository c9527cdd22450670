package org.cnnhls.engine;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.LinearQuant;

/**
 * Fully connected layers, timed as gemm_layer's loops run (see {@link #time}): the weight port is one
 * weight wide, so the FC datapath's FC_LANES multipliers get one weight per cycle, and the loads,
 * the weight streams and the outputs follow each other (no DATAFLOW).
 */
public final class GemmEngine implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.GEMM);
  }

  /**
   * The FC datapath (gemm_layer) has its own multipliers, one AXI beat of weights wide in each of its
   * two loops (trans_b = 1 and 0; not packed: the C++ multiplies each weight separately), and one
   * requantize and one LeakyReLU lane per loop;
   * the input vector and the trans_b = 0 block accumulators are partitioned one bank per lane.
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    int fcLanes = hw.fcLanes();
    long dsp = 2L * fcLanes + 2L * (ResourceModel.requantDspPerLane(limits)
        + ResourceModel.leakDspPerLane(limits));
    long bram = (long) fcLanes * ResourceModel.bram18(ResourceModel.ceil(limits.maxFcIn(), fcLanes), hw.actWidth())
        + (long) fcLanes * ResourceModel.bram18(ResourceModel.ceil(ResourceModel.FC_BLOCK, fcLanes), limits.accWidth());
    return new ResourceModel.Part(dsp, bram, 2L * fcLanes, 0, 0);
  }

  /**
   * As gemm_layer runs (loop ids of {@link TraceCycles}): the input vector in one burst; with
   * trans_b = 1 per output a bias read, its weight row (FC_LANES reads of the one weight port per
   * iteration, so one weight per cycle), its (M, s) and its write, in sequence; with trans_b = 0 per
   * block of FC_NB outputs the bias burst, one row segment per input (ceil(nb / lanes) iterations
   * of FC_LANES reads each) and the block's outputs.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth()), wgtBytes = EngineProgram.storageBytes(hw.wgtWidth());
    long k = (long) d.inC() * d.inH() * d.inW(), n = (long) d.outC() * d.outH() * d.outW();
    int lanes = hw.fcLanes();
    long memory = TraceCycles.loop("fc_x", k, k, hw, ddr), compute = 0, blocks = 0;
    if (d.transB() != 0) {
      long row = TraceCycles.loop("fc_row", (k + lanes - 1) / lanes, k, hw, ddr);
      memory += n * (TraceCycles.loop("fc_bias", 1, 1, hw, ddr) + TraceCycles.loop("fc_quant", 1, 2, hw, ddr)
          + TraceCycles.loop("fc_y", 1, 1, hw, ddr));
      compute += n * row;
      blocks = n;
    } else {
      int nbMax = ResourceModel.FC_BLOCK;
      for (long o = 0; o < n; ) {
        int nb = (int) Math.min(nbMax, n - o);
        long same = nb == nbMax ? (n - o) / nbMax : 1;
        long c = k * TraceCycles.loop("fc_col", (nb + lanes - 1) / lanes, nb, hw, ddr);
        long m = TraceCycles.loop("fc_binit", nb, nb, hw, ddr) + TraceCycles.loop("fc_out", nb, nb, hw, ddr);
        compute += c * same;
        memory += m * same;
        blocks += same;
        o += nb * same;
      }
    }
    long bytes = k * actBytes + k * n * wgtBytes + n * (8 + 8 + actBytes);
    return new LayerTiming(node, "GEMM", k * n, LAYER_OVERHEAD + compute + memory, compute, memory, bytes, blocks);
  }

  @Override
  public boolean lowers(Node n, Graph g) {
    return n.op() instanceof Op.FusedGemm || n.op() instanceof Op.Gemm;
  }

  @Override
  public void lower(Node n, Lowering l) {
    gemm(n, n.op() instanceof Op.FusedGemm f ? f.transB() : ((Op.Gemm) n.op()).transB(), l);
  }

  private static void gemm(Node n, boolean transB, Lowering l) {
    LinearQuant lq = l.q.linear().get(n.name());
    l.checkRequant(n, lq);
    LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_GEMM);
    int[] in = l.chw(n.input(0));
    b.inC = in[0] * in[1] * in[2];
    b.inH = 1;
    b.inW = 1;
    b.transB = transB ? 1 : 0;
    l.params(b, lq, l.q.format(n.input(0)).width());
    Lowering.activation(b, l.q.activations().get(n.name()));
    l.emit(b, n, n.output());
  }
}
