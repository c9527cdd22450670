package org.cnnhls.flow;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.codegen.CppNames;
import org.cnnhls.codegen.DataflowEmitter;
import org.cnnhls.codegen.ProjectEmitter;
import org.cnnhls.dse.DesignSpace;
import org.cnnhls.dse.Evaluator;
import org.cnnhls.dse.Explorer;
import org.cnnhls.dse.Objective;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.Lowering;
import org.cnnhls.engine.dataflow.DataflowLowering;
import org.cnnhls.engine.dataflow.DataflowPlan;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.Calibration;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.cnnhls.sim.RooflineSvg;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.Simulator;

/**
 * The compile flow as a library: load, passes, quantize, choose the configuration, lower,
 * simulate, estimate, emit, each step once, every result a record. `cnnhls compile` is a thin
 * shell around it, and simulation-based tests use it directly:
 *
 * <pre>{@code
 * CompileFlow.Result r = CompileFlow.options(Path.of("model.onnx"), "ultra96")
 *     .calibration(samples).output(dir).run();
 * assertTrue(r.fit().fits());
 * assertTrue(r.latencyMs() < 20);
 * assertTrue(ProjectSimulation.csim(r.project().dir()).bitExact());
 * }</pre>
 *
 * User mistakes (a configuration for another board or precision, a design over the board's caps)
 * are {@link FlowException}s; models the engine cannot run are {@link ModelException}s.
 */
public final class CompileFlow {
  private CompileFlow() {}

  /** Everything the flow computed. {@code search} is null when the configuration was given; {@code project} when nothing was emitted. */
  public record Result(Graph imported, Graph graph, QuantizedGraph quantized, HardwareConfig hw, Explorer.Result search,
      EngineProgram program, SimResult timing, Fit fit, ProjectEmitter.Result project, Arch arch, DataflowPlan dataflow,
      DataflowEmitter.Result dataflowProject, String choice) {

    Result(Graph imported, Graph graph, QuantizedGraph quantized, HardwareConfig hw, Explorer.Result search, EngineProgram program,
        SimResult timing, Fit fit, ProjectEmitter.Result project) {
      this(imported, graph, quantized, hw, search, program, timing, fit, project, Arch.OVERLAY, null, null, null);
    }

    /** Latency of one image in milliseconds: simulated (overlay) or modeled (dataflow), of the architecture built. */
    public double latencyMs() {
      return arch == Arch.DATAFLOW ? dataflow.latencySeconds() * 1e3 : timing.latencySeconds() * 1e3;
    }
  }

  /**
   * Which accelerator `compile` builds: the descriptor-driven overlay (the default), the dataflow
   * pipeline ({@link DataflowLowering}), or auto: both are estimated and the better one by the
   * objective is built (latency: the lower per-image latency; throughput: the more images per
   * second, the overlay running one image at a time), or the one that can run the model at all.
   */
  public enum Arch { OVERLAY, DATAFLOW, AUTO }

  /** Options for a model file on a board (by name or alias, see `cnnhls boards`). */
  public static Options options(Path model, String board) {
    return new Options(model, BoardCatalog.byName(board));
  }

  public static Options options(Path model, Board board) {
    return new Options(model, board);
  }

  /** The flow's options; each setter returns this. Defaults: 16-bit preset, no calibration (analytic ranges), the DSE's best latency. */
  public static final class Options {
    private final Path model;
    private final Board board;
    private Graph graph;
    private String precision;
    private Boolean perChannel;
    private java.util.function.Function<Graph, Map<String, QuantOptions.LayerOverride>> overrides = g -> Map.of();
    private List<Map<String, float[]>> calibration = List.of();
    private Calibration calibrationMethod = Calibration.MAX;
    private QuantOptions.WeightClipping weightClipping = QuantOptions.WeightClipping.MAX;
    private boolean biasCorrection;
    private int headroomBits;
    private double inputRange = 1.0;
    private HardwareConfig config;
    private Objective objective = Objective.LATENCY;
    private Arch arch = Arch.OVERLAY;
    private long seed = 1;
    private float[] goldenInput;
    private Path output;
    private boolean force;
    private PassManager passes = PassManager.defaultPipeline();
    private Consumer<String> warnings = w -> { };
    private Consumer<String> progress = p -> { };

    Options(Path model, Board board) {
      this.model = model;
      this.board = board;
    }

    /** An already imported graph instead of reading the model file (the passes still run). */
    public Options graph(Graph g) {
      this.graph = g;
      return this;
    }

    /** Quantization preset: "16", "8" or "W,I" (default: the configuration's precision, else 16). */
    public Options precision(String p) {
      this.precision = p;
      return this;
    }

