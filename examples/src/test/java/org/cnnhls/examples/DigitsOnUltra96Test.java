package org.cnnhls.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.cnnhls.flow.CompileFlow;
import org.cnnhls.flow.ProjectSimulation;
import org.cnnhls.frontend.NpyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulation-based test as a user writes one against the Java API: "the digits CNN on an
 * Ultra96-V2 stays under 0.1 ms per image, fits the board and is bit-exact in C-simulation".
 * Only the public API of cnnhls-flow is used (see README, "Java API").
 */
class DigitsOnUltra96Test {
  static final Path MODEL = Path.of("digits/digits_cnn.onnx"), IMAGES = Path.of("digits/test_x.npy");

  @TempDir Path tmp;

  @Test
  void digitsOnUltra96StaysUnderBudgetFitsAndIsBitExact() {
    // calibration: the first 32 held-out images, as (input name -> values) samples
    NpyFiles.Floats x = NpyFiles.readFloats(IMAGES);
    int per = 64;
    List<Map<String, float[]>> calibration = new ArrayList<>();
    for (int i = 0; i < 32; i++) calibration.add(Map.of("input", Arrays.copyOfRange(x.data(), i * per, (i + 1) * per)));

    CompileFlow.Result r = CompileFlow.options(MODEL, "ultra96").calibration(calibration).output(tmp.resolve("digits")).run();

    assertTrue(r.fit().fits(), "fits ultra96: " + r.fit().estimate());
    assertTrue(r.latencyMs() < 0.1, "simulated latency " + r.latencyMs() + " ms");
    assertEquals(16, r.hw().actWidth(), "the 16-bit preset by default");
    ProjectSimulation.Outcome csim = ProjectSimulation.csim(r.project().dir());
    assertTrue(csim.bitExact(), "C-sim: " + csim.lastLine());
    ProjectSimulation.Outcome systemc = ProjectSimulation.systemc(r.project().dir());
    assertTrue(systemc.bitExact(), "SystemC: " + systemc.lastLine());
    assertEquals(r.timing().totalCycles(), systemc.cycles(), "the SystemC model's cycles are the simulator's");
  }
}
