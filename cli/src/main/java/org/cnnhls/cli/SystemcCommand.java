package org.cnnhls.cli;

import picocli.CommandLine.Command;

/** `cnnhls systemc OUTDIR`: the generated SystemC model, built against libsystemc-dev and run. */
@Command(name = "systemc", mixinStandardHelpOptions = true,
    description = "Build a generated project's SystemC model (libsystemc-dev) and run it on the golden input: prints its "
        + "cycle count; exit 0 only when bit-exact.")
final class SystemcCommand extends CsimCommand {
  @Override
  String folder() {
    return "systemc";
  }

  @Override
  String target() {
    return "run";
  }
}
