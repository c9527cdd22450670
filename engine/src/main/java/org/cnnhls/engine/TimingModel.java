package org.cnnhls.engine;

import java.util.List;

/**
 * Something that predicts the engine's cycles per layer: the first-order {@link CostEstimate} here,
 * or the cycle-approximate simulator in sim/ (which the CLI passes in).
 */
public interface TimingModel {
  record LayerCycles(long macs, long computeCycles, long memoryCycles, long cycles) {
    public String bound() {
      return computeCycles >= memoryCycles ? "compute" : "memory";
    }
  }

  /** One entry per engine layer, in order. */
  List<LayerCycles> time(EngineProgram p, HardwareConfig hw);

  /** Short name for reports, e.g. "first-order estimate" or "cycle-approximate simulation". */
  String describe();

  /** Extra report files (name to text) this model contributes, e.g. a roofline chart. */
  default java.util.Map<String, String> reportFiles(EngineProgram p, HardwareConfig hw, String title) {
    return java.util.Map.of();
  }
}
