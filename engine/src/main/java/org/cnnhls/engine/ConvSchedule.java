package org.cnnhls.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Cycles of one conv layer as conv_layer in cnnhls_engine.h runs it, loop for loop by the rules of
 * {@link TraceCycles}: the plan's divisions and the walk's mul_add products, the first step's load
 * region, then per input-channel step a region of four concurrent processes (the next step's input
 * and weight loads, the previous tile's store at a tile's first step, this step's compute), the
 * walk's per-tile products between steps, and the last tile's store.
 *
 * <p>Tiles come in few shapes, so the walk is costed per class: along each axis (channel tiles,
 * row tiles, column tiles) consecutive tiles with the same shape form runs, and of each run the
 * first, one middle and the last tile are costed, with their actual neighbours, and weighted by how
 * many tiles they stand for. A burst's beat count depends on its start address modulo the beat:
 * the bursts of one step add up over their exact start residues, those of the tiles a
 * representative stands for are averaged over theirs (so a step's maximum is taken on averaged lanes,
 * except for the previous tile's store, over whose residues the step itself is averaged).
 * {@code ConvEngineModelTest} holds this to a plain step-by-step walk.
 */
final class ConvSchedule {
  private static final TraceCycles.Loop IN = TraceCycles.entry("conv_in"), ST_E = TraceCycles.entry("conv_st_e"),
      ST_B = TraceCycles.entry("conv_st_b");
  private final java.util.Map<TileKey, Tile> tiles = new java.util.HashMap<>();
  private final LayerDescriptor d;
  private final HardwareConfig hw;
  private final DdrModel ddr;
  private final ConvEngine.ConvPlan p;
  private final int ae, aeLog, tn, tm, td;
  private final int inPlane, outPlane, trS, tcS, trSW, ptrW, inRows, inRowsLast, inCols, inColsLast, kk, block;
  private final int rowsLast, colsLast, prowsLast, pcolsLast, ptr, ptc;
  private final long wLoad, wBytes;  // one step's weight block: cycles, bytes

  long setup;  // cycles of the plan and the per-layer products
  long compute, memory, bytes;

  ConvSchedule(LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    this.d = d;
    this.hw = hw;
    this.ddr = ddr;
    this.p = ConvEngine.ConvPlan.of(d, hw, limits);
    ae = hw.actPerBeat();
    aeLog = Integer.numberOfTrailingZeros(ae);
    tn = hw.tn();
    tm = hw.tm();
    td = Math.min(tm, tn);
    int wRows = WeightLayout.rows(hw);
    long s = TraceCycles.loop("conv_plan", ConvEngine.PLAN_DIVISIONS, 0, hw, ddr);
    inPlane = d.inH() * d.inW();
    outPlane = d.outH() * d.outW();
    s += mul(d.inW(), d.inH()) + mul(d.outW(), d.outH()) + mul(inPlane, tn) + mul(inPlane, p.cg()) + mul(outPlane, tm)
        + mul(outPlane, td) + mul(outPlane, p.mg());
    int tr = p.tr(), tc = p.tc();
    trS = tr * d.sH();
    tcS = tc * d.sW();
    trSW = trS * d.inW();
    ptr = p.ptr();
    ptc = p.ptc();
    ptrW = ptr * d.outW();
    s += mul(tr, d.sH()) + mul(tc, d.sW()) + mul(d.inW(), trS) + mul(d.outW(), ptr) + mul(d.inW(), d.padT());
    rowsLast = p.rowsLast();
    colsLast = p.colsLast();
    prowsLast = p.prowsLast();
    pcolsLast = p.pcolsLast();
    int spanH = d.dH() * (d.kH() - 1) + 1, spanW = d.dW() * (d.kW() - 1) + 1;
    s += mul(d.dH(), d.kH() - 1) + mul(d.dW(), d.kW() - 1);
    inRows = d.sH() * (tr - 1) + spanH;
    inRowsLast = d.sH() * (rowsLast - 1) + spanH;
    inCols = d.sW() * (tc - 1) + spanW;
    inColsLast = d.sW() * (colsLast - 1) + spanW;
    s += mul(d.sH(), tr - 1) + mul(d.sH(), rowsLast - 1) + mul(d.sW(), tc - 1) + mul(d.sW(), colsLast - 1);
    kk = d.kH() * d.kW();
    s += mul(d.kW(), d.kH());
    int taps = p.wino() ? 9 : kk;
    block = wRows * taps;
    s += mul(wRows, taps) + mul(block, p.nTiles());
    setup = s;
    wLoad = p.wino() ? TraceCycles.loop("conv_ww", wRows, 9L * wRows, hw, ddr) : TraceCycles.loop("conv_w", block, block, hw, ddr);
    wBytes = TraceCycles.bytes(p.wino() ? "conv_ww" : "conv_w", p.wino() ? 9L * wRows : block, hw);
  }

  private long mul(int a, int b) {
    return TraceCycles.mulAdd(a, b, hw, ddr);
  }

  /** One tile of the walk, with what its loads, compute and store cost. */
  private final class Tile {
    final int mc, rows, cols, tnLast, nrows, pitch, prows, pcols;
    final boolean full, outFull;
    final long window;  // the walk's per-tile products (conv_tile_window) and, entering its channel tile, dw_adv
    final long inFull, inLast, inFullBytes, inLastBytes;  // input load of a full / the last input-channel step
    final long store, storeBytes, params, paramBytes, mac, out;
    final long[] hOut;  // the store's start residues across the tiles it stands for (offsets from ores)
    final long[] storeAt, storeBytesAt;  // the store's cycles and bytes when its first burst starts at residue r
    final int ores, oseg, oper;

    final TileKey key;

    /** Tile (ct, rt, cc) standing for {@code key.mult[axis]} tiles along each axis (ct, rt, cc) from it. */
    Tile(TileKey key) {
      this.key = key;
      int ct = key.ct(), rt = key.rt(), cc = key.cc();
      int[] mult = {key.multCt(), key.multRt(), key.multCc()};
      boolean lastR = rt == p.rTiles() - 1, lastC = cc == p.cTiles() - 1;
      rows = p.rowsInTile(rt);
      cols = p.colsInTile(cc);
      int m0 = p.firstChannel(ct);
      mc = p.channelsInTile(ct);
      int iy0 = rt * trS - d.padT(), ix0 = cc * tcS - d.padL();
      int ry0 = Math.max(0, iy0), ry1 = Math.min(d.inH(), iy0 + (lastR ? inRowsLast : inRows));
      int cx0 = Math.max(0, ix0), cx1 = Math.min(d.inW(), ix0 + (lastC ? inColsLast : inCols));
      nrows = Math.max(0, ry1 - ry0);
      pitch = cx1 - cx0;
      full = cx0 == 0 && cx1 == d.inW();
      prows = lastR ? prowsLast : ptr;
      pcols = lastC ? pcolsLast : ptc;
      outFull = pcols == d.outW();
      long w = (full ? mul(d.inW(), nrows) : 0) + mul(pitch, d.sH()) + mul(pitch, d.dH()) + mul(pitch, ry0 - iy0)
          + (outFull ? mul(d.outW(), prows) : 0);
      if (p.depthwise() && ct > 0 && rt == 0 && cc == 0) {
        int remBefore = ((ct - 1) * td) % p.mg();
        w += TraceCycles.loop("dw_adv", (remBefore + td) / p.mg(), 0, hw, ddr);
      }
      window = w;
      // input: per slot one burst (full width) or one per in-image row; start residue of slot 0
      int ch0 = p.depthwise() ? m0 / p.mg() : (ct / p.mtPerGroup()) * p.cg();
      long a0 = (long) d.inOff() + (long) ch0 * inPlane + (long) ry0 * d.inW() + cx0;
      int res = (int) Math.floorMod(a0, ae);
      int seg = full ? nrows * d.inW() : pitch;
      int tnFull = p.depthwise() ? mc : Math.min(tn, p.cg());
      tnLast = p.depthwise() ? mc : p.cg() - (p.nTiles() - 1) * tn;
      // where the bursts start, modulo the beat: slots, rows and steps inside the tile, and the
      // other tiles this one stands for (an input plane per slot, in_w per row, Tn planes per step)
      int slotStride = p.depthwise() ? (p.mg() == 1 ? inPlane : 0) : inPlane;
      int ctStride = p.depthwise() ? (p.mg() == 1 ? td * inPlane : 0) : (p.mtPerGroup() == 1 ? p.cg() * inPlane : 0);
      // per step, the slots' and rows' bursts add up (intra); the steps and the other tiles this one
      // stands for are averaged (members)
      int rowBursts = full ? 1 : nrows;
      long[] inFullIntra = hist(new long[][] {{tnFull, slotStride}, {rowBursts, d.inW()}});
      long[] inLastIntra = hist(new long[][] {{tnLast, slotStride}, {rowBursts, d.inW()}});
      long[] mem = hist(new long[][] {{mult[0], ctStride}, {mult[1], trSW}, {mult[2], tcS}});
      long[] memFull = hist(new long[][] {{mult[0], ctStride}, {mult[1], trSW}, {mult[2], tcS},
          {Math.max(1, p.nTiles() - 1), (long) tn * inPlane}});
      long[][] cin = inCosts(seg);
      inFull = average(memFull, res, correlate(inFullIntra, cin[0]));
      inFullBytes = average(memFull, res, correlate(inFullIntra, cin[1]));
      inLast = average(mem, res, correlate(inLastIntra, cin[0]));
      inLastBytes = average(mem, res, correlate(inLastIntra, cin[1]));
      // store: per channel one burst (whole rows) or one per pooled row
      long o0 = (long) d.outOff() + (long) m0 * outPlane + (long) rt * ptrW + (long) cc * ptc;
      ores = (int) Math.floorMod(o0, ae);
      oseg = outFull ? prows * pcols : pcols;
      oper = outFull ? 1 : prows;
      int ctOut = p.depthwise() ? td * outPlane : (p.mtPerGroup() > 1 ? tm * outPlane : p.mg() * outPlane);
      long[] outIntra = hist(new long[][] {{mc, outPlane}, {oper, d.outW()}});
      hOut = hist(new long[][] {{mult[0], ctOut}, {mult[1], ptrW}, {mult[2], ptc}});
      long[][] cst = storeCosts(oseg);
      storeAt = correlate(outIntra, cst[0]);
      storeBytesAt = correlate(outIntra, cst[1]);
      store = average(hOut, ores, storeAt);
      storeBytes = average(hOut, ores, storeBytesAt);
      params = TraceCycles.loop("conv_bias", mc, mc, hw, ddr) + TraceCycles.loop("conv_quant", 2L * mc, 2L * mc, hw, ddr);
      paramBytes = TraceCycles.bytes("conv_bias", mc, hw) + TraceCycles.bytes("conv_quant", 2L * mc, hw);
      mac = p.wino() ? TraceCycles.loop("conv_wino", (long) ((rows + 1) / 2) * ((cols + 1) / 2), 0, hw, ddr)
          : TraceCycles.loop("conv_mac", (long) rows * cols * kk, 0, hw, ddr);
      out = TraceCycles.loop("conv_out", (long) rows * cols, 0, hw, ddr);
    }
  }

  /**
   * Histogram of start residues (modulo the beat) of a family of bursts: for each dimension {count,
   * stride}, offsets j * stride for j < count, all combinations (memoized: the strides are the
   * layer's, the counts few).
   */
  private long[] hist(long[][] dims) {
    java.util.List<Long> key = new ArrayList<>();
    for (long[] dim : dims) {
      key.add(dim[0]);
      key.add(dim[1]);
    }
    long[] memo = hists.get(key);
    if (memo != null) return memo;
    long[] h = new long[ae];
    h[0] = 1;
    for (long[] dim : dims) {
      long[] dh = TraceCycles.residues(dim[0], dim[1], ae);
      long[] c = new long[ae];
      for (int x = 0; x < ae; x++) {
        if (h[x] == 0) continue;
        for (int y = 0; y < ae; y++) if (dh[y] != 0) c[(x + y) % ae] += h[x] * dh[y];
      }
      h = c;
    }
    hists.put(key, h);
    return h;
  }

  private final java.util.Map<java.util.List<Long>, long[]> hists = new java.util.HashMap<>();
  private final java.util.Map<Integer, long[][]> inCost = new java.util.HashMap<>(), stCost = new java.util.HashMap<>();

  /** Cost of one burst of n elements from start residue r. */
  private interface BurstCost {
    long of(int r, int n);
  }

  /** A burst of n elements from each start residue: {cycles, bytes}, memoized by n. */
  private long[][] costs(java.util.Map<Integer, long[][]> cache, int n, BurstCost cycles, BurstCost bytes) {
    long[][] c = cache.get(n);
    if (c == null) {
      c = new long[2][ae];
      for (int r = 0; r < ae; r++) {
        c[0][r] = cycles.of(r, n);
        c[1][r] = bytes.of(r, n);
      }
      cache.put(n, c);
    }
    return c;
  }

  private long[][] inCosts(int n) {
    return costs(inCost, n, this::inBurst, this::inBurstBytes);
  }

  private long[][] storeCosts(int n) {
    return costs(stCost, n, this::storeSeg, this::storeSegBytes);
  }

  /** out[r] = the sum over a family of bursts (offset histogram h) whose first starts at residue r. */
  private long[] correlate(long[] h, long[] cost) {
    long[] out = new long[ae];
    for (int x = 0; x < ae; x++) {
      if (h[x] == 0) continue;
      for (int r = 0; r < ae; r++) out[r] += h[x] * cost[(r + x) % ae];
    }
    return out;
  }

  /** The mean of v[residue] over a histogram of offsets from base residue r0 (rounded). */
  private long average(long[] h, int r0, long[] v) {
    double sum = 0, n = 0;
    for (int x = 0; x < ae; x++) {
      if (h[x] == 0) continue;
      sum += (double) h[x] * v[(r0 + x) % ae];
      n += h[x];
    }
    return n == 0 ? 0 : Math.round(sum / n);
  }

  /** One input burst of n elements starting at residue r: its cycles. */
  private long inBurst(int r, int n) {
    long nb = TraceCycles.beats(n, r, ae);
    return TraceCycles.loop(IN, nb, nb, hw, ddr);
  }

  private long inBurstBytes(int r, int n) {
    return TraceCycles.bytes("conv_in", TraceCycles.beats(n, r, ae), hw);
  }

  /** write_segment of n elements from start residue r: head, beats, tail. */
  private long storeSeg(int r, int n) {
    if (n <= 0) return 0;
    int head = Math.min(n, (ae - r) % ae), body = (n - head) >> aeLog, tail = n - head - (body << aeLog);
    return TraceCycles.loop(ST_E, head, head, hw, ddr) + TraceCycles.loop(ST_B, body, body, hw, ddr)
        + TraceCycles.loop(ST_E, tail, tail, hw, ddr);
  }

  private long storeSegBytes(int r, int n) {
    if (n <= 0) return 0;
    int head = Math.min(n, (ae - r) % ae), body = (n - head) >> aeLog, tail = n - head - (body << aeLog);
    return TraceCycles.bytes("conv_st_e", head + tail, hw) + TraceCycles.bytes("conv_st_b", body, hw);
  }

  /** One step region: lanes and bytes; adds its cycles to compute / memory and returns them. */
  private long step(long in, long inBytes, boolean loadW, long store, long storeBytes, long comp, long compBytes, long times) {
    long w = loadW ? wLoad : 0, wb = loadW ? wBytes : 0;
    long b = inBytes + wb + storeBytes + compBytes;
    long mem = TraceCycles.concurrent(new long[] {in, w, store}, b, ddr);
    long c = Math.max(mem, comp);
    compute += comp * times;
    memory += mem * times;
    bytes += b * times;
    return c * times;
  }

  /** All steps of tile t, given the tile before it (its store) and after it (its first load). */
  private long tile(Tile t, Tile prev, Tile next, long times) {
    int n = p.nTiles();
    long c = 0;
    for (int nt = 0; nt < n; nt++) {
      if (nt == 2 && n > 4) {  // steps 2 .. n - 3 are alike: not first, not last, the next step a full slice
        c += stepAt(t, prev, next, 2, times * (n - 4));
        nt = n - 3;
        continue;
      }
      c += stepAt(t, prev, next, nt, times);
    }
    return c + (next == null ? 0 : next.window * times);
  }

  private long stepAt(Tile t, Tile prev, Tile next, int nt, long times) {
    int n = p.nTiles();
    boolean first = nt == 0, last = nt == n - 1;
    long in, inB;
    boolean w;
    if (!last) {
      in = nt + 1 == n - 1 ? t.inLast : t.inFull;
      inB = nt + 1 == n - 1 ? t.inLastBytes : t.inFullBytes;
      w = true;
    } else {
      in = next == null ? 0 : next.inFull;
      inB = next == null ? 0 : next.inFullBytes;
      w = next != null;
    }
    long comp = (first ? t.params : 0) + t.mac + (last ? t.out : 0);
    if (!(first && prev != null)) return step(in, inB, w, 0, 0, comp, first ? t.paramBytes : 0, times);
    // the step that drains the previous tile: its store's cost depends on where its bursts start, so
    // the step (a max) is averaged over those residues, not costed at the average store
    double sum = 0, cnt = 0, mSum = 0, bSum = 0;
    long[] h = prev.hOut;
    for (int x = 0; x < ae; x++) {
      if (h[x] == 0) continue;
      int r = (prev.ores + x) % ae;
      long st = prev.storeAt[r], stb = prev.storeBytesAt[r];
      long b = inB + (w ? wBytes : 0) + stb + t.paramBytes;
      long mem = TraceCycles.concurrent(new long[] {in, w ? wLoad : 0, st}, b, ddr);
      sum += (double) h[x] * Math.max(mem, comp);
      mSum += (double) h[x] * mem;
      bSum += (double) h[x] * b;
      cnt += h[x];
    }
    compute += comp * times;
    memory += Math.round(mSum / cnt) * times;
    bytes += Math.round(bSum / cnt) * times;
    return Math.round(sum / cnt) * times;
  }

  /** Cycles of the whole layer. */
  long cycles() {
    int nCt = p.chTiles(), nR = p.rTiles(), nC = p.cTiles();
    if (nCt == 0 || nR == 0 || nC == 0) return setup;
    long c = setup;
    Tile first = tile(TileKey.single(0, 0, 0));
    c += first.window;
    // prologue: the first step's loads
    long in0 = p.nTiles() == 1 ? first.inLast : first.inFull, in0b = p.nTiles() == 1 ? first.inLastBytes : first.inFullBytes;
    long pro = TraceCycles.concurrent(new long[] {in0, wLoad}, in0b + wBytes, ddr);
    c += pro;
    memory += pro;
    bytes += in0b + wBytes;
    List<int[]> cts = reps(nCt, ct -> ctClass(ct)), rts = reps(nR, this::rtClass), ccs = reps(nC, this::ccClass);
    for (int[] a : cts) {
      for (int[] b : rts) {
        for (int[] e : ccs) {
          long times = (long) a[1] * b[1] * e[1];
          int ct = a[0], rt = b[0], cc = e[0];
          Tile t = tile(new TileKey(ct, rt, cc, a[1], b[1], e[1]));
          Tile prev = neighbour(t.key, -1), next = neighbour(t.key, 1);
          c += tile(t, prev, next, times);
        }
      }
    }
    Tile lastTile = tile(TileKey.single(nCt - 1, nR - 1, nC - 1));
    c += lastTile.store;
    memory += lastTile.store;
    bytes += lastTile.storeBytes;
    return c;
  }

  /** The tile before (dir -1) or after (dir 1) k in visit order, standing for as many tiles as k (null at the ends). */
  private Tile neighbour(TileKey k, int dir) {
    int nR = p.rTiles(), nC = p.cTiles();
    long idx = ((long) k.ct() * nR + k.rt()) * nC + k.cc() + dir;
    if (idx < 0 || idx >= (long) p.chTiles() * nR * nC) return null;
    int c2 = (int) (idx % nC), r2 = (int) ((idx / nC) % nR), t2 = (int) (idx / ((long) nR * nC));
    return tile(new TileKey(t2, r2, c2, k.multCt(), k.multRt(), k.multCc()));
  }

  /** A tile position and how many tiles along each axis it stands for. */
  private record TileKey(int ct, int rt, int cc, int multCt, int multRt, int multCc) {
    static TileKey single(int ct, int rt, int cc) {
      return new TileKey(ct, rt, cc, 1, 1, 1);
    }
  }

  private Tile tile(TileKey k) {
    return tiles.computeIfAbsent(k, Tile::new);
  }

  // classes: tiles along an axis with equal keys have the same shape and costs
  private long ctClass(int ct) {
    int ends = (ct == 0 ? 1 : 0) + (ct == p.chTiles() - 1 ? 2 : 0);  // the layer's first / last tile stand alone
    return p.channelsInTile(ct) * 4L + ends;
  }

  private long rtClass(int rt) {
    int iy0 = rt * trS - d.padT(), rows = rt == p.rTiles() - 1 ? inRowsLast : inRows;
    int top = Math.max(0, -iy0), bottom = Math.max(0, iy0 + rows - d.inH());
    return ((long) (rt == p.rTiles() - 1 ? 1 : 0) << 40) | ((long) top << 20) | bottom;
  }

  private long ccClass(int cc) {
    int ix0 = cc * tcS - d.padL(), cols = cc == p.cTiles() - 1 ? inColsLast : inCols;
    int left = Math.max(0, -ix0), right = Math.max(0, ix0 + cols - d.inW());
    return ((long) (cc == p.cTiles() - 1 ? 1 : 0) << 40) | ((long) left << 20) | right;
  }

  /** Representatives of an axis: per run of equal classes its first, one middle and its last index, with counts. */
  private static List<int[]> reps(int n, java.util.function.IntToLongFunction cls) {
    List<int[]> out = new ArrayList<>();
    int a = 0;
    long ca = cls.applyAsLong(0);
    for (int i = 1; i <= n; i++) {
      long ci = i < n ? cls.applyAsLong(i) : Long.MIN_VALUE;
      if (i < n && ci == ca) continue;
      int len = i - a;
      out.add(new int[] {a, 1});
      if (len >= 3) out.add(new int[] {a + 1, len - 2});
      if (len >= 2) out.add(new int[] {i - 1, 1});
      a = i;
      ca = ci;
    }
    return out;
  }
}
