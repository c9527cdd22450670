package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/** What the engine maps of the structural ops (issue 14), and what it refuses by name. */
class StructuralLoweringTest {

  @Test
  void contiguousSlicesAreOffsetsIntoTheirInput() {
    Shape x = Shape.of(1, 16, 8, 8);
    assertEquals(8 * 64, Lowering.aliasOffset(x, new Op.Slice(new int[] {0, 8, 0, 0}, ones(), new int[] {1, 8, 8, 8})));
    assertEquals(0, Lowering.aliasOffset(x, new Op.Slice(new int[4], ones(), new int[] {1, 16, 8, 8})));
    // one row of one channel is contiguous too; part of every channel, a column or a step is not
    assertEquals(3 * 64 + 2 * 8, Lowering.aliasOffset(x, new Op.Slice(new int[] {0, 3, 2, 0}, ones(), new int[] {1, 1, 1, 8})));
    assertEquals(-1, Lowering.aliasOffset(x, new Op.Slice(new int[] {0, 0, 2, 0}, ones(), new int[] {1, 16, 4, 8})));
    assertEquals(-1, Lowering.aliasOffset(x, new Op.Slice(new int[4], ones(), new int[] {1, 16, 8, 4})));
    assertEquals(-1, Lowering.aliasOffset(x, new Op.Slice(new int[4], new int[] {1, 2, 1, 1}, new int[] {1, 8, 8, 8})));
  }

  @Test
  void structuralOpsTheEngineRunsAreMappable() {
    assertDoesNotThrow(() -> Lowering.checkMappable(IrParser.parse("""
        graph g
          input  x: [1,8,6,6]
          a = Slice(x) starts=[0,4,0,0] sizes=[1,4,6,6]
          s = Spread(a) s=2x2 p=1,1,2,2
          c = ChannelShuffle(x) groups=2
          output s
          output c
        """, 1)));
  }

  @Test
  void reduceOverChannelsCropsAndStridedSlicesAreRefusedByName() {
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,8,6,6]
          m = ReduceMean(x) axes=[1]
          s = Spread(x) s=2x2 p=-1,0,0,0
          t = Slice(x) starts=[0,0,0,0] sizes=[1,4,6,6] steps=[1,2,1,1]
          output m
          output s
          output t
        """, 1);
    ModelException e = assertThrows(ModelException.class, () -> Lowering.checkMappable(g));
    assertTrue(e.getMessage().contains("'m' (ReduceMean)") && e.getMessage().contains("'s' (Spread)")
        && e.getMessage().contains("'t' (Slice)"), e.getMessage());
  }

  private static int[] ones() {
    return new int[] {1, 1, 1, 1};
  }
}
