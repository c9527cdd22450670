package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.boards.UnknownBoardException;
import org.cnnhls.dse.Evaluation;
import org.cnnhls.ir.Graph;
import org.cnnhls.rtl.RtlConfig;
import org.cnnhls.rtl.RtlGenerator;
import org.cnnhls.sweep.LocalRunner;
import org.cnnhls.sweep.Scripts;
import org.cnnhls.sweep.Step;
import org.cnnhls.sweep.Sweep;
import org.cnnhls.sweep.SweepException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "sweep", mixinStandardHelpOptions = true,
    description = {"Synthesis sweep: run the design space exploration, write one generated project per chosen point "
        + "(task-NNN/ with its run.sh), manifest.json and sweep.sbatch, a Slurm job array (submit from DIR: sbatch sweep.sbatch), "
        + "or run the tasks here with --local. Then `cnnhls collect DIR`.",
        "Per task: CPUs 1 (2 with impl), memory 2 GB + 4x the model (8 GB with csynth, 16 GB with impl, 4 GB with yosys), "
            + "time 15 min per csim/systemc, 2 h csynth, 4 h impl, 1 h yosys, plus a minute per MB of model per step."})
final class SweepCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = "--board", required = true, description = "target board")
  String board;

  static final class Selection {
    @Option(names = "--top", paramLabel = "N", description = "the N best points by the objective, skipping any an already chosen point dominates (no better objective, no fewer resources; default 4)")
    Integer top;

    @Option(names = "--pareto", description = "the points on the Pareto fronts (latency against DSP, BRAM, LUT, FF)")
    boolean pareto;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Selection selection;

  @Option(names = "--calibration", paramLabel = "X.npy", description = "calibration inputs, as `compile --calibration`")
  Path calibration;

  @Option(names = "--precision", defaultValue = "16", description = "16 or 8 (default ${DEFAULT-VALUE})")
  int precision;

  @Option(names = "--objective", defaultValue = "latency", description = "latency, throughput or gops-per-dsp (default ${DEFAULT-VALUE})")
  String objective;

  @Option(names = "--winograd", defaultValue = "both",
      description = "search with the Winograd mode: both, on or off (default ${DEFAULT-VALUE}; off for points the yosys step can synthesize)")
  String winograd;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "the sweep folder (new or empty)")
  Path output;

  @Option(names = "--steps", defaultValue = "csim,systemc,csynth,impl",
      description = "of csim, systemc, csynth, impl, yosys (default ${DEFAULT-VALUE}); a tool missing on the node is recorded as skipped")
  String steps;

  @Option(names = "--partition", paramLabel = "P", description = "#SBATCH --partition")
  String partition;

  @Option(names = "--account", paramLabel = "A", description = "#SBATCH --account")
  String account;

  @Option(names = "--sbatch-line", paramLabel = "L", description = "an extra #SBATCH line (repeatable), e.g. --sbatch-line=--qos=long")
  List<String> sbatchLines = new ArrayList<>();

  @Option(names = "--local", description = "run the tasks on this machine instead of writing them for Slurm only")
  boolean local;

  @Option(names = "--jobs", defaultValue = "2", paramLabel = "K", description = "with --local: tasks at a time (default ${DEFAULT-VALUE})")
  int jobs;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Set<Step> stepSet;
    try {
      stepSet = Step.parse(steps);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--steps: " + e.getMessage());
    }
    int top = selection == null || selection.top == null ? (selection != null && selection.pareto ? 0 : 4) : selection.top;
    if (selection != null && selection.top != null && top < 1) throw new UsageException("--top must be at least 1");
    if (precision != 16 && precision != 8) throw new UsageException("--precision must be 16 or 8, got " + precision);
    if (jobs < 1) throw new UsageException("--jobs must be at least 1");
    Boolean wino = DseCommand.winograd(winograd);
    Board b;
    try {
      b = BoardCatalog.byName(board);
    } catch (UnknownBoardException e) {
      throw new UsageException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Sweep.Result r;
    try {
      Scripts.Slurm slurm = new Scripts.Slurm(partition, account, sbatchLines);
      List<Map<String, float[]>> calib = List.of();
      if (calibration != null) {
        Graph g = Pipelines.standard(ModelLoader.load(model));
        calib = BatchInput.allSamples(g, calibration);
      }
      java.util.Set<String> said = new java.util.HashSet<>();
      try (Progress p = new Progress("sweep of " + model.getFileName() + " on " + b.name())) {
        r = Sweep.write(new Sweep.Request(model, b, calib, precision, DseCommand.objective(objective), top, output, stepSet, slurm,
            (hwJson, dir) -> RtlGenerator.generate(RtlConfig.read(hwJson), dir), wino), p::step,
            m -> { if (said.add(m)) err.println("cnnhls: warning: " + m); });
      }
    } catch (SweepException e) {
      throw new UsageException(e.getMessage());
    }
    out.printf(Locale.ROOT, "wrote %s: %d points (%s), steps %s%n", output, r.points().size(), top > 0 ? "top " + top : "Pareto fronts",
        String.join(",", Step.ids(stepSet)));
    for (Sweep.Point pt : r.points()) {
      Evaluation e = pt.evaluation();
      out.printf(Locale.ROOT, "  %s  %-53s %9.3f ms  DSP %d  BRAM18 %d  LUT %d  FF %d%n", pt.task(), e.point().label(),
          e.latencySeconds() * 1e3, e.resources().dsp(), e.resources().bram18(), e.resources().lut(), e.resources().ff());
    }
    if (!local) {
      out.println("submit: cd " + output + " && sbatch " + Sweep.SBATCH + "; then: cnnhls collect " + output);
      out.flush();
      return ExitCodes.OK;
    }
    out.flush();
    List<LocalRunner.TaskRun> runs;
    try {
      runs = LocalRunner.run(output, jobs, line -> {
        out.println(line);
        out.flush();
      });
    } catch (SweepException e) {
      throw new UsageException(e.getMessage());
    }
    long failed = runs.stream().filter(t -> t.exitCode() != 0).count();
    out.printf("%d of %d tasks ran without a failed step; now: cnnhls collect %s%n", runs.size() - failed, runs.size(), output);
    out.flush();
    return ExitCodes.OK;
  }
}
