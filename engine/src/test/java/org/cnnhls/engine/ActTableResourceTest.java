package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.quant.ActTable;
import org.junit.jupiter.api.Test;

/** The table activations' unit (issue 14) costs one interpolation multiply and one table, only when built. */
class ActTableResourceTest {
  @Test
  void tableActivationsAddTheirMultiplierAndTable() {
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));
    EngineLimits without = EngineLimits.nominal(16, 16);
    EngineLimits with = new EngineLimits(without.maxK(), without.maxStride(), without.maxDilation(), without.maxFcIn(),
        without.maxW(), without.maxPoolWin(), without.accWidth(), without.multWidth(), without.leaky(), true);
    ResourceModel.Estimate a = ResourceModel.estimate(hw, without), b = ResourceModel.estimate(hw, with);
    assertEquals(ResourceModel.multiplierDsp(ResourceModel.ACT_D_W, ResourceModel.ACT_F_W), b.dsp() - a.dsp(), "interpolation DSP");
    assertEquals(1, b.dsp() - a.dsp(), "a 21 x 8-bit multiply is one DSP48");
    assertEquals(1, b.bram18() - a.bram18(), "257 x 20 bits is one BRAM18");
    assertEquals(true, with.withWidths(40, 3).actTables(), "withWidths keeps the flag");
  }

  @Test
  void timingOnlyLoweringSizesTheTables() {
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,4,6,6]
          const  w: [4,4,3,3]
          const  b: [4]
          c = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,6,6]
          y = Gelu(c) : [1,4,6,6]
          output y
        """, 1);
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));
    EngineProgram p = Lowering.forTiming(g, hw);
    LayerDescriptor act = p.layers().get(1);
    assertEquals(LayerDescriptor.OP_ACT, act.op());
    assertEquals(ActTable.Kind.GELU.code, act.actKind());
    assertEquals(257, act.actTabLen());
    assertEquals(true, EngineLimits.of(p).actTables());
  }
}
