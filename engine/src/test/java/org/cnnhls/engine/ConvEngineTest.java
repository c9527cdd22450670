package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cnnhls.boards.BoardCatalog;
import org.junit.jupiter.api.Test;

/**
 * The class-by-class conv walk ({@link ConvSchedule}) against a plain step-by-step walk of every
 * tile with exact burst addresses, as conv_layer runs it, on random layers and configurations.
 */
class ConvEngineModelTest {
  /** Cycles of conv_layer, step by step (the reference: no classes, exact start residues). */
  static long reference(LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    ConvEngine.ConvPlan p = ConvEngine.ConvPlan.of(d, hw, limits);
    int ae = hw.actPerBeat(), tn = hw.tn(), tm = hw.tm();
    int td = Math.min(tm, tn), kk = d.kH() * d.kW(), rows = WeightLayout.rows(hw);
    long c = EngineLatencies.LAYER_OVERHEAD + TraceCycles.loop("conv_plan", ConvEngine.PLAN_DIVISIONS, 0, hw, ddr);
    int[][] products = {{d.inW(), d.inH()}, {d.outW(), d.outH()}, {d.inH() * d.inW(), tn}, {d.inH() * d.inW(), p.cg()},
        {d.outH() * d.outW(), tm}, {d.outH() * d.outW(), td}, {d.outH() * d.outW(), p.mg()}, {p.tr(), d.sH()},
        {p.tc(), d.sW()}, {d.inW(), p.tr() * d.sH()}, {d.outW(), p.ptr()}, {d.inW(), d.padT()}, {d.dH(), d.kH() - 1},
        {d.dW(), d.kW() - 1}, {d.sH(), p.tr() - 1}, {d.sH(), p.rowsLast() - 1}, {d.sW(), p.tc() - 1},
        {d.sW(), p.colsLast() - 1}, {d.kW(), d.kH()}, {rows, p.wino() ? 9 : kk}, {rows * (p.wino() ? 9 : kk), p.nTiles()}};
    for (int[] m : products) c += mul(m[0], m[1], hw, ddr);
    int nT = p.chTiles() * p.rTiles() * p.cTiles();
    if (nT == 0) return c;
    long wl = p.wino() ? TraceCycles.loop("conv_ww", rows, 9L * rows, hw, ddr) : TraceCycles.loop("conv_w", rows * kk, rows * kk, hw, ddr);
    long wb = TraceCycles.bytes(p.wino() ? "conv_ww" : "conv_w", p.wino() ? 9L * rows : (long) rows * kk, hw);
    int[][] t = new int[nT][];
    for (int i = 0; i < nT; i++) t[i] = tile(d, hw, p, i);
    c += window(d, hw, ddr, t[0], 0);
    long[] in0 = input(d, hw, ddr, p, t[0], 0, ae);
    c += TraceCycles.concurrent(new long[] {in0[0], wl}, in0[1] + wb, ddr);
    int n = p.nTiles();
    for (int i = 0; i < nT; i++) {
      for (int nt = 0; nt < n; nt++) {
        boolean first = nt == 0, last = nt == n - 1, end = last && i == nT - 1;
        long[] in = end ? new long[2] : last ? input(d, hw, ddr, p, t[i + 1], 0, ae) : input(d, hw, ddr, p, t[i], nt + 1, ae);
        long[] st = first && i > 0 ? store(d, hw, ddr, p, t[i - 1], ae) : new long[2];
        int mc = t[i][0], r = t[i][1], cl = t[i][2];
        long comp = p.wino() ? TraceCycles.loop("conv_wino", (long) ((r + 1) / 2) * ((cl + 1) / 2), 0, hw, ddr)
            : TraceCycles.loop("conv_mac", (long) r * cl * kk, 0, hw, ddr);
        long pb = 0;
        if (first) {
          comp += TraceCycles.loop("conv_bias", mc, mc, hw, ddr) + TraceCycles.loop("conv_quant", 2L * mc, 2L * mc, hw, ddr);
          pb = TraceCycles.bytes("conv_bias", mc, hw) + TraceCycles.bytes("conv_quant", 2L * mc, hw);
        }
        if (last) comp += TraceCycles.loop("conv_out", (long) r * cl, 0, hw, ddr);
        c += TraceCycles.concurrent(new long[] {in[0], end ? 0 : wl, st[0], comp}, in[1] + (end ? 0 : wb) + st[1] + pb, ddr);
        if (last && !end) c += window(d, hw, ddr, t[i + 1], i + 1);
      }
    }
    return c + store(d, hw, ddr, p, t[nT - 1], ae)[0];
  }

  static long mul(int a, int b, HardwareConfig hw, DdrModel ddr) {
    return TraceCycles.mulAdd(a, b, hw, ddr);
  }

