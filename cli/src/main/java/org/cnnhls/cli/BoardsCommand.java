package org.cnnhls.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "boards", mixinStandardHelpOptions = true, description = "List the supported FPGA boards (boards/ data files).")
final class BoardsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-22s %-24s %6s %7s %5s %8s %9s %10s %s%n", "board", "part", "DSP", "BRAM18", "URAM", "LUT", "DDR GB/s",
        "clock MHz", "description");
    for (Board b : BoardCatalog.all()) {
      out.printf("%-22s %-24s %6d %7d %5d %8d %9.2f %10s %s%n", b.displayName(), b.part(), b.resources().dsp(),
          b.resources().bram18(), b.resources().uram(), b.resources().lut(), b.peakDdrBytesPerSecond() / 1e9,
          fmt(b.clock().defaultMHz()) + "/" + fmt(b.clock().maxMHz()), b.description());
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String fmt(double mhz) {
    return mhz == Math.rint(mhz) ? String.valueOf((long) mhz) : String.valueOf(mhz);
  }
}
