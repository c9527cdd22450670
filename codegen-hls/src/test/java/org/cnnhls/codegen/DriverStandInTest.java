package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated PYNQ driver run by /usr/bin/python3 against a stand-in {@code pynq} module
 * ({@code src/test/resources/python/}): pointer registers written as the overlay's register map names
 * them (32-bit halves or one 64-bit register), and a register the map lacks raises an error naming it
 * and listing the available ones, before anything is written. Skipped only without python3; the
 * driver needs numpy (Debian python3-numpy).
 */
class DriverStandInTest {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** lenet5 (one output) and yolo_tiny_block (two, returned by name in the model's order). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"lenet5", "yolo_tiny_block"})
  void driverChecksRegisterNamesAgainstTheRegisterMap(String model, @TempDir Path tmp) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
    Path dir = Projects.emit(tmp.resolve(model), model, "16").dir();
    Path check = Path.of("src/test/resources/python/driver_check.py").toAbsolutePath();
    Process p = new ProcessBuilder(PYTHON.toString(), "-B", check.toString(), dir.toString()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "driver check failed (numpy is needed: python3-numpy):\n" + out);
    assertTrue(out.contains("OK missing half: register 'quant_2' is not in the register map"), out);
    assertTrue(out.contains("ALL OK"), out);
    assertTrue(out.contains(model.equals("lenet5") ? "OK outputs: logits (1, 10)"
        : "OK outputs: boxes_fine (1, 12, 4, 4), boxes_coarse (1, 12, 2, 2)"), out);
  }
}
