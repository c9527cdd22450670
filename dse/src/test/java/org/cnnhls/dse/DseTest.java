package org.cnnhls.dse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.EngineLimits;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.ResourceModel;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;
import org.junit.jupiter.api.Test;

class DseTest {
  static final EngineLimits LIMITS = EngineLimits.nominal(16, 16);

  static Graph smallVgg() {
    return PassManager.defaultPipeline().run(OnnxImporter.fromProto(OnnxModelBuilder.smallVgg(3).build(), "small_vgg.onnx", null));
  }

  @Test
  void resourcesGrowMonotonicallyWithEveryParameter() {
    for (String name : List.of("ultra96", "pynq-z2", "zcu104")) {
      Board b = BoardCatalog.byName(name);
      for (int tm : new int[] {2, 4, 8, 16, 32}) {
        for (int tn : new int[] {2, 4, 8, 16, 32}) {
          for (int t : new int[] {7, 14, 28}) {
            for (int w : new int[] {8, 16}) {
              HardwareConfig hw = HardwareConfig.defaults(b).withTiles(tm, tn, t, t);
              ResourceModel.Estimate e = ResourceModel.estimate(hw.withPrecision(w, w), LIMITS);
              for (HardwareConfig bigger : List.of(hw.withTiles(tm * 2, tn, t, t), hw.withTiles(tm, tn * 2, t, t),
                  hw.withTiles(tm, tn, t * 2, t * 2))) {
                ResourceModel.Estimate f = ResourceModel.estimate(bigger.withPrecision(w, w), LIMITS);
                assertTrue(f.dsp() >= e.dsp() && f.bram18() >= e.bram18() && f.lut() >= e.lut() && f.ff() >= e.ff(),
                    "shrank from " + hw + " to " + bigger);
              }
              // at equal FC lanes (8-bit weights on half the AXI width): one AXI beat feeds twice the 8-bit lanes
              ResourceModel.Estimate wide = ResourceModel.estimate(hw.withPrecision(16, 16), LIMITS);
              ResourceModel.Estimate narrow = ResourceModel.estimate(hw.withAxiDataWidth(hw.axiDataWidth() / 2).withPrecision(8, 8), LIMITS);
              assertTrue(narrow.bram18() <= wide.bram18() && narrow.lut() <= wide.lut());
            }
          }
        }
      }
    }
  }

