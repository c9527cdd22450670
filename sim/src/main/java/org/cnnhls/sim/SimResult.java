package org.cnnhls.sim;

import org.cnnhls.engine.LayerTiming;
import java.util.List;
import java.util.Locale;
import org.cnnhls.engine.HardwareConfig;

/**
 * The simulator's answer: per-layer timings and totals at the board clock, achieved GOPS, and DSP
 * efficiency (achieved MACs per cycle over the array's Tm x Tn). Layers in Winograd mode do 36 MACs
 * with 16 multiplies, so their efficiency can reach 225%.
 */
public record SimResult(List<LayerTiming> layers, HardwareConfig hw, boolean packed8bit) {

  public long totalCycles() {
    long t = 0;
    for (LayerTiming l : layers) t += l.cycles();
    return t;
  }

  public long totalMacs() {
    long t = 0;
    for (LayerTiming l : layers) t += l.macs();
    return t;
  }

  public double latencySeconds() {
    return totalCycles() / (hw.clockMHz() * 1e6);
  }

  public double gops() {
    return 2.0 * totalMacs() / latencySeconds() / 1e9;
  }

  /** Achieved MACs per cycle over the array size. */
  public double efficiency() {
    return (double) totalMacs() / totalCycles() / hw.macs();
  }

  public double layerEfficiency(LayerTiming l) {
    return l.cycles() == 0 ? 0 : (double) l.macs() / l.cycles() / hw.macs();
  }

  /** Seconds spent in layers of one engine op (e.g. "CONV"). */
  public double secondsIn(String op) {
    long t = 0;
    for (LayerTiming l : layers) if (l.op().equals(op)) t += l.cycles();
    return t / (hw.clockMHz() * 1e6);
  }

  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-4s %-26s %-9s %14s %14s %14s %14s %7s %-7s%n", "#", "layer", "op", "MACs", "cycles",
        "compute", "memory", "eff", "bound"));
    for (int i = 0; i < layers.size(); i++) {
      LayerTiming l = layers.get(i);
      String name = l.node().length() > 26 ? "..." + l.node().substring(l.node().length() - 23) : l.node();
      sb.append(String.format(Locale.ROOT, "%-4d %-26s %-9s %,14d %,14d %,14d %,14d %6.1f%% %-7s%n", i, name, l.op(), l.macs(),
          l.cycles(), l.computeCycles(), l.memoryCycles(), 100 * layerEfficiency(l), l.computeBound() ? "compute" : "memory"));
    }
    sb.append(String.format(Locale.ROOT, "total: %,d cycles = %.3f ms at %.0f MHz; %.1f GOPS; MAC-array efficiency %.1f%% (%dx%d%s%s)%n",
        totalCycles(), latencySeconds() * 1e3, hw.clockMHz(), gops(), 100 * efficiency(), hw.tm(), hw.tn(),
        packed8bit ? ", 8-bit" : "", hw.winograd() ? ", Winograd mode" : ""));
    return sb.toString();
  }
}
