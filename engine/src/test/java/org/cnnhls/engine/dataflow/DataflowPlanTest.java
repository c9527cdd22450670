package org.cnnhls.engine.dataflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.api.Test;

/** The dataflow plan: stages, their loop nests and cycles, the folding chooser, and the refusals. */
class DataflowPlanTest {
  static final Board ULTRA96 = BoardCatalog.byName("ultra96");

  /** conv 3x3 (cin -> cout, pad 1) + ReLU + 2x2 pool, flatten, FC to 10, on [1, cin, hw, hw]. */
  static QuantizedGraph convNet(int cin, int cout, int hw, int fcOut, String precision) {
    Random r = new Random(3);
    Map<String, Tensor> c = new LinkedHashMap<>();
    c.put("w", Tensor.of(Shape.of(cout, cin, 3, 3), rand(r, cout * cin * 9)));
    c.put("b", Tensor.of(Shape.of(cout), rand(r, cout)));
    int k = cout * (hw / 2) * (hw / 2);
    c.put("fw", Tensor.of(Shape.of(fcOut, k), rand(r, fcOut * k)));
    c.put("fb", Tensor.of(Shape.of(fcOut), rand(r, fcOut)));
    Op.Conv conv = new Op.Conv(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
    Op.MaxPool pool = new Op.MaxPool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, false);
    List<Node> nodes = new ArrayList<>(List.of(
        new Node("conv", new Op.FusedConv(conv, new Op.Relu(), pool), List.of("x", "w", "b"), List.of("p")),
        new Node("flat", new Op.Flatten(1), List.of("p"), List.of("f")),
        new Node("fc", new Op.FusedGemm(true, null), List.of("f", "fw", "fb"), List.of("y"))));
    Graph g = Graph.build("t", List.of(new ValueInfo("x", Shape.of(1, cin, hw, hw))), List.of("y"), c, nodes);
    return Quantizer.quantize(g, QuantOptions.preset(precision), ValueRanges.analytic(g, 1.0));
  }

  static float[] rand(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * 0.2);
    return a;
  }

  @Test
  void stagesFollowTheLayersAndTheirLoopNests() {
    DataflowPlan p = DataflowLowering.unfolded(convNet(4, 8, 8, 10, "16"), ULTRA96, 200);
    assertEquals(List.of("AXIS in", "Conv 3x3", "MaxPool 2x2", "FC", "AXIS out"), p.stages().stream().map(DataflowStage::op).toList());
    DataflowStage.Conv cv = (DataflowStage.Conv) p.stages().get(1);
    // one flattened loop: 64 window pixels x 8 channels x 36 taps (4 channels x 9 taps), 36 border pixels x 4 words
    assertEquals(DataflowLatencies.macDepth(1) + 64 * 8 * 36 + 36 * 4 - 1, cv.cycles());
    DataflowStage.Fc fc = (DataflowStage.Fc) p.stages().get(3);
    assertEquals(128, fc.in().values());
    assertEquals(DataflowLatencies.STORE_DEPTH + 16 * 8 - 1 + DataflowLatencies.macDepth(1) + 10 * 128 - 1, fc.cycles());
    assertEquals(p.intervalCycles(), cv.cycles());
    assertEquals(1, cv.resources().multipliers());
    // SIMD over adjacent taps: 3 x 4 = 12 products per cycle, SF = 3 rows x 1 column group x 1 word
    DataflowStage.Conv wide = new DataflowStage.Conv(cv.name(), cv.node(), cv.in(), cv.out(), 3, 3, 1, 1, 1, 1, 1, 1, 8, 12, cv.weightWidth(),
        cv.accWidth(), cv.multWidth(), false);
    assertEquals(3, wide.columnsPerWord());
    assertEquals(3, wide.synapseFold());
    assertEquals(DataflowLatencies.macDepth(12) + 64 * 3 + 36 - 1, wide.cycles());
    assertThrows(IllegalArgumentException.class, () -> new DataflowStage.Conv(cv.name(), cv.node(), cv.in(), cv.out(), 3, 3, 1, 1, 1, 1, 1,
        1, 1, 8, cv.weightWidth(), cv.accWidth(), cv.multWidth(), false));
  }

  @Test
  void chooserBalancesStagesUnderTheCaps() {
    QuantizedGraph q = convNet(4, 8, 8, 10, "16");
    DataflowPlan slow = DataflowLowering.unfolded(q, ULTRA96, 200), fast = DataflowLowering.plan(q, ULTRA96, 200);
    assertTrue(fast.fit().fits(), fast.fit().overflow());
    assertTrue(fast.intervalCycles() * 10 < slow.intervalCycles(), fast.intervalCycles() + " vs " + slow.intervalCycles());
    for (DataflowStage s : fast.macStages()) {
      assertEquals(0, s.out().c() % s.pe());
      assertTrue(s.in().c() % s.simd() == 0 || s.simd() % s.in().c() == 0);
      assertTrue(s.cycles() <= fast.intervalCycles());
    }
    assertEquals(fast.imagesPerSecond(), 200e6 / fast.intervalCycles(), 1e-6);
  }

  @Test
  void aModelWhoseWeightsDoNotFitIsNamedByResource() {
    // 64 x 32 x 32 after the pool: a 65536 x 512 FC, 32 Mbit of weights at 16 bit
    DataflowPlan p = DataflowLowering.plan(convNet(1, 64, 64, 512, "16"), BoardCatalog.byName("pynq-z2"), 100);
    assertTrue(!p.fit().fits() && p.fit().overflow().startsWith("BRAM18"), String.valueOf(p.fit().overflow()));
  }

  @Test
  void branchesAndOtherOpsAreRefusedByNodeAndOp() {
    Map<String, Tensor> none = Map.of();
    Graph g = Graph.build("t", List.of(new ValueInfo("x", Shape.of(1, 4, 8, 8))), List.of("y"), none,
        List.of(new Node("gap", new Op.GlobalAveragePool(), List.of("x"), List.of("y"))));
    QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset("16"), ValueRanges.analytic(g, 1.0));
    ModelException e = assertThrows(ModelException.class, () -> DataflowLowering.plan(q, ULTRA96, 200));
    assertTrue(e.getMessage().startsWith("node 'gap' (GlobalAveragePool)") && e.getMessage().contains("--arch overlay"), e.getMessage());
    Graph add = Graph.build("t", List.of(new ValueInfo("x", Shape.of(1, 4, 8, 8))), List.of("y"), none,
        List.of(new Node("add", new Op.Add(), List.of("x", "x"), List.of("y"))));
    QuantizedGraph qa = Quantizer.quantize(add, QuantOptions.preset("16"), ValueRanges.analytic(add, 1.0));
    e = assertThrows(ModelException.class, () -> DataflowLowering.plan(qa, ULTRA96, 200));
    assertTrue(e.getMessage().startsWith("node 'add' (Add)"), e.getMessage());
  }
}