  @Test
  void winogradModeCostsFabricAndUnpacksEightBitMacsButSpeedsUpThreeByThreeConvs() {
    for (String name : List.of("ultra96", "pynq-z2", "zcu104")) {
      Board b = BoardCatalog.byName(name);
      for (int w : new int[] {8, 16}) {
        var limits = EngineLimits.nominal(w, w);
        HardwareConfig direct = HardwareConfig.defaults(b).withTiles(16, 8, 14, 14);
        ResourceModel.Estimate d = ResourceModel.estimate(direct.withPrecision(w, w), limits);
        ResourceModel.Estimate wino = ResourceModel.estimate(direct.withWinograd(true).withPrecision(w, w), limits);
        assertTrue(wino.lut() > d.lut() && wino.ff() > d.ff() && wino.bram18() >= d.bram18(), name + " " + w);
        boolean packs = w == 8 && b.family() == Board.Family.ZYNQ_ULTRASCALE_PLUS;
        // the array's 128 MACs: 64 packed DSPs direct, 128 in Winograd mode (transformed operands do not pack)
        assertEquals(packs ? 64 : 0, wino.dsp() - d.dsp(), name + " " + w);
        // and the mode grows with the array like every other resource
        ResourceModel.Estimate bigger = ResourceModel.estimate(direct.withTiles(16, 16, 14, 14).withWinograd(true).withPrecision(w, w), limits);
        assertTrue(bigger.lut() > wino.lut() && bigger.ff() > wino.ff() && bigger.dsp() > wino.dsp());
      }
    }
    // the small VGG is all 3x3 stride-1 convs: the same array computes them in far fewer cycles in
    // Winograd mode (whether the layer gets faster depends on whether it is compute- or memory-bound)
    Graph g = smallVgg();
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("zcu104")).withTiles(16, 16, 14, 14);
    var prog = org.cnnhls.engine.Lowering.forTiming(g, hw);
    long direct = convCompute(org.cnnhls.sim.Simulator.simulate(prog, hw));
    long wino = convCompute(org.cnnhls.sim.Simulator.simulate(prog, hw.withWinograd(true)));
    assertTrue(wino < 0.75 * direct, wino + " vs " + direct);
  }

  static long convCompute(org.cnnhls.sim.SimResult r) {
    return r.layers().stream().filter(l -> l.op().equals("CONV")).mapToLong(org.cnnhls.engine.LayerTiming::computeCycles).sum();
  }

  @Test
  void eightBitMacsPackTwoPerDspOnlyOnUltraScalePlusAndEveryMultiplierIsCounted() {
    HardwareConfig us = HardwareConfig.defaults(BoardCatalog.byName("ultra96")).withTiles(16, 16, 14, 14);
    HardwareConfig z7 = HardwareConfig.defaults(BoardCatalog.byName("pynq-z2")).withTiles(16, 16, 14, 14);
    var l8 = EngineLimits.nominal(8, 8);
    // requantize lanes: Tm in the conv output stage + one in the FC datapath; LeakyReLU multiplies
    // (16 x 16 bits, one DSP) in the same lanes and in the add and unary paths; two pooling
    // requantizes (64-bit sum x 21-bit multiplier: 3 x 2 DSPs each) and the average pool's window
    // count (9 x 9 bits, one DSP)
    // (issue 14) the element-wise Mul's activation x activation multiply (one DSP) and resize_layer's
    // four value x weight and two row x weight multiplies (one DSP each at 8 bit; the latter two at 16)
    int leak = 16 + 1 + 2, pool = 2 * 6 + 1, ew8 = 1 + 4 + 2, ew16 = 1 + 4 + 2 * 2;
    int requant8 = ResourceModel.requantDspPerLane(l8) * (16 + 1) + leak + pool + ew8 + ResourceModel.DSP_FIXED;
    assertEquals(2, ResourceModel.requantDspPerLane(l8)); // 31-bit accumulator x 15-bit M: 2 DSP48s, as Yosys maps it
    assertEquals(6, ResourceModel.multiplierDsp(ResourceModel.POOL_SUM_W, ResourceModel.AVG_M_W));
    // the array packs (cnnhls_pack.h) in pairs of output channels on UltraScale+ only; the FC lanes
    // (one 128-bit AXI beat = 16 8-bit weights per cycle) never pack: the C++ does not
    assertEquals(16 * 8 + 16 + requant8, ResourceModel.estimate(us.withPrecision(8, 8), l8).dsp());
    assertEquals(256 + 8 + requant8, ResourceModel.estimate(z7.withAxiDataWidth(64).withPrecision(8, 8), l8).dsp());
    // odd Tm: the last output channel is unpacked, Tn x ceil(Tm / 2) multipliers
    assertEquals(16 * 5 + 16 + ResourceModel.requantDspPerLane(l8) * (9 + 1) + (9 + 3) + pool + ew8 + ResourceModel.DSP_FIXED,
        ResourceModel.estimate(us.withTiles(9, 16, 14, 14).withPrecision(8, 8), l8).dsp());
    assertTrue(us.withPrecision(8, 8).packsMacs() && !z7.withPrecision(8, 8).packsMacs()
        && !us.withPrecision(8, 8).withWinograd(true).packsMacs() && !us.packsMacs());
    // 16 bit with power-of-two scaling: M = 1, no requantize multipliers; 8 FC lanes
    assertEquals(256 + 8 + leak + pool + ew16 + ResourceModel.DSP_FIXED, ResourceModel.estimate(us.withPrecision(16, 16), LIMITS).dsp());
    // 48-bit accumulator x 16-bit M: 2 DSP48E2, as Yosys maps the Chisel core (rtl/bench/resources.md)
    assertEquals(2, ResourceModel.requantDspPerLane(new org.cnnhls.engine.EngineLimits(3, 2, 1, 16, 16, 4, 48, 16)));
  }

  @Test
  void heldOutPublishedDesignStaysWithinTheIssueBounds() {
    // yolov2_xilinx_fpga (Tm x Tn engine, nothing calibrated on it): DSP within 20%; LUT above it by
    // at most 60% and BRAM above it (see below).
    // Its FF is over-estimated by 50-90% (the FF engine term is calibrated on CNNA16); see DEVELOPERS.md.
    // Our engine multiplies where that design does not: a 16 x 16 LeakyReLU multiply in each of the
    // Tm + 3 activation lanes and two 64 x 21-bit pooling requantizes. Those are counted apart; the
    // rest (array, FC lanes, requantize, fixed) must match the published count. Our BRAM is above
    // theirs, by design: our tiles are banked one bank per element of an AXI beat so whole beats load
    // and store in one cycle, theirs move one element at a time (DEVELOPERS.md, "Resources"); the
    // banks' steering and the beat rotations add LUTs too.
    for (PublishedDesigns.Published d : PublishedDesigns.ALL.subList(1, PublishedDesigns.ALL.size())) {
      ResourceModel.Estimate e = d.estimate();
      int ourExtra = ResourceModel.leakDspPerLane(d.limits()) * (d.config().tm() + 3)
          + 2 * ResourceModel.multiplierDsp(ResourceModel.POOL_SUM_W, ResourceModel.AVG_M_W) + ResourceModel.multiplierDsp(9, 9);
      assertTrue(ourExtra > 0 && e.dsp() - ourExtra > 0);
      assertTrue(Math.abs(PublishedDesigns.error(e.dsp() - ourExtra, d.dsp())) <= 0.20, d.name() + " DSP " + e.dsp() + " - " + ourExtra);
      assertTrue(e.bram18() >= d.bram18(), d.name() + " BRAM18 " + e.bram18());
      assertTrue(e.lut() >= d.lut() && PublishedDesigns.error(e.lut(), d.lut()) <= 0.60, d.name() + " LUT " + e.lut());
    }
    // CNNA16 was the calibration point of the LUT and FF engine terms (LUT_FIXED, FF_FIXED, per MAC)
    // before the tiles were banked for whole beats; the banks' steering, the beat rotations and
    // registers are counted on top by rule, so our engine in CNNA16's shape comes out above it
    PublishedDesigns.Published cnna = PublishedDesigns.ALL.get(0);
    double lut = PublishedDesigns.error(cnna.estimate().lut(), cnna.lut()), ff = PublishedDesigns.error(cnna.estimate().ff(), cnna.ff());
    assertTrue(lut >= 0 && lut <= 0.30, "CNNA16 LUT " + cnna.estimate().lut());
    assertTrue(ff >= 0 && ff <= 0.30, "CNNA16 FF " + cnna.estimate().ff());
  }

  @Test
  void capsAreEnforcedAndNamed() {
    Board b = BoardCatalog.byName("ultra96");
    HardwareConfig huge = HardwareConfig.defaults(b).withTiles(64, 64, 14, 14);
    String over = Fit.of(huge, LIMITS).overflow();
    assertNotNull(over);
    assertTrue(over.contains("DSP") && over.contains("by"), over);
    assertNull(Fit.of(HardwareConfig.defaults(b), LIMITS).overflow());
  }

  static DesignSpace smallSpace(Board b) {
    return DesignSpace.of(b, new int[] {16, 8}).restrict(new int[] {4, 8, 12, 16, 24, 32}, new int[] {4, 8, 12, 16, 24, 32},
        DesignSpace.squares(7, 14, 28), new double[] {b.clock().defaultMHz(), b.clock().maxMHz()});
  }

  @Test
  void annealingFindsTheExhaustiveOptimumOnASmallSpaceAndEverythingItReturnsFits() {
    Graph g = smallVgg();
    for (String name : List.of("ultra96", "pynq-z2")) {
      Board b = BoardCatalog.byName(name);
      DesignSpace space = smallSpace(b);
      Explorer.Result ex = Explorer.exhaustive(space, new Evaluator(g), Objective.LATENCY);
      Explorer.Result sa = Explorer.anneal(space, new Evaluator(g), Objective.LATENCY, 7, 8, 600);
      assertNotNull(ex.best());
      assertEquals(space.size(), ex.evaluated());
      for (Evaluation e : ex.fitting()) assertTrue(Fit.of(e.point().hw(), new Evaluator(g).limits(e.point().hw())).fits(), e.point().label());
      for (Evaluation e : sa.fitting()) assertTrue(Fit.of(e.point().hw(), new Evaluator(g).limits(e.point().hw())).fits(), e.point().label());
      assertEquals(ex.best().latencySeconds(), sa.best().latencySeconds(), 1e-12, name + ": " + sa.best().point().label()
          + " vs exhaustive " + ex.best().point().label());
      // the exhaustive optimum is not beaten by any point of the space
      for (Evaluation e : ex.fitting()) assertTrue(e.latencySeconds() >= ex.best().latencySeconds());
    }
  }

  @Test
  void theSameSeedGivesTheSameAnswer() {
    Graph g = smallVgg();
    Board b = BoardCatalog.byName("zcu104");
    DesignSpace space = DesignSpace.of(b, new int[] {16});
    Explorer.Result a = Explorer.anneal(space, new Evaluator(g), Objective.THROUGHPUT, 42, 4, 300);
    Explorer.Result c = Explorer.anneal(space, new Evaluator(g), Objective.THROUGHPUT, 42, 4, 300);
    assertEquals(a.best().point().label(), c.best().point().label());
    assertEquals(a.fitting().size(), c.fitting().size());
  }

  /** The search run inside a pool of {@code threads} workers (parallel streams use the pool they run in). */
  static Explorer.Result inPool(int threads, java.util.concurrent.Callable<Explorer.Result> search) throws Exception {
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
    try {
      return pool.submit(search).get();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void theSameModelBoardAndOptionsGiveTheSamePointsOnOneTwoOrSixteenThreads() throws Exception {
    Graph g = smallVgg();
    Board b = BoardCatalog.byName("ultra96");
    DesignSpace space = DesignSpace.of(b, new int[] {16, 8});
    List<String> reference = null;
    for (int threads : new int[] {1, 2, 16}) {
      Explorer.Result sa = inPool(threads, () -> Explorer.anneal(space, new Evaluator(g), Objective.LATENCY, 3, Explorer.CHAINS, 500));
      Explorer.Result ex = inPool(threads, () -> Explorer.exhaustive(smallSpace(b), new Evaluator(g), Objective.LATENCY));
      List<String> seen = new java.util.ArrayList<>();
      seen.add("anneal evaluated " + sa.evaluated() + ", best " + sa.best().point().label());
      for (Evaluation e : sa.fitting()) seen.add(e.point().label() + " " + e.cycles() + " " + e.resources());
      seen.add("exhaustive evaluated " + ex.evaluated() + ", best " + ex.best().point().label());
      for (Evaluation e : ex.fitting()) seen.add(e.point().label() + " " + e.cycles() + " " + e.resources());
      if (reference == null) reference = seen;
      else assertEquals(reference, seen, threads + " threads");
    }
    assertTrue(reference.size() > 100, "a search that finds little proves little: " + reference.size());
  }

  @Test
  void paretoFrontIsNonDominated() {
    Graph g = smallVgg();
    Board b = BoardCatalog.byName("ultra96");
    Explorer.Result ex = Explorer.exhaustive(smallSpace(b), new Evaluator(g), Objective.LATENCY);
    List<Evaluation> front = Explorer.pareto(ex.fitting(), e -> e.resources().dsp());
    assertTrue(front.size() >= 2);
    for (Evaluation f : front) {
      for (Evaluation e : ex.fitting()) {
        boolean dominates = e.resources().dsp() <= f.resources().dsp() && e.latencySeconds() < f.latencySeconds()
            || e.resources().dsp() < f.resources().dsp() && e.latencySeconds() <= f.latencySeconds();
        assertTrue(!dominates, e.point().label() + " dominates front point " + f.point().label());
      }
    }
    assertTrue(ParetoFiles.csv(front).startsWith("tm,tn,"));
    assertTrue(ParetoFiles.svg("t", ex.fitting(), front, 360, 432).contains("<circle"));
  }
}
