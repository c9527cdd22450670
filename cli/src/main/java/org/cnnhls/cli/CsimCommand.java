package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnnhls.flow.FlowException;
import org.cnnhls.flow.ProjectSimulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "csim", mixinStandardHelpOptions = true,
    description = "Build a generated project's HLS sources with g++ and run its testbench; exit 0 only when bit-exact.")
class CsimCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "OUTDIR", description = "a folder written by `cnnhls compile`")
  Path dir;

  @Spec CommandSpec spec;

  /** Exit code when the C-simulation builds and runs but is not bit-exact. */
  static final int MISMATCH = 4;

  /** The project sub-folder and make target this command runs. */
  String folder() {
    return "hls";
  }

  String target() {
    return "csim";
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ProjectSimulation.Outcome r;
    try {
      r = ProjectSimulation.run(dir, folder(), target(), out::println);
    } catch (FlowException e) {
      throw new UsageException(e.getMessage());
    }
    out.flush();
    if (r.exitCode() == 0) return ExitCodes.OK;
    spec.commandLine().getErr().println(spec.qualifiedName() + ": error: " + folder() + " simulation failed: " + r.lastLine());
    return MISMATCH;
  }
}
