package org.cnnhls.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(
    name = "cnnhls",
    mixinStandardHelpOptions = true,
    versionProvider = CnnhlsCommand.Version.class,
    description = "Compile trained CNNs (ONNX) into FPGA accelerators for Xilinx Zynq boards.",
    subcommands = {InspectCommand.class, RunCommand.class, QuantizeCommand.class, CompileCommand.class, CsimCommand.class, SystemcCommand.class, SimulateCommand.class, DseCommand.class, PassesCommand.class, BoardsCommand.class, BenchCommand.class, RtlCommand.class, SweepCommand.class, CollectCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:internal error (a bug; set CNNHLS_DEBUG=1 for a stack trace)",
      "2:usage error (bad option, missing or mismatched input file)",
      "3:invalid or unsupported model",
      "4:csim: the generated project builds but is not bit-exact (or fails to build)"
    })
public final class CnnhlsCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required (see cnnhls --help)");
  }

  /** Reads the version Maven filtered into the jar. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = CnnhlsCommand.class.getResourceAsStream("/cnnhls-version.properties")) {
        if (in != null) p.load(in);
      }
      return new String[] {"cnnhls " + p.getProperty("version", "unknown"), "Java " + System.getProperty("java.version")};
    }
  }
}
