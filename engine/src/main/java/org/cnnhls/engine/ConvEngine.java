package org.cnnhls.engine;

import java.util.List;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.LinearQuant;

/**
 * The conv engine's tiled loop nest, step by step as conv_layer/conv_step run it in
 * cnnhls_engine.h. Per group, output tiles (Tm channels x Tr rows x Tc columns) are visited in
 * order; each has input-channel steps of Tn. A step computes the K x K window loop at II = 1 over
 * the tile's pixels (plus the pipeline depth); the tile's first step also initializes the
 * accumulators (one pixel per cycle) and its last runs the output stage (requantize, activation,
 * pool: one pixel of Tm channels per cycle plus its depth). Meanwhile the DMA loads the input and
 * weight tiles of the following step, across tile boundaries too (double buffering), and the
 * first step of a tile stores the previous tile's output on the same DDR. A step takes the longer
 * of the two. Only the very first load and the very last store are exposed.
 */
public final class ConvEngine implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.CONV);
  }
  static final int PIPELINE_DEPTH = EngineLatencies.PIPELINE_DEPTH;
  static final int OUTPUT_STAGE_DEPTH = EngineLatencies.OUTPUT_STAGE_DEPTH;
  static final int WINOGRAD_DEPTH = EngineLatencies.WINOGRAD_DEPTH;

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth()), wgtBytes = EngineProgram.storageBytes(hw.wgtWidth());
    ConvPlan p = ConvPlan.of(d, hw, limits);
    Acc acc = new Acc();
    acc.cycles = LAYER_OVERHEAD;
    long pendingStore = tilesInOrder(p, d, hw, ddr, actBytes, wgtBytes, acc);
    long drain = ddr.transfer(pendingStore);
    long total = acc.cycles + drain, compute = acc.compute, memory = acc.memory + drain, bytes = acc.bytes + pendingStore;
    long macs = (long) d.outC() * d.convH() * d.convW() * (d.inC() / d.groups()) * d.kH() * d.kW();
    return new LayerTiming(node, "CONV", macs, total, compute, memory, bytes, (long) p.chTiles() * p.rTiles() * p.cTiles());
  }

  /**
   * The MAC array (two 8-bit MACs per DSP48E2 in direct mode, as cnnhls_pack.h computes them), its Tm
   * requantize and LeakyReLU lanes, the
   * ping-pong input, weight and output tiles and the accumulators (one bank per parallel lane), the
   * compute core as Yosys synthesizes it ({@link CoreResourceModel}) plus per-MAC HLS operand muxing
   * and pipeline registers, and in Winograd mode the transforms' adders and registers (see
   * {@link ResourceModel}).
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    int actWidth = hw.actWidth(), wgtWidth = hw.wgtWidth(), macs = hw.macs();
    boolean eightBit = hw.eightBit();
    // mac_array: Tn x ceil(Tm / 2) packed multipliers (channels m, m + 1 share x[n]), else Tm x Tn;
    // each of the Tm output lanes requantizes (acc x M) and runs the LeakyReLU multiply
    long array = hw.packsMacs() ? (long) hw.tn() * ((hw.tm() + 1) / 2) : macs;
    long dsp = array + (long) (ResourceModel.requantDspPerLane(limits)
        + ResourceModel.leakDspPerLane(limits)) * hw.tm();
    int inTr = limits.inputTileRows(hw), inTc = limits.inputTileCols(hw), kk = limits.maxK() * limits.maxK();
    int wTileWidth = wgtWidth;
    if (hw.winograd()) {
      kk = Math.max(kk, 16);
      wTileWidth += 4;
    }
    int trc = hw.tr() * hw.tc();
    long bram = 2L * hw.tn() * ResourceModel.bram18(inTr * inTc, actWidth)   // input tile, ping-pong, one bank per Tn
        + 2L * hw.tm() * hw.tn() * ResourceModel.bram18(kk, wTileWidth)        // weight tile, one bank per MAC
        + (long) hw.tm() * ResourceModel.bram18(trc, limits.accWidth())       // accumulators
        + 2L * hw.tm() * ResourceModel.bram18(trc, actWidth);                 // output tile, ping-pong
    long banks = 2L * hw.tn() + 2L * hw.tm() * hw.tn() + 3L * hw.tm();
    ResourceModel.Estimate core = CoreResourceModel.estimate(hw.tm(), hw.tn(), eightBit ? 8 : 16, hw.board().family());
    long lut = core.lut() + (long) macs * (eightBit ? ResourceModel.LUT_PER_MAC8 : ResourceModel.LUT_PER_MAC16);
    long ff = core.ff() + (long) macs * (eightBit ? ResourceModel.FF_PER_MAC8 : ResourceModel.FF_PER_MAC16);
    if (hw.winograd()) {
      int yW = ResourceModel.winogradAccWidth(actWidth, wgtWidth, hw.tn()), accW = limits.accWidth(), wW = wgtWidth + 4;
      lut += hw.tn() * 32L * (actWidth + 2) + hw.tm() * (4L * yW + 3L * accW) + macs * 6L + 16L * wW;
      ff += hw.tn() * (16L * actWidth + 16L * (actWidth + 2)) + hw.tm() * 4L * yW + macs * 6L + 9L * wgtWidth + 16L * wW;
    }
    return new ResourceModel.Part(dsp, bram, banks, lut, ff);
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

  /** Adds the exposed first load to {@code acc}. */
  private static void firstLoad(ConvPlan p, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int ab, int wb, Acc acc) {
    long first = p.load(d, hw, p.channelsInTile(0), p.rowsInTile(0), p.colsInTile(0), 0, ab, wb);
    long cycles = ddr.transfer(first);
    acc.cycles += cycles;
    acc.memory += cycles;
    acc.bytes += first;
  }

  /**
   * Sums the tiles in the engine's order (channel tile, row tile, column tile) and returns the
   * store the last tile leaves pending. A tile's cost depends on its size, the store it carries
   * from the previous tile and the first load of the next one; tiles differ only at the edges, so
   * a row of column tiles is costed from at most four tile kinds, and rows and channel tiles are
   * memoized on (size, carried store, following load): a few dozen evaluations per layer whatever
   * its size (design space exploration needs that speed). {@link #tilesOneByOne} is the plain
   * loop it must equal.
   */
  static long tilesInOrder(ConvPlan p, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int ab, int wb, Acc acc) {
    int nCt = p.chTiles(), nR = p.rTiles(), nC = p.cTiles();
    if (nCt == 0 || nR == 0 || nC == 0) return 0;
    firstLoad(p, d, hw, ddr, ab, wb, acc);
    int rFirst = p.rowsInTile(0), cFirst = p.colsInTile(0), rLast = p.rowsInTile(nR - 1), cLast = p.colsInTile(nC - 1);
    java.util.Map<TileKey, TileCost> tiles = new java.util.HashMap<>();
    java.util.Map<TileKey, Unit> rows = new java.util.HashMap<>(), channels = new java.util.HashMap<>();
    java.util.function.Function<TileKey, TileCost> cost = tk -> tileCost(tk, p, d, hw, ddr, ab, wb);
    long store = 0;
    for (int ct = 0; ct < nCt; ) {
      int tm = p.channelsInTile(ct);
      long next = ct + 1 < nCt ? p.load(d, hw, p.channelsInTile(ct + 1), rFirst, cFirst, 0, ab, wb) : 0;
      TileKey key = new TileKey(tm, 0, 0, store, next);
      Unit u = channels.computeIfAbsent(key, k -> {
        Acc a = new Acc();
        long st = k.pendingStore();
        for (int rt = 0; rt < nR; rt++) {
          int r = rt == nR - 1 ? rLast : p.tr();
          long afterRow = rt + 1 < nR ? p.load(d, hw, tm, p.rowsInTile(rt + 1), cFirst, 0, ab, wb) : k.nextLoad();
          Unit row = rows.computeIfAbsent(new TileKey(tm, r, 0, st, afterRow), rk -> {
            Acc ra = new Acc();
            long rs = rk.pendingStore();
            if (nC == 1) {
              ra.add(tiles.computeIfAbsent(new TileKey(tm, r, cLast, rs, rk.nextLoad()), cost), 1);
              return new Unit(ra, p.store(tm, r, cLast, ab));
            }
            int tc = p.tc();
            long loadTc = p.load(d, hw, tm, r, tc, 0, ab, wb), loadLast = p.load(d, hw, tm, r, cLast, 0, ab, wb);
            long storeTc = p.store(tm, r, tc, ab);
            ra.add(tiles.computeIfAbsent(new TileKey(tm, r, tc, rs, nC >= 3 ? loadTc : loadLast), cost), 1);
            if (nC >= 4) ra.add(tiles.computeIfAbsent(new TileKey(tm, r, tc, storeTc, loadTc), cost), nC - 3);
            if (nC >= 3) ra.add(tiles.computeIfAbsent(new TileKey(tm, r, tc, storeTc, loadLast), cost), 1);
            ra.add(tiles.computeIfAbsent(new TileKey(tm, r, cLast, storeTc, rk.nextLoad()), cost), 1);
            return new Unit(ra, p.store(tm, r, cLast, ab));
          });
          a.add(row.acc(), 1);
          st = row.storeOut();
        }
        return new Unit(a, st);
      });
      // a channel tile that leaves the store it found repeats exactly while its key stays the same
      int run = 1;
      if (u.storeOut() == store) {
        while (ct + run < nCt && p.channelsInTile(ct + run) == tm) {
          long nextAfter = ct + run + 1 < nCt ? p.load(d, hw, p.channelsInTile(ct + run + 1), rFirst, cFirst, 0, ab, wb) : 0;
          if (nextAfter != next) break;
          run++;
        }
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
    int nCt = p.chTiles(), nR = p.rTiles(), nC = p.cTiles();
    if (nCt == 0 || nR == 0 || nC == 0) return 0;
    firstLoad(p, d, hw, ddr, ab, wb, acc);
    long pendingStore = 0;
    int index = 0, count = nCt * nR * nC;
    for (int ct = 0; ct < nCt; ct++) {
      for (int rt = 0; rt < nR; rt++) {
        for (int cc = 0; cc < nC; cc++) {
          int tm = p.channelsInTile(ct), r = p.rowsInTile(rt), c = p.colsInTile(cc);
          long next = 0;
          if (++index < count) {
            int nct = cc + 1 < nC ? ct : rt + 1 < nR ? ct : ct + 1;
            int nrt = cc + 1 < nC ? rt : rt + 1 < nR ? rt + 1 : 0;
            int ncc = cc + 1 < nC ? cc + 1 : 0;
            next = p.load(d, hw, p.channelsInTile(nct), p.rowsInTile(nrt), p.colsInTile(ncc), 0, ab, wb);
          }
          acc.add(tileCost(new TileKey(tm, r, c, pendingStore, next), p, d, hw, ddr, ab, wb), 1);
          pendingStore = p.store(tm, r, c, ab);
        }
      }
    }
    return pendingStore;
  }

  /** A tile (or, with r = c = 0, a row or channel tile) by size, carried store and the load that follows it. */
  record TileKey(int tm, int r, int c, long pendingStore, long nextLoad) {}

  record TileCost(long cycles, long compute, long memory, long bytes) {}

  /**
   * One output tile: each input-channel step takes max(its compute, the DDR traffic issued with
   * it: the following step's load, and at the first step the previous tile's store). Steps 1 to
   * n-3 are alike (not first, not last, a full Tn load follows), so they are costed once.
   */
  static TileCost tileCost(TileKey key, ConvPlan p, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int actBytes,
      int wgtBytes) {
    int n = p.nTiles();
    long[] sum = new long[4];
    step(sum, 0, 1, key, p, d, hw, ddr, actBytes, wgtBytes);
    if (n >= 2) step(sum, n - 1, 1, key, p, d, hw, ddr, actBytes, wgtBytes);
    if (n >= 3) step(sum, n - 2, 1, key, p, d, hw, ddr, actBytes, wgtBytes);
    if (n >= 4) step(sum, 1, n - 3, key, p, d, hw, ddr, actBytes, wgtBytes);
    return new TileCost(sum[0], sum[1], sum[2], sum[3]);
  }

  /** Adds {@code times} x input-channel step {@code nt} of a tile to sum = {cycles, compute, memory, bytes}. */
  static void step(long[] sum, int nt, long times, TileKey key, ConvPlan p, LayerDescriptor d, HardwareConfig hw,
      DdrModel ddr, int actBytes, int wgtBytes) {
    int r = key.r(), c = key.c();
    long pixels = (long) r * c;
    boolean first = nt == 0, last = nt == p.nTiles() - 1;
    long window = p.wino() ? 16L * ((r + 1) / 2) * ((c + 1) / 2) + WINOGRAD_DEPTH : pixels * d.kH() * d.kW();
    long busy = window + PIPELINE_DEPTH + (first ? pixels : 0) + (last ? pixels : 0);
    long traffic = (last ? key.nextLoad() : p.load(d, hw, key.tm(), r, c, nt + 1, actBytes, wgtBytes))
        + (first ? key.pendingStore() : 0);
    long transfer = ddr.transfer(traffic);
    sum[0] += Math.max(busy + (last ? OUTPUT_STAGE_DEPTH : 0), transfer) * times;
    sum[1] += busy * times;
    sum[2] += transfer * times;
    sum[3] += traffic * times;
  }

  /**
   * How the engine cuts a conv layer into tiles (mirrors conv_plan in cnnhls_engine.h): channel
   * tiles of Tm inside a group, input-channel steps of Tn; layers with one input channel per group
   * run in depthwise mode on the array's diagonal, min(Tm, Tn) channels per tile, one step; row and
   * column tiles shrink so the input window fits the input tile and cover whole pool windows. With
   * the Winograd mode built in, general-mode 3x3 stride-1 layers use it: 16 cycles per 2 x 2
   * outputs instead of 9 per output.
   */
  public record ConvPlan(int chTiles, int nTiles, int cg, boolean depthwise, int tmDepthwise, int tmGeneral, int mg, int mtPerGroup,
      int outC, int rows, int cols, int tr, int tc, int rTiles, int cTiles, int poolH, int poolW, boolean wino) {

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
      boolean wino = hw.winogradFor(d);
      return new ConvPlan(chTiles, nTiles, cg, dw, td, hw.tm(), mg, mtPerGroup, d.outC(), rows, cols, tr, tc,
          tr > 0 ? ceil(rows, tr) : 0, tc > 0 ? ceil(cols, tc) : 0, ph, pw, wino);
    }

    /** Bytes a finished tile stores (after a fused pool). */
    long store(int tm, int r, int c, int actBytes) {
      return (long) tm * (r / poolH) * (c / poolW) * actBytes;
    }

    /** Bytes of input and weight tile that input-channel step {@code nt} of a tm x r x c tile loads. */
    long load(LayerDescriptor d, HardwareConfig hw, int tm, int r, int c, int nt, int actBytes, int wgtBytes) {
      int tn = depthwise ? tm : Math.min(hw.tn(), cg - nt * hw.tn());
      int inRows = (r - 1) * d.sH() + (d.kH() - 1) * d.dH() + 1;
      int inCols = (c - 1) * d.sW() + (d.kW() - 1) * d.dW() + 1;
      return (long) tn * inRows * inCols * actBytes + (long) tm * (depthwise ? 1 : tn) * d.kH() * d.kW() * wgtBytes;
    }

    int rowsInTile(int rt) {
      return Math.min(tr, rows - rt * tr);
    }

    int colsInTile(int cc) {
      return Math.min(tc, cols - cc * tc);
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

  @Override
  public boolean lowers(Node n, Graph g) {
    return n.op() instanceof Op.FusedConv || n.op() instanceof Op.Conv;
  }

  /** One CONV descriptor (bias, requantize, activation, and a max-pool fused when its windows fit the tiles; else a MAXPOOL pass after it). */
  @Override
  public void lower(Node n, Lowering l) {
    conv(n, n.op() instanceof Op.FusedConv f ? f : new Op.FusedConv((Op.Conv) n.op(), null, null), l);
  }

  private static void conv(Node n, Op.FusedConv f, Lowering l) {
    Op.Conv c = f.conv();
    LinearQuant lq = l.q.linear().get(n.name());
    l.checkRequant(n, lq);
    Shape convOut = c.inferShapes(List.of(l.g.shape(n.input(0)), l.g.shape(n.input(1)))).get(0);
    LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_CONV);
    b.outC = convOut.dim(1);
    b.convH = convOut.dim(2);
    b.convW = convOut.dim(3);
    b.kH = c.kernel()[0];
    b.kW = c.kernel()[1];
    b.sH = c.strides()[0];
    b.sW = c.strides()[1];
    b.padT = c.pads()[0];
    b.padL = c.pads()[1];
    b.padB = c.pads()[2];
    b.padR = c.pads()[3];
    b.dH = c.dilations()[0];
    b.dW = c.dilations()[1];
    b.groups = c.group();
    l.params(b, lq, l.q.format(n.input(0)).width());
    Lowering.activation(b, l.q.activations().get(n.name()));
    Op.MaxPool p = f.pool();
    if (p == null) {
      b.outH = b.convH;
      b.outW = b.convW;
      l.emit(b, n, n.output());
      return;
    }
    if (poolFitsTiles(p, l.hw)) {
      b.pool = 1;
      b.poolKH = p.kernel()[0];
      b.poolKW = p.kernel()[1];
      b.poolSH = p.strides()[0];
      b.poolSW = p.strides()[1];
      l.emit(b, n, n.output());
      return;
    }
    // the pool cannot run inside the conv's output stage: conv to a scratch tensor, then a max-pool pass
    b.outH = b.convH;
    b.outW = b.convW;
    b.outOff = l.fmapSize;
    l.fmapSize += b.outC * b.convH * b.convW;
    int scratch = b.outOff;
    l.emit(b, n, null);
    LayerDescriptor.Builder mp = new LayerDescriptor.Builder(LayerDescriptor.OP_MAXPOOL);
    int[] out = l.chw(n.output());
    mp.inOff = scratch;
    mp.inC = b.outC;
    mp.inH = b.convH;
    mp.inW = b.convW;
    mp.outC = out[0];
    mp.outH = out[1];
    mp.outW = out[2];
    mp.convH = out[1];
    mp.convW = out[2];
    Lowering.windowFields(mp, p.kernel(), p.strides(), p.pads(), p.dilations());
    mp.outWidth = b.outWidth;
    l.emit(mp, n, n.output());
  }
  /**
   * Pooling inside the output stage needs windows that never straddle tiles: k == s, no padding,
   * no dilation (the engine rounds its row and column tiles down to multiples of k).
   */
  private static boolean poolFitsTiles(Op.MaxPool p, HardwareConfig hw) {
    int[] k = p.kernel(), s = p.strides(), pads = p.pads(), d = p.dilations();
    return k[0] == s[0] && k[1] == s[1] && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0 && d[0] == 1
        && d[1] == 1 && k[0] <= hw.tr() && k[1] <= hw.tc();
  }
}
