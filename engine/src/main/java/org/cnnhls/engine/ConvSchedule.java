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
 * many tiles they stand for. That is exact up to one thing: a burst's beat count depends on its
 * start address modulo the beat, which differs from tile to tile; it is averaged over the
 * residues the layer's address strides can produce (exact when they are all multiples of the beat).
 */
final class ConvSchedule {
  private static final TraceCycles.Loop IN = TraceCycles.entry("conv_in"), ST_E = TraceCycles.entry("conv_st_e"),
      ST_B = TraceCycles.entry("conv_st_b"), MUL = TraceCycles.entry("mul_add");
  private final java.util.Map<Long, Tile> tiles = new java.util.HashMap<>();
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
    ae = hw.axiDataWidth() / (8 * EngineProgram.storageBytes(hw.actWidth()));
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

  /** mul_add(a, b): min(a, b) trips. */
  private long mul(int a, int b) {
    int n = Math.min(a, b);
    return n <= 0 ? 0 : TraceCycles.loop(MUL, n, 0, hw, ddr);
  }

  private static int gcd(int... v) {
    int g = 0;
    for (int x : v) g = gcd2(g, Math.abs(x));
    return g == 0 ? 1 : g;
  }

  private static int gcd2(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
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

    /** Tile (ct, rt, cc) standing for {@code mult[axis]} tiles along each axis (ct, rt, cc) from it. */
    final long pos;
    final int[] mult;

    Tile(int ct, int rt, int cc, int[] mult) {
      this.pos = ((long) ct * p.rTiles() + rt) * p.cTiles() + cc;
      this.mult = mult.clone();
      boolean lastR = rt == p.rTiles() - 1, lastC = cc == p.cTiles() - 1;
      rows = lastR ? rowsLast : p.tr();
      cols = lastC ? colsLast : p.tc();
      int m0;
      if (p.depthwise()) {
        m0 = ct * td;
        mc = Math.min(td, p.outC() - m0);
      } else {
        int mt = ct % p.mtPerGroup();
        m0 = (ct / p.mtPerGroup()) * p.mg() + mt * tm;
        mc = Math.min(tm, p.mg() - mt * tm);
      }
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
      long[] inFullIntra = histMemo(1, tnFull, full ? 1 : nrows, () -> hist(new int[][] {{tnFull, slotStride}, {full ? 1 : nrows, d.inW()}}));
      long[] inLastIntra = histMemo(1, tnLast, full ? 1 : nrows, () -> hist(new int[][] {{tnLast, slotStride}, {full ? 1 : nrows, d.inW()}}));
      long[] mem = histMemo(2, mult[0], ((long) mult[1] << 32) | mult[2], () -> hist(new int[][] {{mult[0], ctStride}, {mult[1], trSW}, {mult[2], tcS}}));
      long[] memFull = histMemo(3, mult[0], ((long) mult[1] << 32) | mult[2], () -> hist(new int[][] {{mult[0], ctStride},
          {mult[1], trSW}, {mult[2], tcS}, {Math.max(1, p.nTiles() - 1), tn * inPlane}}));
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
      long[] outIntra = histMemo(4, mc, outFull ? 1 : prows, () -> hist(new int[][] {{mc, outPlane}, {outFull ? 1 : prows, d.outW()}}));
      hOut = histMemo(5, mult[0], ((long) mult[1] << 32) | mult[2], () -> hist(new int[][] {{mult[0], ctOut}, {mult[1], ptrW}, {mult[2], ptc}}));
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
   * stride}, offsets j * stride for j < count, all combinations.
   */
  private long[] hist(int[][] dims, int[]... more) {
    long[] h = new long[ae];
    h[0] = 1;
    for (int[][] group : new int[][][] {dims, more}) {
      for (int[] dim : group) {
        int count = dim[0], stride = Math.floorMod(dim[1], ae);
        if (count <= 0) return new long[ae];
        if (count == 1) continue;
        if (stride == 0) {  // count bursts at the same residue
          for (int x = 0; x < ae; x++) h[x] *= count;
          continue;
        }
        int period = ae / gcd2(stride, ae);
        long[] dh = new long[ae];
        for (int j = 0; j < Math.min(count, period); j++) dh[(int) ((long) j * stride % ae)] += (count - j + period - 1) / period;
        long[] c = new long[ae];
        for (int x = 0; x < ae; x++) {
          if (h[x] == 0) continue;
          for (int y = 0; y < ae; y++) if (dh[y] != 0) c[(x + y) % ae] += h[x] * dh[y];
        }
        h = c;
      }
    }
    return h;
  }

  private final java.util.Map<Long, long[]> hists = new java.util.HashMap<>();
  private final java.util.Map<Integer, long[][]> inCost = new java.util.HashMap<>(), stCost = new java.util.HashMap<>();

  /** hist(...) memoized by a tag and the dimension counts that vary (the strides are the layer's). */
  private long[] histMemo(int tag, int a, long b, java.util.function.Supplier<long[]> f) {
    long key = (((long) tag * 1_000_003L + a) * 1_000_000_007L) ^ b;
    long[] h = hists.get(key);
    if (h == null) hists.put(key, h = f.get());
    return h;
  }

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
    if (n <= 0) return 0;
    long nb = ((r + n - 1) >> aeLog) + 1;
    return TraceCycles.loop(IN, nb, nb, hw, ddr);
  }

