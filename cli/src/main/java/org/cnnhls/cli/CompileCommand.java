package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.flow.CompileFlow;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.pass.PassManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "compile", mixinStandardHelpOptions = true,
    description = "Compile an ONNX model into a Vitis HLS project for a board (overlay engine, or dataflow pipeline with --arch), with golden vectors, "
        + "Vivado block design, PYNQ driver and report.")
final class CompileCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "project folder (default out/<model>)")
  Path output;

  @Option(names = "--force", description = "replace an existing folder that was not made by cnnhls, and write a configuration "
      + "over the board's caps (with a warning)")
  boolean force;

  @Option(names = "--input", paramLabel = "X.npy",
      description = "the golden input (first sample); default: the first calibration sample, else seeded random data")
  Path input;

  @Mixin HardwareOptions hardware;

  @Option(names = "--config", paramLabel = "FILE.json", description = "hardware configuration from `cnnhls dse --emit-config`")
  Path config;

  @Option(names = "--no-dse", description = "use the board's safe default configuration instead of searching for the best")
  boolean noDse;

  @Option(names = "--dump-ir-after", paramLabel = "PASS", split = ",",
      description = "print the IR after these passes (or all) to stderr")
  List<String> dumpAfter;

  @Mixin FixedPointOptions fixed;

  @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "overlay",
      description = "overlay (default: one engine reused layer by layer, weights in DDR), dataflow (one pipeline stage per layer, "
          + "weights on chip), or auto (both estimated, the better by --objective is built)")
  String arch;

  @Option(names = "--objective", paramLabel = "OBJ", defaultValue = "latency",
      description = "latency or throughput: what the design space exploration and --arch auto optimise (default latency)")
  String objective;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    Graph imported = fixed.prepare(ModelLoader.load(model));
    Path dir = output != null ? output : Path.of("out", org.cnnhls.codegen.CppNames.folderName(imported.name()));
    PassManager pm = PassManager.defaultPipeline();
    if (dumpAfter != null && !dumpAfter.isEmpty()) {
      try {
        pm = pm.withDumpAfter(dumpAfter, text -> err.println(text));
      } catch (ModelException e) {
        throw new UsageException(e.getMessage());
      }
    }
    HardwareConfig given = null;
    if (config != null) {
      given = hardware.fromFile(config);
    } else if (hardware.anyGiven() || noDse) {
      given = hardware.config(fixed.storageWidth(), force);
    }
    Board b = given != null ? given.board() : hardware.board();
    List<Map<String, float[]>> calib = fixed.calibrationSamples(imported);
    CompileFlow.Arch a = switch (arch) {
      case "overlay" -> CompileFlow.Arch.OVERLAY;
      case "dataflow" -> CompileFlow.Arch.DATAFLOW;
      case "auto" -> CompileFlow.Arch.AUTO;
      default -> throw new UsageException("--arch must be overlay, dataflow or auto, got '" + arch + "'");
    };
    org.cnnhls.dse.Objective obj = switch (objective) {
      case "latency" -> org.cnnhls.dse.Objective.LATENCY;
      case "throughput" -> org.cnnhls.dse.Objective.THROUGHPUT;
      default -> throw new UsageException("--objective must be latency or throughput, got '" + objective + "'");
    };
    CompileFlow.Options o = CompileFlow.options(model, b).arch(a).objective(obj).graph(imported).passes(pm).precision(fixed.precision)
        .perChannel(fixed.perChannel).weightClipping(fixed.weightClipping()).biasCorrection(fixed.biasCorrection())
        .headroom(fixed.headroom())
        .calibrationMethod(fixed.calibration()).inputRange(fixed.inputRange).calibration(calib)
        .config(given).output(dir).force(force).warnings(w -> err.println("cnnhls: warning: " + w));
    if (fixed.quantConfig != null) o.overrides(g -> FixedPointOptions.readOverrides(fixed.quantConfig, g));
    if (input != null) o.goldenInput(BatchInput.bind(imported, List.of(input.toString())).sample(0).get(imported.inputs().get(0).name()));
    CompileFlow.Result r;
    try (Progress p = new Progress("compiling " + imported.name())) {
      r = o.progress(p::step).run();
    }
    if (r.choice() != null) err.println("cnnhls: architecture: " + r.choice());
    if (r.arch() == CompileFlow.Arch.DATAFLOW) {
      var plan = r.dataflow();
      var t = plan.resources();
      out.printf("wrote %s: dataflow accelerator, %d stages, %,d weight bits on chip, golden images %d (%,d values)%n", dir,
          plan.stages().size(), t.weightBits(), r.dataflowProject().images(), r.dataflowProject().checkedValues());
      out.printf(java.util.Locale.ROOT, "modeled: %,.0f images/s (one every %,d cycles, slowest stage %s), latency %.2f us at %.0f MHz; "
          + "DSP %d/%d, BRAM18 %d/%d, LUT %d/%d, FF %d/%d%s (see report.md)%n", plan.imagesPerSecond(), plan.intervalCycles(),
          org.cnnhls.codegen.CppNames.literal(plan.slowest().name()), plan.latencySeconds() * 1e6, plan.clockMHz(), t.dsp(), b.resources().dsp(),
          t.bram18(), b.resources().bram18(), t.lut(), b.resources().lut(), t.ff(), b.resources().ff(), plan.fit().fits() ? "" : ", OVER THE CAPS (--force)");
      out.flush();
      return ExitCodes.OK;
    }
    HardwareConfig hw = r.hw();
    if (r.search() != null) {
      err.printf(java.util.Locale.ROOT, "cnnhls: design space exploration chose %s (%,d points in %.1f s; --no-dse or --tm/--tn/... to override)%n",
          hw.label(), r.search().evaluated(), r.search().seconds());
    }
    out.printf("wrote %s: %d engine layers, %,d weights, golden %,d values%n", dir, r.program().layers().size(),
        r.program().weights().length, r.project().golden().checkedValues());
    List<String> kept = r.project().kept();
    if (!kept.isEmpty()) {
      out.printf("kept %d file(s) of the previous project that cnnhls did not write (%s%s)%n", kept.size(), kept.get(0),
          kept.size() > 1 ? ", ..." : "");
    }
    var e = r.fit().estimate();
    out.printf(java.util.Locale.ROOT, "simulated: %.3f ms per image at %.0f MHz (%.1f GOPS); DSP %d/%d, BRAM18 %d/%d, LUT %d/%d, FF %d/%d%s (see report.md)%n",
        r.latencyMs(), hw.clockMHz(), r.timing().gops(), e.dsp(), b.resources().dsp(), e.bram18(), b.resources().bram18(), e.lut(),
        b.resources().lut(), e.ff(), b.resources().ff(), r.fit().fits() ? "" : ", OVER THE CAPS (--force)");
    out.flush();
    return ExitCodes.OK;
  }
}
