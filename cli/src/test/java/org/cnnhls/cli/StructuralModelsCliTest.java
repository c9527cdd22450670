package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The structural ops (issue 14) from the command line: a UNet block with transposed convs and
 * torchvision's shufflenet_v2_x0_5 graph at 64x64 (built as torch exports it: no torch here) go
 * through `compile` and `csim` bit-exact.
 */
class StructuralModelsCliTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} at {1} bit")
  @CsvSource({"unet_block, 16", "shufflenet_v2_x0_5, 8"})
  void compileThenCsimIsBitExact(String model, String precision) throws Exception {
    OnnxModelBuilder b = model.equals("unet_block") ? OnnxModelBuilder.unetBlock(3) : OnnxModelBuilder.shuffleNetV2x05(3, 64);
    Path onnx = b.save(tmp.resolve(model + ".onnx"));
    Path out = tmp.resolve(model);
    Cli.Result r = Cli.run("compile", onnx, "--no-dse", "--precision", precision, "-o", out);
    assertEquals(0, r.code(), r::toString);
    Cli.Result c = Cli.run("csim", out);
    assertEquals(0, c.code(), c::toString);
    assertTrue(c.out().contains("PASS: "), c::toString);
    System.out.println("cli " + model + " " + precision + "-bit: " + c.out().lines().filter(l -> l.contains("PASS")).findFirst().orElse(""));
  }
}