  private long inBurstBytes(int r, int n) {
    return n <= 0 ? 0 : TraceCycles.bytes("conv_in", ((r + n - 1) >> aeLog) + 1, hw);
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
    Tile first = tile(0, 0, 0, ONE);
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
          int[] mult = {a[1], b[1], e[1]};
          Tile t = tile(ct, rt, cc, mult);
          Tile prev = neighbour(ct, rt, cc, -1, mult), next = neighbour(ct, rt, cc, 1, mult);
          c += tile(t, prev, next, times);
        }
      }
    }
    Tile lastTile = tile(nCt - 1, nR - 1, nC - 1, ONE);
    c += lastTile.store;
    memory += lastTile.store;
    bytes += lastTile.storeBytes;
    return c;
  }

  private Tile neighbour(int ct, int rt, int cc, int dir, int[] mult) {
    int nR = p.rTiles(), nC = p.cTiles();
    long idx = ((long) ct * nR + rt) * nC + cc + dir;
    if (idx < 0 || idx >= (long) p.chTiles() * nR * nC) return null;
    int c2 = (int) (idx % nC), r2 = (int) ((idx / nC) % nR), t2 = (int) (idx / ((long) nR * nC));
    return tile(t2, r2, c2, mult);
  }

  private static final int[] ONE = {1, 1, 1};

  private Tile tile(int ct, int rt, int cc, int[] mult) {
    long pos = ((long) ct * p.rTiles() + rt) * p.cTiles() + cc;
    long key = pos * 0x9E3779B97F4A7C15L ^ (((long) mult[0] * 1_000_003L + mult[1]) * 1_000_000_007L + mult[2]);
    Tile t = tiles.get(key);
    if (t == null || t.pos != pos || !java.util.Arrays.equals(t.mult, mult)) {
      t = new Tile(ct, rt, cc, mult);
      tiles.put(key, t);
    }
    return t;
  }

  // classes: tiles along an axis with equal keys have the same shape and costs
  private long ctClass(int ct) {
    int ends = (ct == 0 ? 1 : 0) + (ct == p.chTiles() - 1 ? 2 : 0);  // the layer's first / last tile stand alone
    if (p.depthwise()) return Math.min(td, p.outC() - ct * td) * 4L + ends;
    int mt = ct % p.mtPerGroup();
    return Math.min(tm, p.mg() - mt * tm) * 4L + ends;
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