    public Options perChannel(Boolean on) {
      this.perChannel = on;
      return this;
    }

    /** Per-layer format overrides, by node name of the graph after the passes. */
    public Options overrides(Map<String, QuantOptions.LayerOverride> o) {
      Map<String, QuantOptions.LayerOverride> copy = Map.copyOf(o);
      this.overrides = g -> copy;
      return this;
    }

    /** Overrides computed from the graph after the passes (e.g. read from a file that names its layers). */
    public Options overrides(java.util.function.Function<Graph, Map<String, QuantOptions.LayerOverride>> o) {
      this.overrides = o;
      return this;
    }

    /** Calibration samples (input name to values); empty means analytic ranges from the input range. */
    public Options calibration(List<Map<String, float[]>> samples) {
      this.calibration = List.copyOf(samples);
      return this;
    }

    public Options percentile(double p) {
      this.calibrationMethod = Calibration.percentile(p);
      return this;
    }

    /** How activation ranges come from the calibration set (default max). */
    public Options calibrationMethod(Calibration c) {
      this.calibrationMethod = c;
      return this;
    }

    /** How weight scales are chosen (default max: {@link QuantOptions.WeightClipping}). */
    public Options weightClipping(QuantOptions.WeightClipping c) {
      this.weightClipping = c;
      return this;
    }

    /** Bias correction from the calibration set's input means (needs calibration; default off). */
    public Options biasCorrection(boolean on) {
      this.biasCorrection = on;
      return this;
    }

    /** Integer bits of headroom above the calibrated range in every activation format (default 0). */
    public Options headroom(int bits) {
      this.headroomBits = bits;
      return this;
    }

    public Options inputRange(double r) {
      this.inputRange = r;
      return this;
    }

    /** A fixed hardware configuration (skips the design space exploration). */
    public Options config(HardwareConfig hw) {
      this.config = hw;
      return this;
    }

    public Options objective(Objective o) {
      this.objective = o;
      return this;
    }

    /** The architecture (default overlay; see {@link Arch}). */
    public Options arch(Arch a) {
      this.arch = a;
      return this;
    }

    public Options seed(long s) {
      this.seed = s;
      return this;
    }

    /** The golden input of the emitted testbench (default: the first calibration sample, else seeded random data). */
    public Options goldenInput(float[] x) {
      this.goldenInput = x;
      return this;
    }

    /** Write the project here (default: nothing is written). */
    public Options output(Path dir) {
      this.output = dir;
      return this;
    }

    /** Replace a folder cnnhls did not make, and write a design over the board's caps (with a warning). */
    public Options force(boolean f) {
      this.force = f;
      return this;
    }

    public Options passes(PassManager pm) {
      this.passes = pm;
      return this;
    }

    /** Where warnings go (one line each; default: dropped). */
    public Options warnings(Consumer<String> w) {
      this.warnings = w;
      return this;
    }

    /** Where the flow reports which step it is in (default: dropped). */
    public Options progress(Consumer<String> p) {
      this.progress = p;
      return this;
    }

    public Board board() {
      return board;
    }

    public Result run() {
      return CompileFlow.run(this);
    }
  }

  static Result run(Options o) {
    o.progress.accept("importing");
    Graph imported = o.graph != null ? o.graph : OnnxImporter.load(o.model);
    Path out = o.output;
    if (out != null) ProjectEmitter.checkOutput(out, o.force, o.model); // fail before the long work
    o.progress.accept("running passes");
    Graph g = o.passes.run(imported);
    if (o.arch == Arch.OVERLAY) Lowering.checkMappable(g);

    String precision = preset(o.config, o.precision);
    QuantOptions q0;
    try {
      q0 = QuantOptions.preset(precision);
    } catch (ModelException e) {
      throw new FlowException("precision " + precision + ": " + e.getMessage());
    }
    int width = Math.max(q0.weights().width(), q0.activations().width());
    if (o.perChannel != null) q0 = q0.withPerChannel(o.perChannel);
    Map<String, QuantOptions.LayerOverride> overrides = o.overrides.apply(g);
    if (!overrides.isEmpty()) q0 = q0.withOverrides(overrides);
    if (o.biasCorrection && o.calibration.isEmpty()) throw new FlowException("bias correction needs calibration data");
    try {
      q0 = q0.withWeightClipping(o.weightClipping).withBiasCorrection(o.biasCorrection).withHeadroom(o.headroomBits);
    } catch (ModelException e) {
      throw new FlowException(e.getMessage());
    }

    o.progress.accept("quantizing");
    QuantizedGraph q = quantize(g, q0, o.calibration, o.calibrationMethod, o.inputRange, o.warnings);

    if (o.arch != Arch.OVERLAY) return runDataflowOrAuto(o, imported, g, q, width);
    OverlayDesign d = overlayDesign(o, g, q, width, o.force);
    ProjectEmitter.Result project = out == null ? null : emitOverlay(o, imported, g, q, d);
    return new Result(imported, g, q, d.hw, d.search, d.program, d.timing, d.fit, project);
  }

