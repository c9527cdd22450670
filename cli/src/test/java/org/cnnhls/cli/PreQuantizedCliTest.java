package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-quantized models on the command line (issue 16): inspect shows the carried formats, quantize keeps or drops them. */
class PreQuantizedCliTest {
  static final Path QDQ = Cli.DIGITS_DIR.resolve("digits_qdq_int8.onnx");
  static final Path QONNX4 = Cli.DIGITS_DIR.resolve("digits_qonnx_w4.onnx");

  @Test
  void inspectShowsTheCarriedFormats() {
    Cli.Result r = Cli.run("inspect", QDQ);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("carried quantization"), r::toString);
    assertTrue(r.out().contains("int8 scale=0.007874016 -> fixed<8,7> (real scale kept)"), r::toString);
    assertTrue(r.out().contains("int8 axis=0 scales=[8 in"), r::toString);
    Cli.Result q4 = Cli.run("inspect", QONNX4);
    assertTrue(q4.out().contains("uint4 scale=0.125 (power of two) -> fixed<5,3>"), q4::toString);
    assertTrue(q4.out().contains("int4 narrow axis=0"), q4::toString);
  }

  @Test
  void quantizeKeepsTheModelsFormatsUnlessRequantize() {
    Cli.Result kept = Cli.run("quantize", QDQ, "--calibration", Cli.DIGITS_X);
    assertEquals(0, kept.code(), kept::toString);
    assertTrue(kept.out().contains("formats: the model's own quantization on 6 values"), kept::toString);
    assertTrue(kept.out().contains("M 2^-s within"), kept::toString);
    // the input keeps the model's 8-bit format (--precision defaults to 8 for a model carrying 8-bit formats)
    assertTrue(kept.out().lines().anyMatch(l -> l.startsWith("conv0") && l.contains("fixed<8,5>")), kept::toString);
    Cli.Result re = Cli.run("quantize", QDQ, "--calibration", Cli.DIGITS_X, "--requantize");
    assertEquals(0, re.code(), re::toString);
    assertTrue(!re.out().contains("the model's own quantization"), re::toString);
    assertTrue(re.out().lines().anyMatch(l -> l.startsWith("conv0") && l.contains("fixed<16,")), re::toString);
  }

  @Test
  void unkeepableQuantizationIsOneLineNamingTheNode(@TempDir Path tmp) throws Exception {
    org.cnnhls.frontend.OnnxModelBuilder b = new org.cnnhls.frontend.OnnxModelBuilder("bad_zp", 13, 1);
    String x = b.input("input", 1, 4);
    b.initializer("s", new float[] {0.1f});
    b.graph().addInitializer(ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("z").setDataType(
        ai.onnx.proto.OnnxMl.TensorProto.DataType.INT8_VALUE).addInt32Data(0).build());
    b.node("QuantizeLinear", new String[] {x, "s", "z"}, "q").setName("quant_in");
    b.node("DequantizeLinear", new String[] {"q", "s", "z"}, "xq");
    b.node("Sigmoid", new String[] {"xq"}, "y").setName("sig");
    b.output("y", 1, 4);
    Path m = b.save(tmp.resolve("bad.onnx"));
    Cli.assertError(ExitCodes.MODEL, Cli.run("quantize", m), "'sig'", "power-of-two", "--requantize");
    assertEquals(0, Cli.run("quantize", m, "--requantize").code());
  }
}
