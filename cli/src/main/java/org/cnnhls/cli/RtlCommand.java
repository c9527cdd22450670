package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.cnnhls.rtl.RtlConfig;
import org.cnnhls.rtl.RtlConfigException;
import org.cnnhls.rtl.RtlGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rtl", mixinStandardHelpOptions = true,
    description = "Generate the engine's Tm x Tn MAC array core as SystemVerilog (Chisel via firtool), with a README "
        + "for using it as a Vitis HLS RTL black box or a Vivado IP.")
final class RtlCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONFIG.json",
      description = "hardware configuration (JSON): tm, tn, actWidth, wgtWidth, outWidth; optional accWidth (or "
          + "maxK), mulWidth, shiftWidth, packMacs; other keys (tr, tc, clockMHz, board, ...) are ignored")
  Path config;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output folder (default out/rtl)")
  Path output = Path.of("out", "rtl");

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    RtlConfig c;
    try {
      c = RtlConfig.read(config);
    } catch (RtlConfigException e) {
      throw new UsageException(e.getMessage());
    }
    List<Path> files;
    try {
      files = RtlGenerator.generate(c, output);
    } catch (java.io.UncheckedIOException e) {
      throw new UsageException(e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("wrote %s: %dx%d MAC array, %d/%d-bit in, %d-bit accumulator, %d-bit out, latency %d cycles%n", output,
        c.tm(), c.tn(), c.actWidth(), c.wgtWidth(), c.accWidth(), c.outWidth(), RtlGenerator.latency());
    for (Path f : files) out.println("  " + f.getFileName());
    out.flush();
    return ExitCodes.OK;
  }
}
