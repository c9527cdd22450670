package org.cnnhls.sim;

import org.cnnhls.codegen.DdrModel;
import org.cnnhls.codegen.EngineLatencies;
import org.cnnhls.codegen.EngineLimits;

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
  static final int PIPELINE_DEPTH = EngineLatencies.PIPELINE_DEPTH;
  static final int OUTPUT_STAGE_DEPTH = EngineLatencies.OUTPUT_STAGE_DEPTH;

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes, int wgtBytes) {
    throw new UnsupportedOperationException("the conv model needs the program's engine limits");
  }

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes, int wgtBytes,
      EngineLimits limits) {
    ConvPlan p = ConvPlan.of(d, hw, limits);
    Acc acc = new Acc();
    acc.cycles = LAYER_OVERHEAD;
    long pendingStore = tilesInOrder(p, d, hw, ddr, actBytes, wgtBytes, acc);
    long drain = ddr.transfer(pendingStore);
    long total = acc.cycles + drain, compute = acc.compute, memory = acc.memory + drain, bytes = acc.bytes + pendingStore;
    long macs = (long) d.outC() * d.convH() * d.convW() * (d.inC() / d.groups()) * d.kH() * d.kW();
    return new LayerTiming(node, "CONV", macs, total, compute, memory, bytes, (long) p.chTiles() * p.rTiles() * p.cTiles());
  }

  /** Running sums over tiles. */
  static final class Acc {
    long cycles, compute, memory, bytes;

    void add(TileCost t, long times) {
      cycles += t.cycles() * times;
      compute += t.compute() * times;
      memory += t.memory() * times;
      bytes += t.bytes() * times;
    }

    void add(Acc o, long times) {
      cycles += o.cycles * times;
      compute += o.compute * times;
      memory += o.memory * times;
      bytes += o.bytes * times;
    }
  }

  /**
   * Sums the tiles in the engine's order (channel tile, row tile, column tile) and returns the
   * store the last tile leaves pending. Tiles differ only at the edges and in the store they carry
   * from the previous tile, so a row of column tiles is costed from at most three tile kinds, and
   * rows and channel tiles are memoized on (size, carried store): a few dozen evaluations per
   * layer whatever its size (design space exploration needs that speed). {@link #tilesOneByOne}
   * is the plain loop it must equal.
   */
  static long tilesInOrder(ConvPlan p, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int ab, int wb, Acc acc) {
    int nCt = p.chTiles(), nR = p.rTiles(), nC = p.cTiles();
    if (nCt == 0 || nR == 0 || nC == 0) return 0;
    int rLast = p.rows() - (nR - 1) * p.tr(), cLast = p.cols() - (nC - 1) * p.tc();
    java.util.Map<TileKey, TileCost> tiles = new java.util.HashMap<>();
    java.util.Map<TileKey, Unit> rows = new java.util.HashMap<>(), channels = new java.util.HashMap<>();
    long store = 0;
    for (int ct = 0; ct < nCt; ) {
      int tm = p.channelsInTile(ct);
      long in = store;
      Unit u = channels.computeIfAbsent(new TileKey(tm, 0, 0, in), k -> {
        Acc a = new Acc();
        long st = k.pendingStore();
        for (int rt = 0; rt < nR; rt++) {
          int r = rt == nR - 1 ? rLast : p.tr();
          long rowIn = st;
          Unit row = rows.computeIfAbsent(new TileKey(tm, r, 0, rowIn), rk -> {
            Acc ra = new Acc();
            long rs = rowIn;
            int c0 = nC == 1 ? cLast : p.tc();
            ra.add(tiles.computeIfAbsent(new TileKey(tm, r, c0, rs), tk -> tileCost(tk, p, d, hw, ddr, ab, wb)), 1);
            rs = p.store(tm, r, c0, ab);
            if (nC >= 3) {
              long full = rs;
              ra.add(tiles.computeIfAbsent(new TileKey(tm, r, p.tc(), full), tk -> tileCost(tk, p, d, hw, ddr, ab, wb)), nC - 2);
            }
            if (nC >= 2) {
              long carried = rs;
              ra.add(tiles.computeIfAbsent(new TileKey(tm, r, cLast, carried), tk -> tileCost(tk, p, d, hw, ddr, ab, wb)), 1);
              rs = p.store(tm, r, cLast, ab);
            }
            return new Unit(ra, rs);
          });
          a.add(row.acc(), 1);
          st = row.storeOut();
        }
        return new Unit(a, st);
      });
      // a channel tile that leaves the store it found repeats exactly while the width stays the same
      int run = 1;
      if (u.storeOut() == in) {
        while (ct + run < nCt && p.channelsInTile(ct + run) == tm) run++;
      }
      acc.add(u.acc(), run);
      store = u.storeOut();
      ct += run;
    }
    return store;
  }

  /** A memoized run of tiles: its sums and the store it leaves pending. */
  private record Unit(Acc acc, long storeOut) {}

  /** The plain loop over every tile, for tests of {@link #tilesInOrder}. */
  static long tilesOneByOne(ConvPlan p, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int ab, int wb, Acc acc) {
    long pendingStore = 0;
    for (int ct = 0; ct < p.chTiles(); ct++) {
      int tm = p.channelsInTile(ct);
      for (int rt = 0; rt < p.rTiles(); rt++) {
        int r = Math.min(p.tr(), p.rows() - rt * p.tr());
        for (int cc = 0; cc < p.cTiles(); cc++) {
          int c = Math.min(p.tc(), p.cols() - cc * p.tc());
          acc.add(tileCost(new TileKey(tm, r, c, pendingStore), p, d, hw, ddr, ab, wb), 1);
          pendingStore = p.store(tm, r, c, ab);
        }
      }
    }
    return pendingStore;
  }

  record TileKey(int tm, int r, int c, long pendingStore) {}

  record TileCost(long cycles, long compute, long memory, long bytes) {}

  /** One output tile: its input-channel steps with double-buffered loads, then the output stage. */
  static TileCost tileCost(TileKey key, ConvPlan p, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes,
      int wgtBytes) {
    int k2 = d.kH() * d.kW(), tm = key.tm(), r = key.r(), c = key.c();
    int inRows = (r - 1) * d.sH() + (d.kH() - 1) * d.dH() + 1;
    int inCols = (c - 1) * d.sW() + (d.kW() - 1) * d.dW() + 1;
    long stepCompute = (long) r * c * k2 + PIPELINE_DEPTH;
    long prevCompute = -1, tile = 0, compute = 0, memory = 0, bytes = 0, pendingStore = key.pendingStore();
    for (int nt = 0; nt < p.nTiles(); nt++) {
      int tn = p.depthwise() ? tm : Math.min(hw.tn(), p.cg() - nt * hw.tn());
      long loadBytes = (long) tn * inRows * inCols * actBytes + (long) tm * (p.depthwise() ? 1 : tn) * k2 * wgtBytes;
      // the previous tile's store shares DDR with this tile's first load
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
    return new TileCost(tile, compute, memory, bytes);
  }

  /**
   * How the engine cuts a conv layer into tiles (mirrors conv_plan in cnnhls_engine.h): channel
   * tiles of Tm inside a group, input-channel steps of Tn; layers with one input channel per group
   * run in depthwise mode on the array's diagonal, min(Tm, Tn) channels per tile, one step; row and
   * column tiles shrink so the input window fits the input tile and cover whole pool windows.
   */
  public record ConvPlan(int chTiles, int nTiles, int cg, boolean depthwise, int tmDepthwise, int tmGeneral, int mg, int mtPerGroup,
      int outC, int rows, int cols, int tr, int tc, int rTiles, int cTiles, int poolH, int poolW) {

    public static ConvPlan of(LayerDescriptor d, HardwareConfig hw, EngineLimits limits) {
      int groups = Math.max(1, d.groups()), cg = d.inC() / groups, mg = d.outC() / groups;
      boolean dw = cg == 1 && groups > 1;
      int td = Math.min(hw.tm(), hw.tn());
      int mtPerGroup = ceil(mg, hw.tm());
      int chTiles = dw ? ceil(d.outC(), td) : groups * mtPerGroup;
      int nTiles = dw ? 1 : ceil(cg, hw.tn());
      int ph = d.pool() == 1 ? d.poolKH() : 1, pw = d.pool() == 1 ? d.poolKW() : 1;
      int rows = d.pool() == 1 ? Math.min(d.convH(), d.outH() * ph) : d.convH();
      int cols = d.pool() == 1 ? Math.min(d.convW(), d.outW() * pw) : d.convW();
      int inTr = limits.inputTileRows(hw), inTc = limits.inputTileCols(hw);
      int tr = fit(hw.tr(), inTr, d.kH(), d.sH(), d.dH(), ph), tc = fit(hw.tc(), inTc, d.kW(), d.sW(), d.dW(), pw);
      return new ConvPlan(chTiles, nTiles, cg, dw, td, hw.tm(), mg, mtPerGroup, d.outC(), rows, cols, tr, tc,
          tr > 0 ? ceil(rows, tr) : 0, tc > 0 ? ceil(cols, tc) : 0, ph, pw);
    }

    /** Bytes a finished tile stores (after a fused pool). */
    long store(int tm, int r, int c, int actBytes) {
      return (long) tm * (r / poolH) * (c / poolW) * actBytes;
    }

    int channelsInTile(int ct) {
      if (depthwise) return Math.min(tmDepthwise, outC - ct * tmDepthwise);
      int mt = ct % mtPerGroup;
      return Math.min(tmGeneral, mg - mt * tmGeneral);
    }

    private static int fit(int tMax, int buf, int k, int s, int d, int pk) {
      int span = (k - 1) * d + 1;
      if (span > buf || s < 1 || pk < 1) return 0;
      int t = Math.min(tMax, (buf - span) / s + 1);
      return t - t % pk;
    }

    private static int ceil(int a, int b) {
      return (a + b - 1) / b;
    }
  }
}
