package org.cnnhls.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "boards", mixinStandardHelpOptions = true, description = "List the supported FPGA boards.")
final class BoardsCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return ExitCodes.OK; // filled in once the boards module lands
  }
}