  /** The overlay's configuration (searched or given), program, simulated timing and fit verdict. */
  private record OverlayDesign(HardwareConfig hw, Explorer.Result search, EngineProgram program, SimResult timing, Fit fit) {}

  private static OverlayDesign overlayDesign(Options o, Graph g, QuantizedGraph q, int width, boolean force) {
    HardwareConfig hw = o.config;
    Explorer.Result search = null;
    if (hw == null) {
      o.progress.accept("exploring the design space");
      // the engine's accumulator and multiplier widths are those of this quantization, so the search
      // sizes the engine exactly as the project below is sized
      int[] acc = engineWidths(q, o.board);
      // q.graph(): a pre-quantized model's FakeQuant nodes are gone there
      Evaluator eval = new Evaluator(q.graph(), p -> p == width ? acc : null);
      // annealing with its polish step: it matched exhaustive search on every benchmarked model and
      // board, in a fraction of the time
      search = Explorer.anneal(DesignSpace.of(o.board, new int[] {width}), eval, o.objective, o.seed);
      if (search.best() == null) throw new FlowException("no configuration fits " + o.board.name() + " within its utilization caps");
      hw = search.best().point().hw();
    } else if (!o.config.board().name().equals(o.board.name())) {
      throw new FlowException("the configuration is for board " + o.config.board().name() + ", not " + o.board.name());
    }

    o.progress.accept("lowering");
    EngineProgram p = Lowering.lower(q, hw);
    o.progress.accept("simulating");
    SimResult timing = Simulator.simulate(p, hw);
    Fit fit = Fit.of(hw, p);
    if (!fit.fits()) {
      if (!force) {
        throw new FlowException("configuration " + hw.label() + " does not fit " + hw.board().name() + ": " + fit.overflow()
            + " (choose a smaller configuration, or --force to write it anyway)");
      }
      o.warnings.accept("configuration " + hw.label() + " does not fit " + hw.board().name() + ": " + fit.overflow()
          + "; writing it because of --force (the report says so too)");
    }
    return new OverlayDesign(hw, search, p, timing, fit);
  }

  private static ProjectEmitter.Result emitOverlay(Options o, Graph imported, Graph g, QuantizedGraph q, OverlayDesign d) {
    Path out = o.output;
    o.progress.accept("writing " + out);
    String title = CppNames.literal(imported.name()) + " on " + d.hw.board().name();
    ProjectEmitter.Estimates est = new ProjectEmitter.Estimates(d.timing.layers(), Simulator.DESCRIPTION, d.fit, o.force,
        Map.of("roofline.svg", RooflineSvg.render(d.timing, title + ": roofline")));
    return ProjectEmitter.emit(out, o.force, o.model, imported.name(), q, d.hw, d.program, est, goldenInput(o, g));
  }

