package org.cnnhls.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnnhls.codegen.ProjectEmitter;
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
  public Integer call() throws IOException, InterruptedException {
    if (!Files.exists(dir.resolve(ProjectEmitter.MARKER)) || !Files.isRegularFile(dir.resolve(folder() + "/Makefile"))) {
      throw new UsageException(dir + " is not a project made by `cnnhls compile`");
    }
    PrintWriter out = spec.commandLine().getOut();
    ProcessBuilder pb = new ProcessBuilder("make", "--no-print-directory", "-C", dir.resolve(folder()).toString(), target())
        .redirectErrorStream(true);
    Process proc;
    try {
      proc = pb.start();
    } catch (IOException e) {
      throw new UsageException("cannot run make (install make and g++: apt-get install build-essential): " + e.getMessage());
    }
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.println(line);
        if (!line.isBlank()) last = line;
      }
    }
    int code = proc.waitFor();
    out.flush();
    if (code == 0) return ExitCodes.OK;
    spec.commandLine().getErr().println(spec.qualifiedName() + ": error: " + folder() + " simulation failed: " + last);
    return MISMATCH;
  }
}
