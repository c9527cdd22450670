package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.codegen.ProjectEmitter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.SimulatedTiming;
import org.cnnhls.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "compile", mixinStandardHelpOptions = true,
    description = "Compile an ONNX model into a Vitis HLS overlay-engine project for a board, with golden vectors, "
        + "Vivado block design, PYNQ driver and report.")
final class CompileCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "project folder (default out/<model>)")
  Path output;

  @Option(names = "--force", description = "replace an existing folder that was not made by cnnhls")
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

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
    Graph imported = ModelLoader.load(model);
    Path dir = output != null ? output : Path.of("out", org.cnnhls.codegen.CppNames.identifier(imported.name()));
    ProjectEmitter.checkOutput(dir, force); // fail before the long work
    PassManager pm = PassManager.defaultPipeline();
    if (dumpAfter != null && !dumpAfter.isEmpty()) {
      try {
        pm = pm.withDumpAfter(dumpAfter, text -> err.println(text));
      } catch (ModelException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Graph g = pm.run(imported);
    org.cnnhls.engine.Lowering.checkMappable(g);
    int width = fixed.storageWidth();
    HardwareConfig hw;
    if (config != null) {
      hw = hardware.fromFile(config, width, width);
    } else if (hardware.anyGiven() || noDse || (width != 16 && width != 8)) {
      hw = hardware.config(width, width);
    } else {
      // the design space exploration's best point (latency) for this board and precision
      // annealing with its polish step: it matched exhaustive search on every benchmarked model and
      // board, in a fraction of the time
      org.cnnhls.dse.Explorer.Result best = DseCommand.search(g, org.cnnhls.dse.DesignSpace.of(hardware.board(), new int[] {width}),
          org.cnnhls.dse.Objective.LATENCY, "anneal", 1);
      if (best.best() == null) throw new UsageException("no configuration fits " + hardware.board().name());
      hw = best.best().point().hw();
      err.printf(java.util.Locale.ROOT, "cnnhls: design space exploration chose %s (%,d points in %.1f s; --no-dse or --tm/--tn/... to override)%n",
          best.best().point().label(), best.evaluated(), best.seconds());
    }
    Board b = hw.board();
    List<Map<String, float[]>> calib = fixed.calibrationSamples(g);
    float[] golden = goldenInput(g, calib);
    QuantizedGraph q;
    ProjectEmitter.Result r;
    try (Progress p = new Progress("compiling " + g.name())) {
      q = fixed.quantize(g, calib, err);
      r = ProjectEmitter.emit(dir, force, imported.name(), q, hw, golden, new SimulatedTiming());
    }
    out.printf("wrote %s: %d engine layers, %,d weights, golden %,d values%n", dir, r.program().layers().size(),
        r.program().weights().length, r.golden().checkedValues());
    SimResult sim = Simulator.simulate(r.program(), hw);
    out.printf("simulated: %.3f ms per image at %.0f MHz (%.1f GOPS); DSP %d/%d, BRAM18 %d/%d (see report.md)%n",
        sim.latencySeconds() * 1e3, hw.clockMHz(), sim.gops(), r.cost().resources().dsp(), b.resources().dsp(),
        r.cost().resources().bram18(), b.resources().bram18());
    out.flush();
    return ExitCodes.OK;
  }

  private float[] goldenInput(Graph g, List<Map<String, float[]>> calib) {
    String name = g.inputs().get(0).name();
    if (input != null) return BatchInput.bind(g, List.of(input.toString())).sample(0).get(name);
    if (!calib.isEmpty()) return calib.get(0).get(name);
    Random r = new Random(1);
    float[] x = new float[g.inputs().get(0).shape().size()];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1) * (float) fixed.inputRange;
    return x;
  }
}
