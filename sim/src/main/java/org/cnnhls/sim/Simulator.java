package org.cnnhls.sim;

import java.util.ArrayList;
import java.util.List;
import org.cnnhls.engine.DdrModel;
import org.cnnhls.engine.EngineComponent;
import org.cnnhls.engine.EngineLimits;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.LayerDescriptor;
import org.cnnhls.engine.LayerTiming;

/**
 * Cycle-approximate timing of an engine program on a hardware configuration. Each descriptor goes
 * to the engine component that runs it; the components own their cost models.
 */
public final class Simulator {
  private Simulator() {}

  /** What the report says its cycles come from. */
  public static final String DESCRIPTION =
      "cycle-approximate simulation (sim/: the kernels' pipelined loops and DDR bursts counted and costed by the HLS rules of engine TraceCycles, checked against a traced C-sim)";

  public static SimResult simulate(EngineProgram p, HardwareConfig hw) {
    if (p.actWidth() != hw.actWidth() || p.wgtWidth() != hw.wgtWidth()) {
      throw new IllegalArgumentException("program lowered for " + p.actWidth() + "/" + p.wgtWidth() + "-bit storage, simulated on "
          + hw.label());
    }
    DdrModel ddr = DdrModel.of(hw);
    List<LayerTiming> layers = new ArrayList<>(p.layers().size());
    EngineLimits limits = EngineLimits.of(p);
    // repeated layers (a network's identical blocks) are timed once: equal timing keys, equal cycles
    int ae = hw.actPerBeat();
    java.util.Map<LayerDescriptor, LayerTiming> timed = new java.util.HashMap<>();
    for (int i = 0; i < p.layers().size(); i++) {
      LayerDescriptor d = p.layers().get(i);
      String node = p.layerNodes().get(i);
      LayerDescriptor key = d.timingKey(ae);
      LayerTiming t = timed.get(key);
      if (t == null) {
        t = EngineComponent.of(d.op()).time(node, d, hw, ddr, limits);
        timed.put(key, t);
      }
      layers.add(t.node().equals(node) ? t : new LayerTiming(node, t.op(), t.macs(), t.cycles(), t.computeCycles(),
          t.memoryCycles(), t.ddrBytes(), t.tiles()));
    }
    return new SimResult(layers, hw, hw.eightBit());
  }
}
