package org.cnnhls.cli;

import static org.cnnhls.cli.CliTest.assertOk;
import static org.cnnhls.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table activations (issue 14) through the commands: `run --fixed` follows float, `compile` maps them. */
class ActivationCommandsTest {
  @TempDir Path tmp;

  @Test
  void fixedPointRunFollowsFloatAndCompileMapsTheActivations() throws IOException {
    OnnxModelBuilder b = OnnxModelBuilder.activationBlock(3);
    Path model = b.save(tmp.resolve("act.onnx")), x = tmp.resolve("x.npy");
    NpyFiles.writeFloats(x, Shape.of(1, 8, 10, 10), b.random(800, 1.0));
    Path yf = tmp.resolve("float.npy"), yq = tmp.resolve("fixed.npy");
    assertOk(run("run", model, "--input", x, "--output", yf));
    assertOk(run("run", model, "--input", x, "--output", yq, "--fixed", "--calibration", x));
    float[] f = NpyFiles.readFloats(yf).data(), q = NpyFiles.readFloats(yq).data();
    assertEquals(f.length, q.length);
    double worst = 0;
    for (int i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i] - q[i]));
    assertTrue(worst < 0.02, "16-bit fixed point off float by " + worst + " (output in [0, 1])");
    Path out = tmp.resolve("proj");
    assertOk(run("compile", model, "--no-dse", "--calibration", x, "-o", out));
    assertTrue(Files.readString(out.resolve("hls/cnnhls_config.h")).contains("#define CNNHLS_ACT_TABLES 1"));
  }
}
