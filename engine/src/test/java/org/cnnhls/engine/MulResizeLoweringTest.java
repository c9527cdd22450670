package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.api.Test;

/** Issue 14: how Mul and Resize lower, and what the engine refuses by name. */
class MulResizeLoweringTest {
  static final HardwareConfig HW = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));

  static EngineProgram lower(Shape in, Op op, Map<String, Tensor> consts, String... inputs) {
    Shape out = op.inferShapes(java.util.Arrays.stream(inputs).map(i -> i.equals("x") ? in : consts.get(i).shape()).toList()).get(0);
    Graph g = Graph.build("t", List.of(new ValueInfo("x", in)), List.of("y"), consts,
        List.of(new Node("n", op, List.of(inputs), List.of("y"))));
    assertEquals(out, g.shape("y"));
    return Lowering.lower(Quantizer.quantize(g, QuantOptions.preset("16"), ValueRanges.analytic(g, 1.0)), HW);
  }

  static Tensor filled(Shape s, float v) {
    float[] a = new float[s.size()];
    java.util.Arrays.fill(a, v);
    return Tensor.of(s, a);
  }

  @Test
  void constantFactorsGoToTheQuantBlobAsPairs() {
    EngineProgram p = lower(Shape.of(1, 3, 4, 4), new Op.Mul(), Map.of("s", filled(Shape.of(1), 0.5f)), "x", "s");
    LayerDescriptor d = p.layers().get(0);
    assertEquals(EngineOp.MUL, d.engineOp());
    assertEquals(2, d.mulKind());
    int[] q = p.quant();
    for (int c = 0; c < 3; c++) {
      assertEquals(1 << 14, q[2 * (d.qOff() + c)], "0.5 at F = 15"); // the constant's format: 16 bits, F 15
      assertEquals(0, q[2 * (d.qOff() + c) + 1]);
    }
  }

  @Test
  void perChannelMulOverTheFactorBufferIsRefusedByName() {
    int c = EngineLimits.MUL_MAX_C + 1;
    ModelException e = assertThrows(ModelException.class,
        () -> lower(Shape.of(1, c, 2, 2), new Op.Mul(), Map.of("s", filled(Shape.of(1, c, 1, 1), 0.5f)), "x", "s"));
    assertTrue(e.getMessage().contains("'n'") && e.getMessage().contains("factor buffer"), e.getMessage());
  }

  @Test
  void unsupportedBroadcastAndResizeOverChannelsAreNamed() {
    ModelException e = assertThrows(ModelException.class,
        () -> lower(Shape.of(1, 3, 4, 4), new Op.Mul(), Map.of("s", filled(Shape.of(1, 1, 4, 4), 0.5f)), "x", "s"));
    assertTrue(e.getMessage().contains("'n' (Mul)"), e.getMessage());
    e = assertThrows(ModelException.class, () -> lower(Shape.of(1, 2, 4, 4), new Op.Resize(new int[] {1, 4, 4, 4},
        new float[] {1, 2, 1, 1}, Op.CoordinateMode.ASYMMETRIC, Op.NearestMode.FLOOR), Map.of(), "x"));
    assertTrue(e.getMessage().contains("'n' (Resize)"), e.getMessage());
  }

  @Test
  void resizeTablesFollowTheWeights() {
    EngineProgram p = lower(Shape.of(1, 2, 3, 4), new Op.Resize(new int[] {1, 2, 6, 8}, new float[] {1, 1, 2, 2},
        Op.CoordinateMode.HALF_PIXEL, Op.NearestMode.ROUND_PREFER_FLOOR, true), Map.of(), "x");
    LayerDescriptor d = p.layers().get(0);
    assertEquals(EngineOp.RESIZE, d.engineOp());
    int[] q = p.quant();
    int base = 2 * d.qOff();
    // half_pixel x2: row 0 at -0.25 (both rows clamped to 0, weight 192), row 1 at 0.25 (rows 0, 1, weight 64)
    assertEquals(List.of(0, 0, 192), List.of(q[base], q[base + 1], q[base + 2]));
    assertEquals(List.of(0, 4, 64), List.of(q[base + 3], q[base + 4], q[base + 5]));
    // column 7 at 3.25: both clamped to 3
    int col = base + 3 * 6 + 3 * 7;
    assertEquals(List.of(3, 3), List.of(q[col], q[col + 1]));
  }
}
