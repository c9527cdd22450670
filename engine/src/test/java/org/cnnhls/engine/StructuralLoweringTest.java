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

  /**
   * ChannelShuffle lowers to one strided COPY per group; running the descriptors' addressing (as
   * unary_layer does) on tagged input channels gives exactly the shuffle's permutation.
   */
  @Test
  void channelShuffleIsOneStridedCopyPerGroup() {
    int c = 12, h = 3, w = 5, groups = 3, plane = h * w;
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,12,3,5]
          y = ChannelShuffle(x) groups=3
          output y
        """, 1);
    EngineProgram p = Lowering.lower(org.cnnhls.ir.quant.Quantizer.quantize(g, org.cnnhls.ir.quant.QuantOptions.preset("16"),
        org.cnnhls.ir.quant.ValueRanges.analytic(g, 1.0)), HardwareConfig.defaults(org.cnnhls.boards.BoardCatalog.byName("ultra96")));
    java.util.List<LayerDescriptor> copies = p.layers().stream().filter(d -> d.op() == LayerDescriptor.OP_COPY).toList();
    assertEquals(groups, copies.size(), "one COPY per group, not per channel");
    int[] fmap = new int[p.fmapSize()];
    java.util.Arrays.fill(fmap, -1);
    for (int i = 0; i < c * plane; i++) fmap[p.inputOff() + i] = i; // element i of channel i / plane
    int outOff = copies.get(0).outOff();
    for (LayerDescriptor d : copies) {
      assertEquals(groups, d.copyCStride());
      for (int k = 0; k < d.inC(); k++) {
        for (int e = 0; e < plane; e++) fmap[outOff + (d.concatCOff() + k * d.copyCStride()) * plane + e] = fmap[d.inOff() + k * plane + e];
      }
    }
    int per = c / groups;
    for (int gi = 0; gi < groups; gi++) {
      for (int j = 0; j < per; j++) {
        for (int e = 0; e < plane; e++) {
          assertEquals((gi * per + j) * plane + e, fmap[outOff + (j * groups + gi) * plane + e], "output channel " + (j * groups + gi));
        }
      }
    }
  }

  private static int[] ones() {
    return new int[] {1, 1, 1, 1};
  }
}
