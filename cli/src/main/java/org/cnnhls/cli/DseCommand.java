package org.cnnhls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.dse.DesignSpace;
import org.cnnhls.dse.Evaluation;
import org.cnnhls.dse.Evaluator;
import org.cnnhls.dse.Explorer;
import org.cnnhls.dse.Objective;
import org.cnnhls.dse.ParetoFiles;
import org.cnnhls.flow.CompileFlow;
import org.cnnhls.flow.FlowException;
import org.cnnhls.ir.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dse", mixinStandardHelpOptions = true,
    description = "Design space exploration: search Tm, Tn, tiles, AXI width, precision and clock for a board under its "
        + "utilization caps; print the best points and write the Pareto fronts.")
final class DseCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = "--board", defaultValue = "ultra96v2", description = "target board (default ${DEFAULT-VALUE})")
  String board;

  @Option(names = "--objective", defaultValue = "latency",
      description = "latency, throughput or gops-per-dsp (default ${DEFAULT-VALUE})")
  String objective;

  @Option(names = "--precision", defaultValue = "16", description = "16, 8 or both (default ${DEFAULT-VALUE})")
  String precision;

  @Option(names = "--clock", paramLabel = "MHZ",
      description = "search at this clock only (default: the board's default up to its maximum in 25 MHz steps)")
  Double clock;

  @Option(names = "--winograd", defaultValue = "both",
      description = "the MAC array's Winograd F(2x2,3x3) mode: both (search with and without), on or off (default ${DEFAULT-VALUE})")
  String winograd;

  @Option(names = "--strategy", defaultValue = "auto",
      description = "exhaustive, anneal, or auto: exhaustive up to 200,000 points (default ${DEFAULT-VALUE})")
  String strategy;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the annealing chains (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--top", defaultValue = "10", description = "best points to print (default ${DEFAULT-VALUE})")
  int top;

  @Option(names = "--calibration", paramLabel = "X.npy",
      description = "calibration inputs as `compile` takes them: the engine's accumulators are sized from the model quantized "
          + "with them (as compile will), not from the contract's worst case")
  Path calibration;

  @Option(names = "--percentile", defaultValue = "100", paramLabel = "P",
      description = "activation range percentile of the calibration, as `compile --percentile` (default ${DEFAULT-VALUE})")
  double percentile;

  @Option(names = "--calibration-file", paramLabel = "CAL.json",
      description = "resource models refitted to measured reports (written by `cnnhls collect DIR --emit-calibration`)")
  Path calibrationFile;

  @Option(names = "--calibration-method", paramLabel = "M",
      description = "how calibration sets activation ranges, as `compile --calibration-method` (max, percentile, mse, entropy)")
  String calibrationMethod;

  @Option(names = "--input-range", defaultValue = "1.0", paramLabel = "R",
      description = "without --calibration: inputs in [-R, R], as `compile --input-range` (default ${DEFAULT-VALUE})")
  double inputRange;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "write pareto.csv, pareto.json and pareto.svg here")
  Path output;

  @Option(names = "--emit-config", paramLabel = "FILE.json",
      description = "write the best configuration as JSON for `cnnhls compile --config`")
  Path emitConfig;

  @Spec CommandSpec spec;

  static Objective objective(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "latency" -> Objective.LATENCY;
      case "throughput" -> Objective.THROUGHPUT;
      case "gops-per-dsp" -> Objective.GOPS_PER_DSP;
      default -> throw new UsageException("--objective must be latency, throughput or gops-per-dsp, got '" + name + "'");
    };
  }

  static int[] precisions(String p) {
    return switch (p) {
      case "16" -> new int[] {16};
      case "8" -> new int[] {8};
      case "both" -> new int[] {16, 8};
      default -> throw new UsageException("--precision must be 16, 8 or both for dse, got '" + p + "'");
    };
  }

  /** --winograd both|on|off: null for both (search with and without), else the one mode. */
  static Boolean winograd(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "both" -> null;
      case "on" -> true;
      case "off" -> false;
      default -> throw new UsageException("--winograd must be both, on or off, got '" + value + "'");
    };
  }

  /** The grid for a board, narrowed by the --clock and --winograd options. */
  static DesignSpace space(Board b, int[] precisions, Double clock, String winograd) {
    DesignSpace space = DesignSpace.of(b, precisions);
    if (clock != null) {
      if (!(clock > 0) || clock > b.clock().maxMHz()) {
        throw new UsageException("--clock " + clock + " MHz is outside " + b.name() + "'s range (0, " + b.clock().maxMHz() + "] MHz");
      }
      space = space.restrict(space.tm(), space.tn(), space.tiles(), new double[] {clock});
    }
    Boolean mode = winograd(winograd);
    return mode == null ? space : space.withWinograd(mode);
  }

  /**
   * The search itself, with the engine's accumulator widths of the model quantized at each searched
   * precision exactly as `compile` quantizes it (same presets, calibration, percentile), so a point
   * that fits here fits there: both go through the one {@link org.cnnhls.engine.Fit}.
   */
  static Explorer.Result search(Graph g, DesignSpace space, Objective o, String strategy, long seed, Evaluator.Widths widths) {
    Evaluator eval = new Evaluator(g, widths);
    return switch (strategy) {
      case "exhaustive" -> Explorer.exhaustive(space, eval, o);
      case "anneal" -> Explorer.anneal(space, eval, o, seed);
      case "auto" -> Explorer.auto(space, eval, o, seed);
      default -> throw new UsageException("--strategy must be exhaustive, anneal or auto, got '" + strategy + "'");
    };
  }

  @Override
  public Integer call() throws IOException {
    Objective o = objective(objective);
    int[] precs = precisions(precision);
    if (top < 1) throw new UsageException("--top must be at least 1");
    if (output != null) OutputFiles.checkFolder(output, "-o", "pareto.csv", "pareto.json", "pareto.svg");
    if (emitConfig != null) OutputFiles.checkFile(emitConfig, "--emit-config", model, calibration);
    Board b;
    try {
      b = HardwareOptions.calibrated(org.cnnhls.boards.BoardCatalog.byName(board), calibrationFile);
    } catch (org.cnnhls.boards.UnknownBoardException e) {
      throw new UsageException(e.getMessage());
    }
    DesignSpace space = space(b, precs, clock, winograd);
    Graph g = Pipelines.standard(ModelLoader.load(model));
    Explorer.Result r;
    try (Progress p = new Progress("exploring " + g.name() + " on " + b.name())) {
      List<Map<String, float[]>> calib = calibration == null ? List.of() : BatchInput.allSamples(g, calibration);
      PrintWriter err = spec.commandLine().getErr();
      java.util.Set<String> said = new java.util.HashSet<>();
      p.step("quantizing");
      Evaluator.Widths widths;
      try {
        widths = CompileFlow.searchWidths(g, b, precs, calib, FixedPointOptions.calibration(calibrationMethod, percentile), inputRange,
            m -> { if (said.add(m)) err.println("cnnhls: warning: " + m); });
      } catch (FlowException e) {
        throw new UsageException(e.getMessage());
      }
      p.step("searching");
      r = search(g, space, o, strategy, seed, widths);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s on %s: %,d points evaluated in %.2f s (%,.0f points/s), %,d fit the board%n", g.name(), b.name(),
        r.evaluated(), r.seconds(), r.evaluated() / r.seconds(), r.fitting().size());
    if (r.best() == null) {
      throw new UsageException("no configuration fits " + b.name() + " within its utilization caps");
    }
    out.printf("%-4s %-53s %10s %8s %7s %6s %7s %7s%n", "rank", "configuration", "latency ms", "GOPS", "DSP", "BRAM", "LUT", "FF");
    List<Evaluation> best = r.fitting().subList(0, Math.min(top, r.fitting().size()));
    for (int i = 0; i < best.size(); i++) {
      Evaluation e = best.get(i);
      out.printf(Locale.ROOT, "%-4d %-53s %10.3f %8.1f %7d %6d %7d %7d%n", i + 1, e.point().label(), e.latencySeconds() * 1e3,
          e.gops(), e.resources().dsp(), e.resources().bram18(), e.resources().lut(), e.resources().ff());
    }
    List<Evaluation> front = ParetoFiles.front(r.fitting());
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    if (output != null) {
      try {
        Files.createDirectories(output);
      } catch (IOException e) {
        throw new UsageException("-o " + output + ": cannot make the folder (" + e.getMessage() + ")");
      }
      SimulateCommand.writeAtomically(output.resolve("pareto.csv"), ParetoFiles.csv(front));
      SimulateCommand.writeAtomically(output.resolve("pareto.json"),
          json.writeValueAsString(ParetoFiles.json(g.name(), r, front, strategy)));
      SimulateCommand.writeAtomically(output.resolve("pareto.svg"), ParetoFiles.svg(g.name() + " on " + b.name()
          + ": latency against resources (Pareto front in red)", r.fitting(), front, b.resources().dsp(), b.resources().bram18()));
      out.println("wrote " + output.resolve("pareto.csv") + ", pareto.json, pareto.svg (" + front.size() + " points on the fronts)");
    }
    if (emitConfig != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> modeled = (Map<String, Object>) ParetoFiles.config(r.best()).get("modeled");
      SimulateCommand.writeAtomically(emitConfig, HardwareConfigFile.toJson(r.best().point().hw(), modeled));
      out.println("wrote " + emitConfig);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
