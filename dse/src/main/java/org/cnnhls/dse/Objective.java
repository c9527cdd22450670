package org.cnnhls.dse;

import java.util.Comparator;

/** What "best" means; every objective breaks ties by fewer DSPs, then fewer BRAMs, then the label. */
public enum Objective {
  LATENCY(Comparator.comparingDouble(Evaluation::latencySeconds)),
  THROUGHPUT(Comparator.comparingDouble((Evaluation e) -> -e.throughputFps())),
  GOPS_PER_DSP(Comparator.comparingDouble((Evaluation e) -> -e.gopsPerDsp()));

  private final Comparator<Evaluation> order;

  Objective(Comparator<Evaluation> primary) {
    this.order = primary.thenComparingInt((Evaluation e) -> e.resources().dsp())
        .thenComparingInt(e -> e.resources().bram18()).thenComparing(e -> e.point().label());
  }

  public Comparator<Evaluation> order() {
    return order;
  }

  /** Scalar to minimise (simulated annealing). */
  public double cost(Evaluation e) {
    return switch (this) {
      case LATENCY -> e.latencySeconds();
      case THROUGHPUT -> -e.throughputFps();
      case GOPS_PER_DSP -> -e.gopsPerDsp();
    };
  }
}
