package org.cnnhls.dse;

import org.cnnhls.engine.ResourceModel;

/** A design point with its modeled latency and resources. */
public record Evaluation(DesignPoint point, long cycles, double latencySeconds, double gops, ResourceModel.Estimate resources,
    boolean fits) {

  public double throughputFps() {
    return 1.0 / latencySeconds;
  }

  public double gopsPerDsp() {
    return gops / Math.max(1, resources.dsp());
  }
}
