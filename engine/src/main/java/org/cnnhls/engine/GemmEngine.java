package org.cnnhls.engine;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.LinearQuant;

/**
 * Fully connected layers: the input vector is loaded once; weights stream from DDR in long bursts,
 * costed Tm output rows at a time, while the FC datapath consumes one AXI beat of weights per
 * cycle (its lanes, {@link HardwareConfig#fcLanes}) and drains its pipeline after each row.
 * Streaming and compute overlap, so each block costs the larger of the two; FC layers are
 * DDR-bound on every board we know.
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

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth()), wgtBytes = EngineProgram.storageBytes(hw.wgtWidth());
    int k = d.inC(), n = d.outC();
    long inLoad = ddr.transfer((long) k * actBytes);
    long total = LAYER_OVERHEAD + inLoad, compute = 0, memory = inLoad, bytes = (long) k * actBytes;
    // every block but the last has Tm rows: cost the two kinds once and count them
    long blocks = 0;
    for (int o = 0; o < n; ) {
      int tm = Math.min(hw.tm(), n - o);
      long same = tm == hw.tm() ? (n - o) / hw.tm() : 1;
      int lanes = hw.fcLanes();
      long c = tm * ((k + lanes - 1) / lanes + (long) ConvEngine.PIPELINE_DEPTH);
      long wBytes = (long) tm * k * wgtBytes;
      long m = ddr.transfer(wBytes);
      total += Math.max(c, m) * same;
      compute += c * same;
      memory += m * same;
      bytes += wBytes * same;
      blocks += same;
      o += (int) (tm * same);
    }
    long store = ddr.transfer((long) n * actBytes);
    total += store;
    memory += store;
    bytes += (long) n * actBytes;
    return new LayerTiming(node, "GEMM", (long) k * n, total, compute, memory, bytes, blocks);
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