  /** Tile i: {mc, rows, cols, m0, iy0, ix0, ry0, ry1, cx0, cx1, prows, pcols, out address, ct, rt, cc}. */
  static int[] tile(LayerDescriptor d, HardwareConfig hw, ConvEngine.ConvPlan p, int i) {
    int ct = i / (p.rTiles() * p.cTiles()), rt = (i / p.cTiles()) % p.rTiles(), cc = i % p.cTiles();
    int m0 = p.firstChannel(ct), mc = p.channelsInTile(ct);
    int r = Math.min(p.tr(), p.rows() - rt * p.tr()), cl = Math.min(p.tc(), p.cols() - cc * p.tc());
    int iy0 = rt * p.tr() * d.sH() - d.padT(), ix0 = cc * p.tc() * d.sW() - d.padL();
    int inRows = (r - 1) * d.sH() + (d.kH() - 1) * d.dH() + 1, inCols = (cl - 1) * d.sW() + (d.kW() - 1) * d.dW() + 1;
    int prows = (r + p.poolH() - 1) / p.poolH(), pcols = (cl + p.poolW() - 1) / p.poolW();
    int out = d.outOff() + m0 * d.outH() * d.outW() + rt * p.ptr() * d.outW() + cc * p.ptc();
    return new int[] {mc, r, cl, m0, iy0, ix0, Math.max(0, iy0), Math.min(d.inH(), iy0 + inRows), Math.max(0, ix0),
        Math.min(d.inW(), ix0 + inCols), prows, pcols, out, ct, rt, cc};
  }

  /** conv_tile_window's products (and dw_adv entering a channel tile). */
  static long window(LayerDescriptor d, HardwareConfig hw, DdrModel ddr, int[] t, int index) {
    int pitch = t[9] - t[8];
    boolean full = t[8] == 0 && t[9] == d.inW(), outFull = t[11] == d.outW();
    long c = (full ? mul(d.inW(), t[7] - t[6], hw, ddr) : 0) + mul(pitch, d.sH(), hw, ddr) + mul(pitch, d.dH(), hw, ddr)
        + mul(pitch, t[6] - t[4], hw, ddr) + (outFull ? mul(d.outW(), t[10], hw, ddr) : 0);
    int td = Math.min(hw.tm(), hw.tn()), mg = d.outC() / d.groups();
    boolean dw = d.groups() > 1 && d.inC() / d.groups() == 1;
    if (dw && t[13] > 0 && t[14] == 0 && t[15] == 0) c += TraceCycles.loop("dw_adv", ((t[13] - 1) * td % mg + td) / mg, 0, hw, ddr);
    return c;
  }

  /** conv_load_input of step nt of tile t: {cycles, bytes}, exact addresses. */
  static long[] input(LayerDescriptor d, HardwareConfig hw, DdrModel ddr, ConvEngine.ConvPlan p, int[] t, int nt, int ae) {
    int tn = p.depthwise() ? t[0] : Math.min(hw.tn(), p.cg() - nt * hw.tn()), plane = d.inH() * d.inW();
    boolean full = t[8] == 0 && t[9] == d.inW();
    long c = 0, b = 0;
    for (int n = 0; n < tn; n++) {
      int ch = p.depthwise() ? (t[3] + n) / p.mg() : (t[13] / p.mtPerGroup()) * p.cg() + nt * hw.tn() + n;
      long base = d.inOff() + (long) ch * plane;
      if (full) {
        long[] x = burst(base + (long) t[6] * d.inW(), (t[7] - t[6]) * d.inW(), ae, hw, ddr);
        c += x[0];
        b += x[1];
      } else {
        for (int iy = t[6]; iy < t[7]; iy++) {
          long[] x = burst(base + (long) iy * d.inW() + t[8], t[9] - t[8], ae, hw, ddr);
          c += x[0];
          b += x[1];
        }
      }
    }
    return new long[] {c, b};
  }

  static long[] burst(long a0, int n, int ae, HardwareConfig hw, DdrModel ddr) {
    if (n <= 0) return new long[2];
    long nb = (a0 + n - 1) / ae - a0 / ae + 1;
    return new long[] {TraceCycles.loop("conv_in", nb, nb, hw, ddr), TraceCycles.bytes("conv_in", nb, hw)};
  }

  /** conv_store of tile t: {cycles, bytes}, exact addresses. */
  static long[] store(LayerDescriptor d, HardwareConfig hw, DdrModel ddr, ConvEngine.ConvPlan p, int[] t, int ae) {
    boolean outFull = t[11] == d.outW();
    long c = 0, b = 0;
    for (int m = 0; m < t[0]; m++) {
      long base = t[12] + (long) m * d.outH() * d.outW();
      for (int r = 0; r < (outFull ? 1 : t[10]); r++) {
        long a0 = base + (long) r * d.outW();
        int n = outFull ? t[10] * t[11] : t[11];
        if (n <= 0) continue;
        int head = (int) Math.min(n, (ae - a0 % ae) % ae), body = (n - head) / ae, tail = n - head - body * ae;
        c += TraceCycles.loop("conv_st_e", head, head, hw, ddr) + TraceCycles.loop("conv_st_b", body, body, hw, ddr)
            + TraceCycles.loop("conv_st_e", tail, tail, hw, ddr);
        b += TraceCycles.bytes("conv_st_e", head + tail, hw) + TraceCycles.bytes("conv_st_b", body, hw);
      }
    }
    return new long[] {c, b};
  }

