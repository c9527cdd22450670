package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.ModelException;
import org.junit.jupiter.api.Test;

/** Graph outputs on the engine: each its own region, listed in the model's order; several inputs refused by name. */
class GraphOutputsLoweringTest {
  static final HardwareConfig HW = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));

  @Test
  void everyOutputIsARegionInTheModelsOrder() {
    // the outputs listed in another order than their layers run, one of them a Flatten alias
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,4,6,6]
          const  w: [4,4,3,3]
          const  b: [4]
          a = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,6,6]
          p = MaxPool(a) k=2x2 s=2x2 : [1,4,3,3]
          c = FusedConv(p, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,3,3]
          f = Flatten(c) : [1,36]
          output f
          output a
          output p
        """, 1);
    EngineProgram prog = Lowering.forTiming(g, HW);
    assertEquals(List.of("f", "a", "p"), prog.outputs().stream().map(EngineProgram.Output::value).toList());
    assertEquals(List.of(36, 144, 36), prog.outputs().stream().map(EngineProgram.Output::size).toList());
    int conv2 = prog.layerValues().indexOf("c"), conv1 = prog.layerValues().indexOf("a"), pool = prog.layerValues().indexOf("p");
    // each output's region is where the layer that computes it writes (the Flatten aliases c's)
    assertEquals(prog.layers().get(conv2).outOff(), prog.outputs().get(0).off());
    assertEquals(prog.layers().get(conv1).outOff(), prog.outputs().get(1).off());
    assertEquals(prog.layers().get(pool).outOff(), prog.outputs().get(2).off());
    // no later layer writes into an output's region
    for (EngineProgram.Output o : prog.outputs()) {
      int writer = prog.layers().stream().map(LayerDescriptor::outOff).toList().indexOf(o.off());
      for (int i = writer + 1; i < prog.layers().size(); i++) {
        LayerDescriptor d = prog.layers().get(i);
        assertTrue(d.outOff() >= o.off() + o.size() || d.outOff() + d.outSize() <= o.off(),
            "layer " + i + " overwrites output " + o.value());
      }
    }
  }

  @Test
  void severalInputsAreRefusedByName() {
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,4,6,6]
          input  y: [1,4,6,6]
          s = Add(x, y) : [1,4,6,6]
          output s
        """, 1);
    ModelException e = assertThrows(ModelException.class, () -> Lowering.forTiming(g, HW));
    assertTrue(e.getMessage().contains("one input") && e.getMessage().contains("'x', 'y'"), e.getMessage());
  }
}
