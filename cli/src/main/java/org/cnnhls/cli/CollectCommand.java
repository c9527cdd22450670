package org.cnnhls.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnnhls.sweep.Collector;
import org.cnnhls.sweep.SweepException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "collect", mixinStandardHelpOptions = true,
    description = "Tabulate a sweep written by `cnnhls sweep`: every task's status.json, csynth.xml, placed utilization report, "
        + "Yosys stat and C-sim/SystemC verdicts next to the modeled resources and latency (error %% = (modeled - measured) / measured), "
        + "into DIR/sweep.csv and DIR/sweep.json. An absent report is the cell \"missing\" (why: the notes column).")
final class CollectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "the sweep folder")
  Path dir;

  @picocli.CommandLine.Option(names = "--emit-calibration", paramLabel = "CAL.json",
      description = "refit the resource models to the measured reports (core LUT/FF by bounded least squares from Yosys, "
          + "engine factors from csynth) and write them for `compile`/`dse --calibration-file`")
  Path emitCalibration;

  @picocli.CommandLine.Option(names = "--fit-on", defaultValue = "all", paramLabel = "all|even",
      description = "with --emit-calibration: fit on all points (default) or on the even-numbered ones, printing the model's error "
          + "on the others before and after the refit")
  String fitOn;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (emitCalibration != null) OutputFiles.checkFile(emitCalibration, "--emit-calibration");
    Collector.Table t;
    try {
      t = Collector.write(dir);
    } catch (SweepException e) {
      throw new UsageException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-9s %-12s %-12s %12s %12s %9s %9s %9s %9s%n", "task", "csim", "systemc", "model ms", "hls ms", "hls DSP", "impl DSP",
        "hls LUT", "impl LUT");
    for (Map<String, Object> r : t.rows()) {
      out.printf("%-9s %-12s %-12s %12s %12s %9s %9s %9s %9s%n", r.get("task"), r.get("csim"), r.get("systemc"), num(r.get("model_latency_ms")),
          num(r.get("hls_latency_ms")), r.get("hls_dsp"), r.get("impl_dsp"), r.get("hls_lut"), r.get("impl_lut"));
    }
    out.println("wrote " + dir.resolve("sweep.csv") + " and sweep.json (" + t.rows().size() + " points)");
    if (emitCalibration != null) {
      java.util.function.IntPredicate train = switch (fitOn) {
        case "all" -> i -> true;
        case "even" -> i -> i % 2 == 0;
        default -> throw new UsageException("--fit-on: '" + fitOn + "' is not all or even");
      };
      org.cnnhls.sweep.ModelFit.Result fit;
      try {
        fit = org.cnnhls.sweep.ModelFit.fit(dir, t, train);
      } catch (SweepException e) {
        throw new UsageException(e.getMessage());
      }
      OutputFiles.writeAtomically(emitCalibration, fit.calibration().toJson());
      out.println("wrote " + emitCalibration + ": " + fit.calibration().source());
      var held = org.cnnhls.sweep.ModelFit.heldOutErrors(dir, t, fit);
      if (!held.isEmpty()) {
        out.printf("%-9s %-4s %10s %10s %10s%n", "held out", "core", "yosys", "before %", "after %");
        for (String[] r : held) out.printf("%-9s %-4s %10s %10s %10s%n", (Object[]) r);
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String num(Object v) {
    return v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4f", d) : String.valueOf(v);
  }
}