  /**
   * --arch dataflow and auto. Dataflow: the plan (refused by node and op, or by resource unless
   * --force). Auto: the dataflow plan and the overlay design are both estimated (either may be
   * unable to run the model, which then decides) and compared by the objective; the one-line reason
   * goes to the result, the report and the progress output.
   */
  private static Result runDataflowOrAuto(Options o, Graph imported, Graph g, QuantizedGraph q, int width) {
    double clock = o.config != null ? o.config.clockMHz() : o.board.clock().defaultMHz();
    DataflowPlan plan = null;
    String dataflowWhyNot = null;
    o.progress.accept("planning the dataflow stages");
    try {
      plan = DataflowLowering.plan(q, o.board, clock);
      if (!plan.fit().fits()) dataflowWhyNot = "the dataflow design does not fit " + o.board.name() + ": " + plan.fit().overflow();
    } catch (ModelException e) {
      if (o.arch == Arch.DATAFLOW) throw e;
      dataflowWhyNot = e.getMessage();
    }
    String choice;
    OverlayDesign overlay = null;
    if (o.arch == Arch.DATAFLOW) {
      if (dataflowWhyNot != null) {
        if (!o.force) throw new FlowException(dataflowWhyNot + " (use --arch overlay or auto, a bigger board, or --force to write it anyway)");
        o.warnings.accept(dataflowWhyNot + "; writing it because of --force (the report says so too)");
      }
      choice = "dataflow (--arch dataflow)";
    } else {
      String overlayWhyNot = null;
      try {
        Lowering.checkMappable(g);
        overlay = overlayDesign(o, g, q, width, false);
      } catch (ModelException | FlowException e) {
        overlayWhyNot = e.getMessage();
      }
      if (dataflowWhyNot != null && overlayWhyNot != null) {
        throw new FlowException("neither architecture can build the model on " + o.board.name() + ": dataflow: " + dataflowWhyNot + "; overlay: "
            + overlayWhyNot);
      }
      choice = autoChoice(o.objective, plan, dataflowWhyNot, overlay, overlayWhyNot);
      if (choice.startsWith("overlay")) plan = null;
    }
    o.progress.accept("auto/dataflow: " + choice);
    if (plan == null) {
      ProjectEmitter.Result project = null;
      if (o.output != null) {
        project = emitOverlay(o, imported, g, q, overlay);
        appendChoice(project.dir(), choice);
      }
      return new Result(imported, g, q, overlay.hw, overlay.search, overlay.program, overlay.timing, overlay.fit, project, Arch.OVERLAY, null, null,
          choice);
    }
    DataflowEmitter.Result project = null;
    if (o.output != null) {
      o.progress.accept("writing " + o.output);
      project = DataflowEmitter.emit(o.output, o.force, o.model, imported.name(), q, plan, goldenInputs(o, g), choice);
    }
    return new Result(imported, g, q, overlay == null ? null : overlay.hw, overlay == null ? null : overlay.search,
        overlay == null ? null : overlay.program, overlay == null ? null : overlay.timing, overlay == null ? null : overlay.fit, null,
        Arch.DATAFLOW, plan, project, choice);
  }

  /** auto's decision as one line, starting with the architecture chosen. */
  static String autoChoice(Objective objective, DataflowPlan plan, String dataflowWhyNot, OverlayDesign overlay, String overlayWhyNot) {
    // the refusal's advice to pick the overlay is what auto just did
    if (dataflowWhyNot != null) return "overlay (auto): " + dataflowWhyNot.replace(" (use --arch overlay)", "");
    if (overlayWhyNot != null) return "dataflow (auto): the overlay cannot build it: " + overlayWhyNot;
    double dfLat = plan.latencySeconds(), ovLat = overlay.timing.latencySeconds();
    double dfRate = plan.imagesPerSecond(), ovRate = 1.0 / ovLat;
    boolean dataflow = objective == Objective.THROUGHPUT ? dfRate >= ovRate : dfLat <= ovLat;
    String figures = String.format(java.util.Locale.ROOT,
        "dataflow modeled %,.0f images/s, %.2f us latency; overlay %s simulated %,.0f images/s, %.2f us (throughput %.1fx, latency %.1fx)",
        dfRate, dfLat * 1e6, overlay.hw.label(), ovRate, ovLat * 1e6, dfRate / ovRate, ovLat / dfLat);
    return (dataflow ? "dataflow" : "overlay") + " (auto, objective " + objective.name().toLowerCase(java.util.Locale.ROOT) + "): " + figures;
  }

