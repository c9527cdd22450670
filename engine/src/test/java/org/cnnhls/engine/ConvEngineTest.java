package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.cnnhls.boards.BoardCatalog;
import org.junit.jupiter.api.Test;

/** The counted tile and step sums equal the plain tile-by-tile and step-by-step loops on random layers and configurations. */
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
      ConvEngine.Acc fast = new ConvEngine.Acc(), slow = new ConvEngine.Acc();
      long s1 = ConvEngine.tilesInOrder(p, d, hw, ddr, 2, 2, fast);
      long s2 = ConvEngine.tilesOneByOne(p, d, hw, ddr, 2, 2, slow);
      assertEquals(s2, s1);
      assertEquals(slow.cycles, fast.cycles, "cycles, trial " + trial);
      assertEquals(slow.compute, fast.compute);
      assertEquals(slow.memory, fast.memory);
      assertEquals(slow.bytes, fast.bytes);
      // a tile costed with its alike middle steps counted equals the step-by-step sum
      int tm = p.channelsInTile(0), rr = p.rTiles() > 0 ? p.rowsInTile(0) : 0, cc = p.cTiles() > 0 ? p.colsInTile(0) : 0;
      if (rr > 0 && cc > 0) {
        ConvEngine.TileKey key = new ConvEngine.TileKey(tm, rr, cc, 777, 12_345);
        long[] steps = new long[4];
        for (int nt = 0; nt < p.nTiles(); nt++) ConvEngine.step(steps, nt, 1, key, p, d, hw, ddr, 2, 2);
        ConvEngine.TileCost t = ConvEngine.tileCost(key, p, d, hw, ddr, 2, 2);
        assertEquals(steps[0], t.cycles(), "tile cycles, trial " + trial);
        assertEquals(steps[1], t.compute());
        assertEquals(steps[2], t.memory());
        assertEquals(steps[3], t.bytes());
      }
    }
  }

  /** One tile, one input-channel step: the compute cycles are the window loop, accumulator init, output stage and pipeline depths. */
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
        long window = wino && stride == 1 ? 16 * 4 * 5 + ConvEngine.WINOGRAD_DEPTH : 70 * 9;
        assertEquals(window + 70 + 70 + ConvEngine.PIPELINE_DEPTH, t.computeCycles(), "stride " + stride + " winograd " + wino);
      }
    }
  }
}
