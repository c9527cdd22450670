package org.cnnhls.sim;

import org.cnnhls.codegen.HardwareConfig;
import org.cnnhls.codegen.LayerDescriptor;

/**
 * The conv engine's tiled loop nest. Per group, output tiles (Tm channels x Tr rows x Tc columns)
 * are visited in order; for each, input-channel steps of Tn load an input tile and a weight tile
 * and run the K x K window loop at II = 1 over the tile's pixels (plus the pipeline depth). Loads
 * are double-buffered: step i+1's load overlaps step i's compute. The output stage (requantize,
 * activation, pool) streams one pixel of Tm channels per cycle and its store overlaps the next
 * tile's loads on the shared DDR.
 */
public final class ConvEngineModel implements ComponentModel {
  /** Depth of the MAC pipeline (multiply, adder tree over Tn, accumulate). */
  public static final int PIPELINE_DEPTH = 8;
  /** Output stage latency per tile (requantize multiply, shift, clamp, pool compare). */
  public static final int OUTPUT_STAGE_DEPTH = 6;

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes, int wgtBytes) {
    int groups = d.groups(), cg = d.inC() / groups, mg = d.outC() / groups;
    int k2 = d.kH() * d.kW();
    int pool = d.pool() == 1 ? d.poolKH() * d.poolKW() : 1;
    long total = LAYER_OVERHEAD, compute = 0, memory = 0, bytes = 0, tiles = 0;
    for (int g = 0; g < groups; g++) {
      for (int to = 0; to < mg; to += hw.tm()) {
        int tm = Math.min(hw.tm(), mg - to);
        long pendingStore = 0;
        for (int tr = 0; tr < d.convH(); tr += hw.tr()) {
          int r = Math.min(hw.tr(), d.convH() - tr);
          int inRows = (r - 1) * d.sH() + (d.kH() - 1) * d.dH() + 1;
          for (int tc = 0; tc < d.convW(); tc += hw.tc()) {
            int c = Math.min(hw.tc(), d.convW() - tc);
            int inCols = (c - 1) * d.sW() + (d.kW() - 1) * d.dW() + 1;
            long stepCompute = (long) r * c * k2 + PIPELINE_DEPTH;
            long prevCompute = -1;
            long tile = 0;
            for (int ti = 0; ti < cg; ti += hw.tn()) {
              int tn = Math.min(hw.tn(), cg - ti);
              long loadBytes = (long) tn * inRows * inCols * actBytes + (long) tm * tn * k2 * wgtBytes;
              // the previous tile's store competes for DDR with this tile's first load
              long load = ddr.transfer(loadBytes + pendingStore);
              bytes += loadBytes + pendingStore;
              memory += load;
              pendingStore = 0;
              tile += prevCompute < 0 ? load : Math.max(prevCompute, load);
              prevCompute = stepCompute;
              compute += stepCompute;
            }
            tile += prevCompute + (long) r * c + OUTPUT_STAGE_DEPTH;
            compute += (long) r * c;
            pendingStore = (long) tm * (r / (d.pool() == 1 ? d.poolKH() : 1)) * (c / (d.pool() == 1 ? d.poolKW() : 1)) * actBytes;
            total += tile;
            tiles++;
          }
        }
        long drain = ddr.transfer(pendingStore);
        bytes += pendingStore;
        memory += drain;
        total += drain;
      }
    }
    long macs = (long) d.outC() * d.convH() * d.convW() * cg * k2;
    return new LayerTiming(node, "CONV", macs, total, compute, memory, bytes, tiles * (pool > 0 ? 1 : 1));
  }
}
