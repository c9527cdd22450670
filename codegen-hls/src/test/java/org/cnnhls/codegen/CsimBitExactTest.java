package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated HLS project, built with g++ against the project's own ap_int stand-ins and run by
 * its own testbench: every engine layer's output must equal the bit-accurate golden model.
 */
class CsimBitExactTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} at {1} bit")
  @CsvSource({
    "lenet5, 16", "lenet5, 8",
    "digits, 16", "digits, 8",
    "resnet_block, 16", "resnet_block, 8",
    "mobilenetv2_block, 16", "mobilenetv2_block, 8"
  })
  void generatedProjectIsBitExact(String model, String precision) throws IOException, InterruptedException {
    ProjectEmitter.Result r = Projects.emit(tmp.resolve(model + precision), model, precision);
    String out = make(r.dir().resolve("hls"));
    assertTrue(out.contains("PASS: " + r.program().layers().size() + " layers"), out);
    System.out.printf("csim %s %s-bit: %d layers, %d values bit-exact%n", model, precision, r.program().layers().size(),
        r.golden().checkedValues());
  }

  static String make(Path hls) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("make", "--no-print-directory", "-C", hls.toString(), "csim").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "make csim failed:\n" + out);
    return out;
  }
}
