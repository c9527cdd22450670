package org.cnnhls.codegen;

import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.LayerDescriptor;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.engine.LayerTiming;
import org.cnnhls.engine.ResourceModel;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cnnhls.boards.Board;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * report.json / report.md: per layer op, shapes, MACs, formats and the simulated cycles; totals, the
 * hardware configuration (in its file format) and the fit verdict against the board.
 * {@code resourceCalibration} is the source of the `--calibration-file` the resource model was
 * refitted with, null for the built-in coefficients.
 */
public record Report(String model, String board, String part, double clockMHz, String hardware, Map<String, Object> config,
    String timingModel, List<Output> outputs, List<Layer> layers, long totalMacs, long totalCycles, double latencyMs, double gops, double dspEfficiency,
    Resources resources, String resourceCalibration, String overflow, boolean forced) {

  public record Layer(int index, String node, String engineOp, String input, String output, long macs, String outputFormat,
      String weightFormat, long computeCycles, long memoryCycles, long cycles, String bound) {}

  /** A graph output as the host sees it: where the engine leaves it in the feature-map buffer. */
  public record Output(String name, String shape, String format, int fmapOffset, int size) {}

  public record Resource(int used, int available, int cap, double utilization) {}

  public record Resources(Resource dsp, Resource bram18, Resource lut, Resource ff, boolean fits) {}

  static Report of(String model, QuantizedGraph q, HardwareConfig hw, EngineProgram p, ProjectEmitter.Estimates estimates) {
    List<LayerTiming> cycles = estimates.layers();
    long totalCycles = 0;
    for (LayerTiming c : cycles) totalCycles += c.cycles();
    Graph g = q.graph();
    Map<String, Node> nodes = new java.util.HashMap<>();
    for (Node n : g.nodes()) nodes.put(n.name(), n);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < p.layers().size(); i++) {
      LayerDescriptor d = p.layers().get(i);
      LayerTiming c = cycles.get(i);
      Node n = nodes.get(p.layerNodes().get(i));
      LinearQuant lq = q.linear().get(n.name());
      String op = hw.winogradFor(d) ? d.opName() + " (Winograd)" : d.opName();
      layers.add(new Layer(i, n.name(), op, d.inC() + "x" + d.inH() + "x" + d.inW(),
          d.outC() + "x" + d.outH() + "x" + d.outW(), c.macs(), q.format(n.output()).toString(),
          lq == null ? "-" : lq.weightFormat().toString(), c.computeCycles(), c.memoryCycles(), c.cycles(),
          c.computeBound() ? "compute" : "memory"));
    }
    long macs = g.totalMacs();
    double seconds = totalCycles / (hw.clockMHz() * 1e6);
    double gops = 2.0 * macs / seconds / 1e9;
    boolean packed = hw.packsMacs();
    double peak = hw.macs() * hw.clockMHz() * 1e6 * 2 / 1e9;
    Board b = hw.board();
    Fit fit = estimates.fit();
    ResourceModel.Estimate r = fit.estimate();
    Resource dsp = resource(r.dsp(), b.resources().dsp(), b.utilizationCaps().dsp());
    Resource bram = resource(r.bram18(), b.resources().bram18(), b.utilizationCaps().bram());
    Resource lut = resource(r.lut(), b.resources().lut(), b.utilizationCaps().lut());
    Resource ff = resource(r.ff(), b.resources().ff(), b.utilizationCaps().ff());
    String hwText = hw.tm() + "x" + hw.tn() + " MAC array" + (packed ? " (two 8-bit MACs per DSP)" : "") + ", " + hw.tr() + "x"
        + hw.tc() + " tiles, " + hw.axiDataWidth() + "-bit AXI, " + hw.actWidth() + "-bit activations, " + hw.wgtWidth()
        + "-bit weights" + (hw.winograd() ? ", Winograd F(2x2,3x3) mode for 3x3 stride-1 convs (16 multiplies per 36 MACs)" : "");
    List<Output> outputs = new ArrayList<>();
    for (EngineProgram.Output o : p.outputs()) {
      outputs.add(new Output(o.value(), g.shape(o.value()).toString(), q.format(o.value()).toString(), o.off(), o.size()));
    }
    return new Report(model, b.name(), b.part(), hw.clockMHz(), hwText, HardwareConfigFile.toMap(hw), estimates.timingModel(),
        outputs, layers, macs, totalCycles, seconds * 1e3, gops, gops / peak, new Resources(dsp, bram, lut, ff, fit.fits()),
        b.modelCalibration() == null ? null : b.modelCalibration().source(), fit.overflow(), estimates.forced());
  }

  private static Resource resource(int used, int available, double cap) {
    return new Resource(used, available, Fit.cap(available, cap), available == 0 ? 0 : (double) used / available);
  }

  String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# cnnhls report: ").append(CppNames.literal(model)).append(" on ").append(board).append("\n\n");
    sb.append(String.format(Locale.ROOT, "Part %s at %.1f MHz; %s.%n%n", part, clockMHz, hardware));
    sb.append(String.format(Locale.ROOT, "- total: %,d MACs, %,d cycles, **%.3f ms** per image (%.1f GOPS, %.0f%% of the MAC array's peak)%n",
        totalMacs, totalCycles, latencyMs, gops, 100 * dspEfficiency));
    String estimator = resourceCalibration == null ? "the resource model"
        : "the resource model refitted by --calibration-file (" + (resourceCalibration.isEmpty() ? "no source recorded" : resourceCalibration) + ")";
    sb.append(String.format(Locale.ROOT, "- resources (modeled by %s, not synthesized): DSP %d/%d, BRAM18 %d/%d, LUT %d/%d, FF %d/%d: %s%n%n", estimator,
        resources.dsp().used(), resources.dsp().available(), resources.bram18().used(), resources.bram18().available(),
        resources.lut().used(), resources.lut().available(), resources.ff().used(), resources.ff().available(),
        resources.fits() ? "fits within the board's utilization caps" : "**exceeds the board's utilization caps** (" + overflow
            + (forced ? "; written because of --force" : "") + ")"));
    sb.append(outputs.size() == 1 ? "Output: " : "Outputs, in the model's order: ");
    for (int i = 0; i < outputs.size(); i++) {
      Output o = outputs.get(i);
      sb.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "`%s` %s %s (%,d values at feature-map offset %,d)",
          CppNames.literal(o.name()), o.shape(), o.format(), o.size(), o.fmapOffset()));
    }
    sb.append(".\n\n");
    sb.append("Cycles: ").append(timingModel).append(".\n\n");
    sb.append("| # | layer | engine op | input | output | MACs | out format | weights | cycles | compute cyc | memory cyc | bound |\n");
    sb.append("|---|---|---|---|---|---:|---|---|---:|---:|---:|---|\n");
    for (Layer l : layers) {
      sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %,d | %s | %s | %,d | %,d | %,d | %s |%n", l.index(),
          CppNames.literal(l.node()).replace("|", "/"), l.engineOp(), l.input(), l.output(), l.macs(), l.outputFormat(),
          l.weightFormat(), l.cycles(), l.computeCycles(), l.memoryCycles(), l.bound()));
    }
    return sb.toString();
  }
}
