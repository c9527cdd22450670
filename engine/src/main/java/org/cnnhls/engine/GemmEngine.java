package org.cnnhls.engine;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.LinearQuant;

/**
 * Fully connected layers, timed as gemm_layer's loops run (see {@link #time}): weights stream as
 * whole beats, one per cycle into FC_LANES multipliers; the loads, the weight streams and the
 * outputs follow each other (no DATAFLOW).
 */
public final class GemmEngine implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.GEMM);
  }

  /**
   * The FC datapath (gemm_layer) has its own multipliers, one AXI beat of weights wide (not packed:
   * the C++ multiplies each weight separately), one requantize and one LeakyReLU lane; the input
   * vector is partitioned one bank per lane; the block's bias, (M, s) and outputs are one bank each.
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    int fcLanes = hw.fcLanes();
    long dsp = fcLanes + ResourceModel.requantDspPerLane(limits) + ResourceModel.leakDspPerLane(limits);
    long bram = (long) fcLanes * ResourceModel.bram18(ResourceModel.ceil(limits.maxFcIn(), fcLanes), hw.actWidth())
        + ResourceModel.bram18(ResourceModel.FC_BLOCK, 64) + ResourceModel.bram18(2 * ResourceModel.FC_BLOCK, 32)
        + ResourceModel.bram18(ResourceModel.FC_BLOCK, hw.actWidth());
    return new ResourceModel.Part(dsp, bram, fcLanes + 3L, 0, 0);
  }

  /**
   * As gemm_layer runs (loop ids of {@link TraceCycles}): its mul_add products, the input vector in
   * one burst and its zero tail; per block of FC_NB outputs the bias and (M, s) bursts, the block's
   * weight rows as one burst of beats (one per cycle) and the outputs, in sequence.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    long k = (long) d.inC() * d.inH() * d.inW(), n = (long) d.outC() * d.outH() * d.outW();
    int we = WeightLayout.perBeat(hw), nbMax = ResourceModel.FC_BLOCK;
    long kb = (k + we - 1) / we;
    // K, N and the block stride by mul_add; the input vector and its zero tail
    long setup = TraceCycles.mulAdd(d.inW(), d.inH(), hw, ddr) + TraceCycles.mulAdd(d.inC(), (long) d.inW() * d.inH(), hw, ddr)
        + TraceCycles.mulAdd(d.outW(), d.outH(), hw, ddr) + TraceCycles.mulAdd(d.outC(), (long) d.outW() * d.outH(), hw, ddr)
        + TraceCycles.mulAdd(kb, nbMax, hw, ddr);
    long memory = TraceCycles.loop("fc_x", k, k, hw, ddr), compute = TraceCycles.loop("fc_xpad", kb * we - k, 0, hw, ddr);
    long bytes = TraceCycles.bytes("fc_x", k, hw), blocks = 0;
    for (long o = 0; o < n; ) {
      int nb = (int) Math.min(nbMax, n - o);
      long same = nb == nbMax ? (n - o) / nbMax : 1;
      long m = TraceCycles.loop("fc_bias", nb, nb, hw, ddr) + TraceCycles.loop("fc_quant", 2L * nb, 2L * nb, hw, ddr)
          + TraceCycles.loop("fc_y", nb, nb, hw, ddr);
      long c = TraceCycles.loop("fc_w", nb * kb, nb * kb, hw, ddr);  // the weight stream: the multipliers' pace
      compute += c * same;
      memory += m * same;
      bytes += same * (TraceCycles.bytes("fc_bias", nb, hw) + TraceCycles.bytes("fc_quant", 2L * nb, hw)
          + TraceCycles.bytes("fc_w", nb * kb, hw) + TraceCycles.bytes("fc_y", nb, hw));
      blocks += same;
      o += (long) nb * same;
    }
    return new LayerTiming(node, "GEMM", k * n, LAYER_OVERHEAD + setup + compute + memory, compute, memory, bytes, blocks);
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