  @Test
  void classWalkFollowsTheStepByStepWalk() {
    Random r = new Random(9);
    double worst = 0;
    int exact = 0;
    for (int trial = 0; trial < 300; trial++) {
      HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName(trial % 2 == 0 ? "ultra96" : "pynq-z2"))
          .withTiles(1 + r.nextInt(32), 1 + r.nextInt(32), 2 + 2 * r.nextInt(10), 2 + 2 * r.nextInt(10))
          .withWinograd(r.nextBoolean());
      int k = 1 + 2 * r.nextInt(3), s = 1 + r.nextInt(2);
      boolean dw = r.nextInt(4) == 0;
      int c = dw ? 8 + r.nextInt(64) : 1 + r.nextInt(96), m = dw ? c : 1 + r.nextInt(96);
      int h = k + r.nextInt(60), w = k + r.nextInt(60), pad = r.nextInt(k);
      int convH = (h + 2 * pad - k) / s + 1, convW = (w + 2 * pad - k) / s + 1;
      boolean pool = !dw && r.nextBoolean() && hw.tr() % 2 == 0 && hw.tc() % 2 == 0 && convH >= 2 && convW >= 2;
      LayerDescriptor.Builder b = new LayerDescriptor.Builder(LayerDescriptor.OP_CONV);
      b.inC = c;
      b.inH = h;
      b.inW = w;
      b.outC = m;
      b.convH = convH;
      b.convW = convW;
      b.outH = pool ? convH / 2 : convH;
      b.outW = pool ? convW / 2 : convW;
      b.kH = b.kW = k;
      b.sH = b.sW = s;
      b.padT = b.padL = b.padB = b.padR = pad;
      b.groups = dw ? c : 1;
      b.inOff = r.nextInt(3) == 0 ? 0 : r.nextInt(1000);
      b.outOff = 100000 + (r.nextInt(3) == 0 ? 0 : r.nextInt(1000));
      if (pool) {
        b.pool = 1;
        b.poolKH = b.poolKW = b.poolSH = b.poolSW = 2;
      }
      LayerDescriptor d = b.build();
      EngineProgram prog = new EngineProgram(java.util.List.of(d), java.util.List.of("x"), java.util.List.of("y"), 16, 16,
          1, "in", 0, 1, java.util.List.of(new EngineProgram.Output("y", 0, 1)), new int[0], new long[0], new int[0], 48, 1);
      EngineLimits limits = EngineLimits.of(prog);
      DdrModel ddr = DdrModel.of(hw);
      long want = reference(d, hw, ddr, limits), got = new ConvEngine().time("c", d, hw, ddr, limits).cycles();
      double dev = Math.abs(got - want) / (double) want;
      worst = Math.max(worst, dev);
      if (got == want) exact++;
      assertTrue(dev <= 0.01, "trial " + trial + " " + d.toCpp() + " " + hw.label() + ": class walk " + got + ", step walk " + want);
    }
    System.out.printf("conv class walk vs step walk: %d/300 exact, worst %.2f%%%n", exact, 100 * worst);
  }

  /** One tile, one input-channel step: the compute process is the channel parameters, one flattened window loop (per output and tap, or per 2 x 2 block at II 16) and the output stage. */
  @Test
  void winogradModeTakesSixteenCyclesPerTwoByTwoOutputs() {
    HardwareConfig direct = HardwareConfig.defaults(BoardCatalog.byName("ultra96")).withTiles(8, 8, 7, 10);
    for (int stride : new int[] {1, 2}) {
      LayerDescriptor.Builder b = new LayerDescriptor.Builder(LayerDescriptor.OP_CONV);
      b.inC = 8;
      b.outC = 8;
      b.kH = b.kW = 3;
      b.sH = b.sW = stride;
      b.inH = (7 - 1) * stride + 3;
      b.inW = (10 - 1) * stride + 3;
      b.outH = b.convH = 7;
      b.outW = b.convW = 10;
      LayerDescriptor d = b.build();
      EngineProgram prog = new EngineProgram(java.util.List.of(d), java.util.List.of("x"), java.util.List.of("y"), 16, 16,
          1, "in", 0, 1, java.util.List.of(new EngineProgram.Output("y", 0, 1)), new int[0], new long[0], new int[0], 48, 1);
      for (boolean wino : new boolean[] {false, true}) {
        HardwareConfig hw = direct.withWinograd(wino);
        LayerTiming t = new ConvEngine().time("c", d, hw, DdrModel.of(hw), EngineLimits.of(prog));
        int depth = EngineLatencies.PIPELINE_DEPTH, wd = EngineLatencies.WINOGRAD_DEPTH;
        long window = wino && stride == 1 ? 16 + depth + wd + 16 * (4 * 5 - 1) : depth + 9 * 7 * 10 - 1;
        long init = TraceCycles.loop("conv_bias", 8, 8, hw, DdrModel.of(hw)) + TraceCycles.loop("conv_quant", 16, 16, hw, DdrModel.of(hw));
        long out = EngineLatencies.OUTPUT_STAGE_DEPTH + 7 * 10 - 1;
        assertEquals(window + init + out, t.computeCycles(), "stride " + stride + " winograd " + wino);
      }
    }
  }
}
