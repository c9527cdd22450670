package org.cnnhls.sim;

import java.util.List;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.TimingModel;

/** The simulator as the project emitter's timing model, so report.md carries its figures. */
public final class SimulatedTiming implements TimingModel {
  @Override
  public List<LayerCycles> time(EngineProgram p, HardwareConfig hw) {
    return Simulator.simulate(p, hw).layers().stream()
        .map(l -> new LayerCycles(l.macs(), l.computeCycles(), l.memoryCycles(), l.cycles())).toList();
  }

  @Override
  public java.util.Map<String, String> reportFiles(EngineProgram p, HardwareConfig hw, String title) {
    return java.util.Map.of("roofline.svg", RooflineSvg.render(Simulator.simulate(p, hw), title + ": roofline"));
  }

  @Override
  public String describe() {
    return "cycle-approximate simulation (sim/: tiled loop nests, double-buffered DDR transfers, shared read/write bandwidth)";
  }
}
