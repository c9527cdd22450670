package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated HLS project, built with g++ against the project's own ap_int stand-ins (and, for
 * most cases, again against Xilinx's own C-simulation headers) and run by its own testbench: every
 * engine layer's output must equal the bit-accurate golden model.
 */
class CsimBitExactTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} at {1} bit, winograd {2}")
  @CsvSource({
    "lenet5, 16, false", "lenet5, 8, false",
    "digits, 16, false", "digits, 8, false",
    "resnet_block, 16, false", "resnet_block, 8, false",
    "mobilenetv2_block, 16, false", "mobilenetv2_block, 8, false",
    "digits, 8, true", "resnet_block, 16, true",
    "se_block, 16, false", "se_block, 8, false", "resize_block, 16, false", "resize_block, 8, false",
    "activation_block, 16, false", "activation_block, 8, false",
    "yolo_tiny_block, 16, false", "yolo_tiny_block, 8, false"
  })
  void generatedProjectIsBitExact(String model, String precision, boolean winograd) throws IOException, InterruptedException {
    ProjectEmitter.Result r = Projects.emit(tmp.resolve(model + precision + winograd), model, precision, winograd);
    String out = make(r.dir().resolve("hls"));
    assertTrue(out.contains("PASS: " + r.program().layers().size() + " layers"), out);
    System.out.printf("csim %s %s-bit winograd %s: %d layers, %d values bit-exact%n", model, precision, winograd,
        r.program().layers().size(), r.golden().checkedValues());
  }

  /**
   * The structural ops (issue 14): a UNet block's lowered ConvTransposes (SPREAD + conv, grouped,
   * output_padding) and a ShuffleNetV2 unit's channel split (offset aliases), shuffle (COPY per
   * channel) and concat, with stand-ins and with Xilinx's headers.
   */
  @ParameterizedTest(name = "{0} at {1} bit, Xilinx headers {2}")
  @CsvSource({
    "unet_block, 16, false", "unet_block, 8, false", "shufflenetv2_unit, 16, false", "shufflenetv2_unit, 8, false",
    "unet_block, 16, true", "shufflenetv2_unit, 8, true",
    // torchvision's shufflenet_v2_x0_5 graph at 64x64 (built here: no torch in this environment)
    "shufflenet_v2_x0_5, 8, false"
  })
  void structuralOpsAreBitExact(String model, String precision, boolean xilinx) throws IOException, InterruptedException {
    ProjectEmitter.Result r = Projects.emit(tmp.resolve(model + precision + xilinx), model, precision, false);
    String out = xilinx ? make(r.dir().resolve("hls"), "XILINX_HLS_INCLUDE=" + Projects.xilinxHlsInclude())
        : make(r.dir().resolve("hls"));
    assertTrue(out.contains("PASS: " + r.program().layers().size() + " layers"), out);
    System.out.printf("csim %s %s-bit: %d layers (%s), %d values bit-exact%n", model, precision, r.program().layers().size(),
        r.program().layers().stream().map(org.cnnhls.engine.LayerDescriptor::opName).distinct().toList(), r.golden().checkedValues());
  }

  /**
   * Projects built by `make csim XILINX_HLS_INCLUDE=...` against Xilinx's own C-simulation headers:
   * every engine op family and both precisions (8 bit with packed MACs, 16 bit with Winograd), not
   * the whole list above (these builds take about 9 s each; StandInsTest compares the stand-ins
   * with Xilinx's types operation by operation).
   */
  @ParameterizedTest(name = "{0} at {1} bit, winograd {2}, Xilinx headers")
  @CsvSource({
    "lenet5, 16, false", "digits, 8, false", "resnet_block, 16, true", "mobilenetv2_block, 8, false",
    "se_block, 8, false", "resize_block, 16, false", "activation_block, 8, false", "yolo_tiny_block, 8, false"
  })
  void generatedProjectIsBitExactWithXilinxHeaders(String model, String precision, boolean winograd)
      throws IOException, InterruptedException {
    Path include = Projects.xilinxHlsInclude();
    ProjectEmitter.Result r = Projects.emit(tmp.resolve(model + precision + winograd), model, precision, winograd);
    String out = make(r.dir().resolve("hls"), "XILINX_HLS_INCLUDE=" + include);
    assertTrue(out.contains("-DCNNHLS_VENDOR_HEADERS"), out);
    assertTrue(out.contains("PASS: " + r.program().layers().size() + " layers"), out);
  }

  /**
   * A two-head detector: after the last layer the testbench reads each graph output from its own
   * region, in the model's order (the fine head first, although the coarse head's layer runs
   * earlier), and a corrupted golden output is a mismatch naming that output.
   */
  @ParameterizedTest(name = "yolo_tiny_block at {0} bit")
  @CsvSource({"16", "8"})
  void severalOutputsAreReadBackInTheModelsOrder(String precision) throws IOException, InterruptedException {
    ProjectEmitter.Result r = Projects.emit(tmp.resolve("yolo" + precision), "yolo_tiny_block", precision, false);
    List<org.cnnhls.engine.EngineProgram.Output> outs = r.program().outputs();
    assertEquals(List.of("boxes_fine", "boxes_coarse"), outs.stream().map(org.cnnhls.engine.EngineProgram.Output::value).toList());
    int fineLayer = r.program().layerValues().indexOf("boxes_fine"), coarseLayer = r.program().layerValues().indexOf("boxes_coarse");
    assertTrue(coarseLayer >= 0 && coarseLayer < fineLayer, "the coarse head runs first: " + r.program().layerValues());
    Path hls = r.dir().resolve("hls");
    String out = make(hls);
    assertTrue(out.contains("OUTPUT 0 (boxes_fine): 192 values at fmap offset " + outs.get(0).off() + " bit-exact"), out);
    assertTrue(out.contains("OUTPUT 1 (boxes_coarse): 48 values at fmap offset " + outs.get(1).off() + " bit-exact"), out);
    assertTrue(out.contains("2 outputs, 240 values read back bit-exact"), out);
    assertEquals(240, r.golden().outputs().length);

    // the last value of the second output, changed in golden_outputs.bin: the final check catches it
    Path file = hls.resolve("data/golden_outputs.bin");
    byte[] golden = java.nio.file.Files.readAllBytes(file);
    int bytes = golden.length / 240;
    golden[golden.length - bytes] ^= 1;
    java.nio.file.Files.write(file, golden);
    Process p = new ProcessBuilder("make", "--no-print-directory", "-C", hls.toString(), "csim").redirectErrorStream(true).start();
    String bad = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor() != 0 && bad.contains("MISMATCH output 1 (boxes_coarse) index 47"), bad);
  }

  static String make(Path hls, String... vars) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("make", "--no-print-directory", "-C", hls.toString(), "csim"));
    cmd.addAll(List.of(vars));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "make csim failed:\n" + out);
    return out;
  }
}
