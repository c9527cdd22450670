package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-head detector (yolo_tiny_block) from the command line: `run --fixed --raw` writes each
 * output to its own file, the project compiled on the same input holds exactly those values as its
 * golden outputs (in the model's order), its C-sim reads both back bit-exact, and `simulate` names both.
 */
class SeveralOutputsCliTest {
  @TempDir Path tmp;

  @Test
  void everyOutputComesBackThroughRunCompileCsimAndSimulate() throws Exception {
    Path onnx = OnnxModelBuilder.yoloTinyBlock(3).save(tmp.resolve("yolo.onnx"));
    float[] x = new float[3 * 16 * 16];
    Random r = new Random(7);
    for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 0.5);
    Path in = tmp.resolve("x.npy");
    NpyFiles.writeFloats(in, Shape.of(1, 3, 16, 16), x);

    Path y = tmp.resolve("y.npy");
    Cli.Result run = Cli.run("run", onnx, "--input", in, "--fixed", "--raw", "--precision", "8", "--output", y);
    assertEquals(0, run.code(), run::toString);
    Path coarse = tmp.resolve("y.boxes_coarse.npy");
    assertTrue(run.out().contains("wrote " + y + " [1,12,4,4]") && run.out().contains("wrote " + coarse + " [1,12,2,2]"), run::toString);
    long[] fine = NpyFiles.readLongs(y), second = NpyFiles.readLongs(coarse);

    Path out = tmp.resolve("proj");
    Cli.Result c = Cli.run("compile", onnx, "--no-dse", "--precision", "8", "--input", in, "-o", out);
    assertEquals(0, c.code(), c::toString);
    byte[] golden = Files.readAllBytes(out.resolve("hls/data/golden_outputs.bin"));
    assertEquals(fine.length + second.length, golden.length, "8-bit values, the two outputs concatenated");
    long[] both = new long[golden.length];
    ByteBuffer bb = ByteBuffer.wrap(golden).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < both.length; i++) both[i] = bb.get();
    long[] want = new long[both.length];
    System.arraycopy(fine, 0, want, 0, fine.length);
    System.arraycopy(second, 0, want, fine.length, second.length);
    assertArrayEquals(want, both, "the project's golden outputs are what `run --fixed` gives, in the model's order");
    assertTrue(Files.readString(out.resolve("report.md")).contains("Outputs, in the model's order: `boxes_fine` [1,12,4,4]"));

    Cli.Result sim = Cli.run("csim", out);
    assertEquals(0, sim.code(), sim::toString);
    assertTrue(sim.out().contains("OUTPUT 0 (boxes_fine): 192 values") && sim.out().contains("OUTPUT 1 (boxes_coarse): 48 values")
        && sim.out().contains("2 outputs, 240 values read back bit-exact"), sim::toString);

    Path json = tmp.resolve("timing.json");
    Cli.Result timing = Cli.run("simulate", onnx, "--input", in, "--precision", "8", "--json", json);
    assertEquals(0, timing.code(), timing::toString);
    var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("outputs");
    assertEquals(2, doc.size());
    assertEquals("boxes_fine", doc.get(0).get("name").asText());
    assertEquals("boxes_coarse", doc.get(1).get("name").asText());
    assertEquals(48, doc.get(1).get("size").asInt());
    assertTrue(timing.out().contains("bit-accurate output boxes_fine [1,12,4,4]: 192 values")
        && timing.out().contains("bit-accurate output boxes_coarse [1,12,2,2]: 48 values"), timing::toString);
  }
}
