package org.cnnhls.engine;



/**
 * Fully connected layers: the input vector is loaded once; weights stream from DDR in long bursts,
 * costed Tm output rows at a time, while the FC datapath consumes one AXI beat of weights per
 * cycle (its lanes, {@link HardwareConfig#fcLanes}) and drains its pipeline after each row.
 * Streaming and compute overlap, so each block costs the larger of the two; FC layers are
 * DDR-bound on every board we know.
 */
public final class GemmEngine implements EngineComponent {
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes, int wgtBytes) {
    int k = d.inC(), n = d.outC();
    long inLoad = ddr.transfer((long) k * actBytes);
    long total = LAYER_OVERHEAD + inLoad, compute = 0, memory = inLoad, bytes = (long) k * actBytes;
    // every block but the last has Tm rows: cost the two kinds once and count them
    long blocks = 0;
    for (int o = 0; o < n; ) {
      int tm = Math.min(hw.tm(), n - o);
      long same = tm == hw.tm() ? (n - o) / hw.tm() : 1;
      int lanes = hw.fcLanes(wgtBytes * 8);
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
}
