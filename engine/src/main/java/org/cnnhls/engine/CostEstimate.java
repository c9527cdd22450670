package org.cnnhls.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * First-order latency and resource estimates of the overlay engine for the report: per layer the
 * larger of compute cycles (tiled loop nest, one Tm x Tn MAC step per cycle) and DDR cycles (bytes
 * over the board's usable bandwidth), since double buffering overlaps the two. The cycle-approximate
 * simulator refines this.
 */
public record CostEstimate(List<Layer> layers, long totalCycles, double latencyMs, Resources resources) {

  /** This estimate as a {@link TimingModel}. */
  public static final TimingModel FIRST_ORDER = new TimingModel() {
    @Override
    public List<TimingModel.LayerCycles> time(EngineProgram p, HardwareConfig hw) {
      return of(p, hw).layers().stream()
          .map(l -> new TimingModel.LayerCycles(l.macs(), l.computeCycles(), l.memoryCycles(), l.cycles())).toList();
    }

    @Override
    public String describe() {
      return "first-order estimate (the larger of the tiled compute loop and DDR traffic per layer)";
    }
  };

  public record Layer(String node, String op, long macs, long computeCycles, long memoryCycles, long cycles, String bound) {}

  public record Resources(int dsp, int bram18, int lut, int ff) {}

  public static CostEstimate of(EngineProgram p, HardwareConfig hw) {
    double bytesPerCycle = hw.board().usableDdrBytesPerSecond() / (hw.clockMHz() * 1e6);
    int actBytes = EngineProgram.storageBytes(p.actWidth()), wBytes = EngineProgram.storageBytes(p.wgtWidth());
    List<Layer> out = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < p.layers().size(); i++) {
      LayerDescriptor d = p.layers().get(i);
      long macs = 0, compute;
      long bytes = (long) d.inC() * d.inH() * d.inW() * actBytes + (long) d.outSize() * actBytes;
      switch (d.op()) {
        case LayerDescriptor.OP_CONV -> {
          int cg = d.inC() / d.groups(), mg = d.outC() / d.groups();
          macs = (long) d.outC() * d.convH() * d.convW() * cg * d.kH() * d.kW();
          // Winograd mode: 16 cycles per 2 x 2 outputs instead of 9 per output
          long perPixel4 = hw.winogradFor(d) ? 16 : 4L * d.kH() * d.kW();
          compute = (long) d.groups() * ceil(mg, hw.tm()) * ceil(cg, hw.tn()) * ceil(d.convH(), hw.tr()) * ceil(d.convW(), hw.tc())
              * hw.tr() * hw.tc() * perPixel4 / 4;
          bytes += (long) d.outC() * cg * d.kH() * d.kW() * wBytes;
        }
        case LayerDescriptor.OP_GEMM -> {
          macs = (long) d.outC() * d.inC();
          compute = ceil(d.outC(), hw.tm()) * ceil(d.inC(), hw.tn());
          bytes += macs * wBytes;
        }
        case LayerDescriptor.OP_ADD -> {
          compute = d.outSize();
          bytes += (long) d.outSize() * actBytes;
        }
        default -> compute = (long) d.outSize() * Math.max(1, d.kH() * d.kW());
      }
      long memory = (long) Math.ceil(bytes / bytesPerCycle);
      long cycles = Math.max(compute, memory);
      total += cycles;
      out.add(new Layer(p.layerNodes().get(i), d.opName(), macs, compute, memory, cycles, compute >= memory ? "compute" : "memory"));
    }
    return new CostEstimate(out, total, total / (hw.clockMHz() * 1e3), resources(p, hw));
  }

  /** Null when a configuration fits the board's utilization caps, else which resource overflows and by how much. */
  public static String overCaps(HardwareConfig hw, int actWidth, int wgtWidth) {
    return ResourceModel.overCaps(ResourceModel.estimate(hw, actWidth, wgtWidth, ResourceModel.defaultLimits(actWidth, wgtWidth)),
        hw.board());
  }

  static Resources resources(EngineProgram p, HardwareConfig hw) {
    ResourceModel.Estimate e = ResourceModel.estimate(hw, p.actWidth(), p.wgtWidth(), EngineLimits.of(p));
    return new Resources(e.dsp(), e.bram18(), e.lut(), e.ff());
  }

  static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }
}