  /** auto chose the overlay: its report says why, after the overlay's own text (left as it is). */
  private static void appendChoice(Path dir, String choice) {
    try {
      java.nio.file.Files.writeString(dir.resolve("report.md"), "\nArchitecture: " + org.cnnhls.codegen.DataflowReport.markdownText(choice) + "\n",
          java.nio.charset.StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new org.cnnhls.codegen.OutputDirectoryException("cannot write " + dir.resolve("report.md") + ": " + e.getMessage());
    }
  }

  /** The dataflow testbench's golden images: the given input, else up to 8 calibration samples, else seeded random data. */
  private static List<float[]> goldenInputs(Options o, Graph g) {
    if (o.goldenInput != null || o.calibration.isEmpty()) return List.of(goldenInput(o, g));
    String name = g.inputs().get(0).name();
    return o.calibration.stream().limit(8).map(m -> m.get(name)).toList();
  }

  /**
   * The one quantization path of every command: calibrated ranges (max or a percentile) when
   * samples are given, else the analytic bound from inputs in [-inputRange, inputRange], with a
   * warning when that bound cannot be held by the formats.
   */
  public static QuantizedGraph quantize(Graph g, QuantOptions options, List<Map<String, float[]>> calibration, double percentile,
      double inputRange, Consumer<String> warnings) {
    if (!(percentile > 0 && percentile <= 100)) throw new FlowException("percentile must be in (0, 100], got " + percentile);
    return quantize(g, options, calibration, Calibration.percentile(percentile), inputRange, warnings);
  }

  /** The same with any calibration method (max, percentile, mse, entropy: {@link Calibration}). */
  public static QuantizedGraph quantize(Graph g, QuantOptions options, List<Map<String, float[]>> calibration, Calibration method,
      double inputRange, Consumer<String> warnings) {
    ValueRanges ranges;
    boolean carried = org.cnnhls.ir.quant.ModelQuantization.carries(g);
    if (calibration.isEmpty()) {
      // a pre-quantized model's formats are its own: the bound only sizes values it left unquantized
      if (!carried) {
        warnings.accept("no calibration given; activation formats come from an analytic bound assuming inputs in [-" + inputRange
            + ", " + inputRange + "], which wastes bits on deep models");
      }
      ranges = ValueRanges.analytic(g, inputRange);
    } else {
      ranges = ValueRanges.calibrate(g, calibration, method, options.activations().width());
    }
    QuantizedGraph q = Quantizer.quantize(g, options, ranges);
    if (calibration.isEmpty() && !carried) {
      long beyond = q.graph().nodes().stream().filter(n -> ranges.of(n.output()) > q.format(n.output()).maxReal()).count();
      if (beyond > 0) {
        warnings.accept("the analytic bounds of " + beyond + " layer outputs exceed what their fixed-point formats can hold, so "
            + "those values may saturate; give calibration data for usable formats");
      }
    }
    return q;
  }

  /**
   * {accumulator width, requantize multiplier width} of a quantized model: the engine's accumulator
   * and multiplier sizing (tile-independent), as the design space exploration must use them to
   * size the engine as the project will be.
   */
  public static int[] engineWidths(QuantizedGraph q, Board board) {
    int width = 0;
    for (var f : q.formats().values()) width = Math.max(width, f.width());
    for (var lq : q.linear().values()) width = Math.max(width, lq.weightFormat().width());
    int storage = width <= 8 ? 8 : 16;
    EngineProgram t = Lowering.forTiming(q, HardwareConfig.defaults(board, storage));
    return new int[] {t.accWidth(), t.multWidth()};
  }

  /**
   * The engine widths of the model quantized at each preset precision (16, 8) exactly as `compile`
   * quantizes it from the same calibration, for a search that sizes the engine as the project will
   * be (`dse --calibration`, `sweep`).
   */
  public static Evaluator.Widths searchWidths(Graph g, Board board, int[] precisions, List<Map<String, float[]>> calibration,
      double percentile, double inputRange, Consumer<String> warnings) {
    return searchWidths(g, board, precisions, calibration, Calibration.percentile(percentile), inputRange, warnings);
  }

  public static Evaluator.Widths searchWidths(Graph g, Board board, int[] precisions, List<Map<String, float[]>> calibration,
      Calibration method, double inputRange, Consumer<String> warnings) {
    Map<Integer, int[]> widths = new java.util.HashMap<>();
    for (int w : precisions) {
      QuantizedGraph q = quantize(g, QuantOptions.preset(String.valueOf(w)), calibration, method, inputRange, warnings);
      widths.put(w, engineWidths(q, board));
    }
    return widths::get;
  }

  /** The quantization preset: the one asked for, which must match a given configuration's storage width. */
  public static String preset(HardwareConfig config, String asked) {
    if (config == null) return asked != null ? asked : "16";
    int built = config.precision();
    if (asked == null) {
      if (built != 16 && built != 8) {
        throw new FlowException("the configuration is built for " + built + "-bit storage; give the precision as W,I (e.g. --precision "
            + built + "," + Math.max(1, built / 4) + ")");
      }
      return String.valueOf(built);
    }
    QuantOptions options;
    try {
      options = QuantOptions.preset(asked);
    } catch (ModelException e) {
      throw new FlowException("precision " + asked + ": " + e.getMessage());
    }
    int w = Math.max(options.weights().width(), options.activations().width());
    if (w != built) {
      throw new FlowException("precision " + asked + " stores " + w + "-bit values but the configuration is built for " + built
          + "-bit storage; drop the precision option or choose a configuration of that precision");
    }
    return asked;
  }

  private static float[] goldenInput(Options o, Graph g) {
    if (o.goldenInput != null) return o.goldenInput;
    String name = g.inputs().get(0).name();
    if (!o.calibration.isEmpty()) return o.calibration.get(0).get(name);
    Random r = new Random(1);
    float[] x = new float[g.inputs().get(0).shape().size()];
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1) * (float) o.inputRange;
    return x;
  }
}
