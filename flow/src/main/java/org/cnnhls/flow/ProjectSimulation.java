package org.cnnhls.flow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnnhls.codegen.ProjectEmitter;

/**
 * Builds and runs a generated project's C-simulation (g++, hls/) or SystemC model (systemc/) with
 * make, as `cnnhls csim` and `cnnhls systemc` do. The testbenches exit 0 only when every checked
 * layer equals the golden model by integer equality.
 */
public final class ProjectSimulation {
  private ProjectSimulation() {}

  private static final Pattern CYCLES = Pattern.compile("SYSTEMC cycles=(\\d+)");

  /**
   * One run: make's exit code, every line it printed, and the last non-blank one.
   *
   * @param cycles the SystemC model's total cycles, or -1 (C-sim, or not printed)
   */
  public record Outcome(int exitCode, List<String> lines, String lastLine, long cycles) {
    public boolean bitExact() {
      return exitCode == 0;
    }
  }

  public static Outcome csim(Path project) {
    return run(project, "hls", "csim", line -> { });
  }

  public static Outcome systemc(Path project) {
    return run(project, "systemc", "run", line -> { });
  }

  /** Runs {@code make target} in the project's sub-folder, passing each output line to {@code echo}. */
  public static Outcome run(Path project, String folder, String target, Consumer<String> echo) {
    if (!Files.exists(project.resolve(ProjectEmitter.MARKER)) || !Files.isRegularFile(project.resolve(folder + "/Makefile"))) {
      throw new FlowException(project + " is not a project made by `cnnhls compile`");
    }
    ProcessBuilder pb = new ProcessBuilder("make", "--no-print-directory", "-C", project.resolve(folder).toString(), target)
        .redirectErrorStream(true);
    Process proc;
    try {
      proc = pb.start();
    } catch (IOException e) {
      throw new FlowException("cannot run make (install make and g++: apt-get install build-essential): " + e.getMessage());
    }
    List<String> lines = new ArrayList<>();
    String last = "";
    long cycles = -1;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        echo.accept(line);
        lines.add(line);
        if (!line.isBlank()) last = line;
        Matcher m = CYCLES.matcher(line);
        if (m.find()) cycles = Long.parseLong(m.group(1));
      }
      return new Outcome(proc.waitFor(), List.copyOf(lines), last, cycles);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      proc.destroy();
      Thread.currentThread().interrupt();
      throw new FlowException("interrupted while running make in " + project.resolve(folder));
    }
  }
}
