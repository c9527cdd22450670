package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.cnnhls.boards.BoardCatalog;
import org.junit.jupiter.api.Test;

/** The counted tile sums equal the plain tile-by-tile loop on random layers and configurations. */
class ConvEngineModelTest {
  @Test
  void countedTilesEqualTheTileByTileLoop() {
    Random r = new Random(9);
    for (int trial = 0; trial < 400; trial++) {
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
      if (pool) {
        b.pool = 1;
        b.poolKH = b.poolKW = b.poolSH = b.poolSW = 2;
      }
      LayerDescriptor d = b.build();
      EngineProgram prog = new EngineProgram(java.util.List.of(d), java.util.List.of("x"), java.util.List.of("y"), 16, 16,
          1, "in", 0, 1, "y", 0, 1, new int[0], new long[0], new int[0], 48, 1);
      ConvEngine.ConvPlan p = ConvEngine.ConvPlan.of(d, hw, EngineLimits.of(prog));
      DdrModel ddr = DdrModel.of(hw);
      long[] slow = new long[3];
      for (int ct = 0; ct < p.chTiles(); ct++) {
        for (int rt = 0; rt < p.rTiles(); rt++) {
          for (int cc = 0; cc < p.cTiles(); cc++) {
            int rows = p.rowsInTile(rt);
            ConvEngine.tile(slow, 1, p.channelsInTile(ct), rows, p.colsInTile(cc), p.deadRows(d, rt * p.tr(), rows), p, d, hw,
                ddr, 2, 2);
          }
        }
      }
      LayerTiming fast = new ConvEngine().time("c", d, hw, ddr, EngineLimits.of(prog));
      assertEquals(slow[0], fast.computeCycles(), "compute, trial " + trial);
      assertEquals(slow[1], fast.memoryCycles(), "memory, trial " + trial);
      assertEquals(slow[2], fast.ddrBytes(), "bytes, trial " + trial);
      assertEquals(EngineLatencies.LAYER_OVERHEAD + slow[0] + slow[1], fast.cycles());
    }
  }

  /** One tile, one input-channel step: the compute cycles are the window loops (one pipelined row loop per (ky, kx, row), or per row of 2 x 2 blocks at II 16), accumulator init and output stage, each row loop with its depth. */
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
          1, "in", 0, 1, "y", 0, 1, new int[0], new long[0], new int[0], 48, 1);
      for (boolean wino : new boolean[] {false, true}) {
        HardwareConfig hw = direct.withWinograd(wino);
        LayerTiming t = new ConvEngine().time("c", d, hw, DdrModel.of(hw), EngineLimits.of(prog));
        int depth = EngineLatencies.PIPELINE_DEPTH, wd = EngineLatencies.WINOGRAD_DEPTH;
        long window = wino && stride == 1 ? 4 * (depth + wd + 16 * (5 - 1)) : 9 * 7 * (depth + 10 - 1);
        long init = 7 * (2 + 10 - 1), out = 7 * (EngineLatencies.OUTPUT_STAGE_DEPTH + 10 - 1);
        assertEquals(window + init + out, t.computeCycles(), "stride " + stride + " winograd " + wino);
      }
    }
  }
}
