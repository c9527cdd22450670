package org.cnnhls.codegen;

import org.cnnhls.engine.HardwareConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.Lowering;
import org.cnnhls.sim.RooflineSvg;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.Simulator;
import org.cnnhls.frontend.ReferenceModels;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.api.Assumptions;

/** Test fixtures: the reference models, quantized with seeded calibration data, emitted as projects. */
final class Projects {
  private Projects() {}

  /**
   * Xilinx's C-simulation headers at {@code <repo>/../shared/third_party/xilinx-hls/include} (never
   * copied into the repository); skips the calling test when they are absent.
   */
  static Path xilinxHlsInclude() {
    Path repo = Path.of("").toAbsolutePath();
    while (repo != null && !Files.exists(repo.resolve("DEVELOPERS.md"))) repo = repo.getParent();
    Path inc = repo == null ? null : repo.resolveSibling("shared").resolve("third_party/xilinx-hls/include");
    Assumptions.assumeTrue(inc != null && Files.isRegularFile(inc.resolve("ap_int.h")),
        "Xilinx HLS headers not found at <repo>/../shared/third_party/xilinx-hls/include: vendor-header C-sim skipped");
    return inc;
  }

  static final List<String> MODELS = List.of("lenet5", "digits", "resnet_block", "mobilenetv2_block");

  static Graph model(String name) {
    return ReferenceModels.pipelined(name);
  }

  static List<Map<String, float[]>> samples(Graph g, String name, int count) {
    return ReferenceModels.samples(g, name, count);
  }

  static QuantizedGraph quantize(Graph g, String name, String precision) {
    return Quantizer.quantize(g, QuantOptions.preset(precision), ValueRanges.calibrate(g, samples(g, name, 8), 100));
  }

  static ProjectEmitter.Result emit(Path dir, String name, String precision) {
    return emit(dir, name, precision, false);
  }

  /** The project on ultra96's default configuration, with or without the Winograd mode. */
  static ProjectEmitter.Result emit(Path dir, String name, String precision, boolean winograd) {
    Graph g = model(name);
    QuantizedGraph q = quantize(g, name, precision);
    HardwareConfig hw = config(BoardCatalog.byName("ultra96"), precision).withWinograd(winograd);
    float[] input = samples(g, name, 9).get(8).get(g.inputs().get(0).name());
    return emit(dir, name, q, hw, input);
  }

  /** A board's default array and tiles (sized at 16 bit, as before precision was part of the record) at a precision. */
  static HardwareConfig config(Board b, String precision) {
    QuantOptions o = QuantOptions.preset(precision);
    int w = Math.max(o.weights().width(), o.activations().width());
    return HardwareConfig.defaults(b).withPrecision(w, w);
  }

  /**
   * Lowers, simulates and checks the fit as the compile flow does, then emits. The fixtures keep the
   * board's default array even where the Winograd fabric pushes it over the caps (they check
   * numerics and schedules, not fit), so such a project is written as `--force` would write it.
   */
  static ProjectEmitter.Result emit(Path dir, String name, QuantizedGraph q, HardwareConfig hw, float[] input) {
    EngineProgram p = Lowering.lower(q, hw);
    SimResult timing = Simulator.simulate(p, hw);
    Fit fit = Fit.of(hw, p);
    ProjectEmitter.Estimates est = new ProjectEmitter.Estimates(timing.layers(), Simulator.DESCRIPTION, fit, !fit.fits(),
        Map.of("roofline.svg", RooflineSvg.render(timing, name + " on " + hw.board().name() + ": roofline")));
    return ProjectEmitter.emit(dir, false, name, q, hw, p, est, input);
  }
}
