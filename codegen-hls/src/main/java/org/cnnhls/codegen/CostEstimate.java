package org.cnnhls.codegen;

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
          compute = (long) d.groups() * ceil(mg, hw.tm()) * ceil(cg, hw.tn()) * ceil(d.convH(), hw.tr()) * ceil(d.convW(), hw.tc())
              * hw.tr() * hw.tc() * d.kH() * d.kW();
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
    Resources r = resources(actWidth, wgtWidth, hw);
    var b = hw.board();
    var caps = b.utilizationCaps();
    StringBuilder sb = new StringBuilder();
    over(sb, "DSP", r.dsp(), b.resources().dsp(), caps.dsp());
    over(sb, "BRAM18", r.bram18(), b.resources().bram18(), caps.bram());
    over(sb, "LUT", r.lut(), b.resources().lut(), caps.lut());
    over(sb, "FF", r.ff(), b.resources().ff(), caps.ff());
    return sb.length() == 0 ? null : sb.toString();
  }

  private static void over(StringBuilder sb, String what, int used, int available, double cap) {
    int limit = (int) Math.floor(available * cap);
    if (used <= limit) return;
    if (sb.length() > 0) sb.append("; ");
    sb.append(String.format(java.util.Locale.ROOT, "%s %d > %d (%.0f%% of %d) by %d", what, used, limit, cap * 100, available, used - limit));
  }

  /** DSP: one per 16-bit MAC, two 8-bit MACs packed per DSP48E2; BRAM18 from double-buffered tile buffers. */
  static Resources resources(EngineProgram p, HardwareConfig hw) {
    return resources(p.actWidth(), p.wgtWidth(), hw);
  }

  static Resources resources(int actWidth, int wgtWidth, HardwareConfig hw) {
    boolean packed = actWidth <= 8 && wgtWidth <= 8 && hw.board().family() == org.cnnhls.boards.Board.Family.ZYNQ_ULTRASCALE_PLUS;
    int dsp = (packed ? (hw.macs() + 1) / 2 : hw.macs()) + 8; // + requantize multipliers in the output stage
    int k = 11, s = 4; // largest window the buffers are sized for (AlexNet-style 11x11 stride 4)
    long inBits = 2L * hw.tn() * ((hw.tr() - 1) * s + k) * ((hw.tc() - 1) * s + k) * actWidth;
    long wBits = 2L * hw.tm() * hw.tn() * 9 * wgtWidth;
    long accBits = (long) hw.tm() * hw.tr() * hw.tc() * 48;
    long outBits = 2L * hw.tm() * hw.tr() * hw.tc() * actWidth;
    int bram = (int) (ceil(inBits, 18 * 1024) + ceil(wBits, 18 * 1024) + ceil(accBits, 18 * 1024) + ceil(outBits, 18 * 1024))
        + 2 * hw.tm() / 2;
    int lut = 9000 + hw.macs() * (packed ? 45 : 70);
    int ff = 12000 + hw.macs() * (packed ? 60 : 110);
    return new Resources(dsp, bram, lut, ff);
  }

  static long ceil(long a, long b) {
    return (a + b - 1) / b;
  }
}
