package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cnnhls.engine.dataflow.DataflowStage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated dataflow project, built with g++ (stand-ins, or Xilinx's C-simulation headers) and
 * run by its own testbench: every output value of every golden image must equal the bit-accurate
 * golden model's.
 */
class DataflowCsimTest {
  @TempDir Path tmp;

  /** -O1: the weight ROM initializers of the bigger models compile much faster than at -O2. */
  static final String FLAGS = "CXXFLAGS=-std=c++14 -O1 -Wall -Wextra -Werror";

  @ParameterizedTest(name = "{0} at {1} bit on {2}, {3} images, Xilinx headers {4}")
  @CsvSource({
    "digits, 16, ultra96, 8, false", "digits, 8, ultra96, 8, false",
    "lenet5, 16, ultra96, 4, false", "lenet5, 8, ultra96, 4, false",
    "jet_mlp, 16, ultra96, 8, false", "jet_mlp, 8, ultra96, 8, false",
    "digits, 8, ultra96, 8, true", "jet_mlp, 16, ultra96, 8, true", "lenet5, 8, pynq-z2, 2, true"
  })
  void dataflowProjectIsBitExact(String model, String precision, String board, int images, boolean xilinx)
      throws IOException, InterruptedException {
    DataflowProjects.Emitted e = DataflowProjects.emit(tmp.resolve(model + precision), model, precision, board, images);
    List<String> vars = new ArrayList<>(List.of(FLAGS));
    if (xilinx) vars.add("XILINX_HLS_INCLUDE=" + Projects.xilinxHlsInclude());
    String out = make(e.result().dir().resolve("hls"), "csim", vars);
    if (xilinx) assertTrue(out.contains("-DCNNHLS_VENDOR_HEADERS"), out);
    assertTrue(out.contains("PASS: " + images + " images, " + e.result().checkedValues() + " values bit-exact"), out);
    long folded = e.plan().macStages().stream().filter(s -> s.pe() * s.simd() > 1).count();
    System.out.printf("dataflow csim %s %s-bit on %s%s: %d images, %d values bit-exact; %d stages (%d MAC stages folded), %s%n", model, precision,
        board, xilinx ? " (Xilinx headers)" : "", images, e.result().checkedValues(), e.plan().stages().size(), folded,
        e.plan().macStages().stream().map(s -> s.pe() + "x" + s.simd()).toList());
    assertTrue(e.plan().stages().stream().anyMatch(s -> s instanceof DataflowStage.Fc));
  }

  /**
   * The CNV benchmark as compile makes it (it fits no board, so unfolded: a minute of C-sim per
   * precision, on demand: -Dtest=DataflowCsimTest -Dcnnhls.excludedGroups=none); the suite runs CNV
   * refolded below.
   */
  @org.junit.jupiter.api.Tag("benchmark")
  @ParameterizedTest(name = "cnv at {0} bit on zcu104, unfolded")
  @CsvSource({"8", "16"})
  void cnvAsCompiledIsBitExact(String precision) throws IOException, InterruptedException {
    dataflowProjectIsBitExact("cnv", precision, "zcu104", 1, false);
  }

  /** Foldings the chooser does not pick on these boards: SIMD < Cin (several words per pixel), several output folds, strides. */
  @ParameterizedTest(name = "{0} at {1} bit, refolded")
  @CsvSource({"cnv, 8", "strided, 16", "strided, 8", "lenet5, 8"})
  void refoldedProjectIsBitExact(String model, String precision) throws IOException, InterruptedException {
    DataflowProjects.Emitted e = DataflowProjects.emitRefolded(tmp.resolve(model + precision), model, precision, model.equals("cnv") ? 1 : 4);
    String out = make(e.result().dir().resolve("hls"), "csim", List.of(FLAGS));
    assertTrue(out.contains("PASS: ") && out.contains(e.result().checkedValues() + " values bit-exact"), out);
    System.out.printf("dataflow csim %s %s-bit refolded: %d values bit-exact, %s%n", model, precision, e.result().checkedValues(),
        e.plan().macStages().stream().map(s -> s.pe() + "x" + s.simd()).toList());
  }

  /** The testbench can fail: one golden value changed makes it name the mismatch and exit non-zero. */
  @org.junit.jupiter.api.Test
  void aWrongGoldenValueFails() throws IOException, InterruptedException {
    DataflowProjects.Emitted e = DataflowProjects.emit(tmp.resolve("mlp"), "jet_mlp", "8", "ultra96", 2);
    Path golden = e.result().dir().resolve("hls/data/golden.bin");
    byte[] b = java.nio.file.Files.readAllBytes(golden);
    b[7] ^= 1;
    java.nio.file.Files.write(golden, b);
    Process p = new ProcessBuilder("make", "--no-print-directory", "-C", e.result().dir().resolve("hls").toString(), "csim", FLAGS)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor() != 0 && out.contains("MISMATCH image 1 value 2") && out.contains("FAIL: 1 of 10 values"), out);
  }

  static String make(Path hls, String target, List<String> vars) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("make", "--no-print-directory", "-C", hls.toString(), target));
    cmd.addAll(vars);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "make " + target + " failed:\n" + out);
    return out;
  }
}
