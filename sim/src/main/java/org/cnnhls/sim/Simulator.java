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
    for (int i = 0; i < p.layers().size(); i++) {
      LayerDescriptor d = p.layers().get(i);
      layers.add(EngineComponent.of(d.op()).time(p.layerNodes().get(i), d, hw, ddr, limits));
    }
    return new SimResult(layers, hw, hw.eightBit());
  }
}
