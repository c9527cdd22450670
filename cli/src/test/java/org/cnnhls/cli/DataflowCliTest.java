package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `compile --arch`: the dataflow project, auto's one-line reason, and bad options as one-line errors. */
class DataflowCliTest {
  @TempDir Path tmp;

  @Test
  void autoSaysWhyAndWritesTheDataflowProject() {
    Path out = tmp.resolve("d");
    Cli.Result r = Cli.run("compile", Cli.DIGITS_MODEL, "--arch", "auto", "--objective", "throughput", "--precision", "8",
        "--calibration", Cli.DIGITS_X, "-o", out);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("cnnhls: architecture: dataflow (auto, objective throughput): "), r::toString);
    assertTrue(r.out().contains("dataflow accelerator, 8 stages") && r.out().contains("modeled: "), r::toString);
    assertTrue(Files.exists(out.resolve("hls/cnnhls_df_top.cpp")) && Files.exists(out.resolve("report.md")));
  }

  @Test
  void badArchAndObjectiveAreUsageErrors() {
    Cli.assertError(ExitCodes.USAGE, Cli.run("compile", Cli.DIGITS_MODEL, "--arch", "systolic", "-o", tmp.resolve("a")), "--arch",
        "systolic");
    Cli.assertError(ExitCodes.USAGE, Cli.run("compile", Cli.DIGITS_MODEL, "--arch", "auto", "--objective", "area", "-o", tmp.resolve("b")),
        "--objective", "area");
  }
}
