package org.cnnhls.cli;

import static org.cnnhls.cli.Cli.assertError;
import static org.cnnhls.cli.Cli.run;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.io.IOException;
import java.nio.file.Path;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rarer bad inputs (malformed graphs, absurd sizes, odd command lines): each gets one line on stderr
 * and exit 2 or 3, never an internal error.
 */
class BadInputEdgeCasesTest {
  @TempDir Path tmp;

  static OnnxModelBuilder withInput() {
    OnnxModelBuilder b = new OnnxModelBuilder("bug", 13, 1);
    b.input("x", 1, 1, 4, 4);
    return b;
  }

  @Test
  void parseErrorsAreOneLine() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    assertError(ExitCodes.USAGE, run("inspect", m, "--frobnicate"), "cnnhls inspect: error: ", "--frobnicate");
    assertError(ExitCodes.USAGE, run("inspect"), "cnnhls inspect: error: ", "MODEL");
    assertError(ExitCodes.USAGE, run("run", m), "cnnhls run: error: ", "--input");
    assertError(ExitCodes.USAGE, run("compile-everything"), "compile-everything");
    assertError(ExitCodes.USAGE, run(), "a command is required");
  }

  @Test
  void inputDimensionTooLarge() throws IOException {
    OnnxModelBuilder b = BadInputTest.tinyConv();
    b.graph().setInput(0, BadInputTest.inputWithDim("x", 2, TensorShapeProto.Dimension.newBuilder().setDimValue(1L << 33).build()));
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("huge_dim.onnx"))), "'x'", "8589934592");
  }

  @Test
  void nodeWithoutOutputs() throws IOException {
    OnnxModelBuilder b = withInput();
    b.node("Relu", new String[] {"x"}).setName("silent_relu");
    b.output("x", 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("no_output.onnx"))), "silent_relu");
  }

  @Test
  void nodeWithTooFewInputs() throws IOException {
    OnnxModelBuilder b = withInput();
    b.node("Conv", new String[] {"x"}, "y").setName("conv_no_weight");
    b.output("y", 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("conv1.onnx"))), "conv_no_weight", "input");
    b = withInput();
    b.node("Relu", new String[] {}, "y").setName("relu_no_input");
    b.output("y", 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("relu0.onnx"))), "relu_no_input", "input");
  }

  @Test
  void hugeIntermediateTensor() throws IOException {
    OnnxModelBuilder b = withInput();
    b.initializer("scales", new float[] {1, 1, 1e9f, 1e9f}, 4);
    b.node("Resize", new String[] {"x", "", "scales"}, "y").setName("big_resize");
    b.output("y", 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("big.onnx"))), "big_resize", "2^31");
  }

  @Test
  void graphWithoutOutputs() throws IOException {
    OnnxModelBuilder b = withInput();
    b.relu("x");
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("no_outputs.onnx"))), "no_outputs.onnx", "output");
  }

  @Test
  void duplicateGraphInput() throws IOException {
    OnnxModelBuilder b = withInput();
    b.input("x", 1, 1, 4, 4);
    b.output(b.relu("x"), 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("dup_input.onnx"))), "'x'");
  }

  @Test
  void externalDataLocationWithNul() throws IOException {
    OnnxModelBuilder b = withInput();
    b.graph().addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w\u0000.bin")));
    b.node("Add", new String[] {"x", "w"}, "y");
    b.output("y", 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("nul.onnx"))), "'w'");
  }

  private Path externalModel(String dir, String location, String length, long... dims) throws IOException {
    OnnxModelBuilder b = withInput();
    TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
    for (long d : dims) t.addDims(d);
    if (length != null) t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length));
    b.graph().addInitializer(t);
    b.node("Add", new String[] {"x", "w"}, "y");
    b.output("y", 1, 1, 4, 4);
    java.nio.file.Files.createDirectories(tmp.resolve(dir));
    return b.save(tmp.resolve(dir).resolve("m.onnx"));
  }

  @Test
  void externalDataThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
    Path m = externalModel("fifo", "w.bin", "16", 4);
    Process mk = new ProcessBuilder("mkfifo", tmp.resolve("fifo/w.bin").toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is unavailable");
    // opening a FIFO for reading blocks until a writer comes: the check must come before any open
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
        () -> assertError(ExitCodes.MODEL, run("inspect", m), "'w'", "not a regular file"));
  }

  @Test
  void negativeExternalLengthIsRefusedNotReadToTheEnd() throws IOException {
    Path m = externalModel("neg", "w.bin", "-5", 4);
    java.nio.file.Files.write(tmp.resolve("neg/w.bin"), new byte[16]);
    assertError(ExitCodes.MODEL, run("inspect", m), "'w'", "length -5 is negative");
  }

  @Test
  void externalTensorOverTwoGigabytesIsRefusedByName() throws IOException {
    Path m = externalModel("big", "w.bin", null, 600_000_000L);
    // a sparse file: 2.4 GB declared, no disk used
    try (var f = new java.io.RandomAccessFile(tmp.resolve("big/w.bin").toFile(), "rw")) {
      f.setLength(2_400_000_000L);
    }
    assertError(ExitCodes.MODEL, run("inspect", m), "'w'", "2400000000 bytes", "2 GB");
  }

  @Test
  void convWindowsBeyondTheEngineAreRefusedAtCompileNamingTheNode() throws IOException {
    OnnxModelBuilder b = new OnnxModelBuilder("dil", 13, 1);
    b.input("x", 1, 1, 210, 6);
    b.randomInitializer("w", 1, 2, 1, 3, 3);
    b.node("Conv", new String[] {"x", "w"}, "y").setName("wide_conv").addAttribute(OnnxModelBuilder.ints("kernel_shape", 3, 3))
        .addAttribute(OnnxModelBuilder.ints("dilations", 100, 1));
    b.output("y", 1, 2, 10, 4);
    Path m = b.save(tmp.resolve("dil.onnx"));
    Path out = tmp.resolve("out"), x = tmp.resolve("x.npy");
    NpyFiles.writeFloats(x, Shape.of(1, 1, 210, 6), b.random(210 * 6, 1.0));
    assertError(ExitCodes.MODEL, run("compile", m, "--board", "ultra96", "--no-dse", "--calibration", x, "-o", out), "'wide_conv'",
        "dilation 100x1");
    org.junit.jupiter.api.Assertions.assertFalse(java.nio.file.Files.exists(out), "nothing is written");
  }

  @Test
  void constantErrorsNameTheFile() throws IOException {
    OnnxModelBuilder b = withInput();
    b.node("Constant", new String[] {}, "c").setName("bad_constant");
    b.node("Add", new String[] {"x", "c"}, "y");
    b.output("y", 1, 1, 4, 4);
    assertError(ExitCodes.MODEL, run("inspect", b.save(tmp.resolve("constant.onnx"))), "constant.onnx: ", "bad_constant");
  }

  @Test
  void benchRepeatMustBePositive() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    assertError(ExitCodes.USAGE, run("bench", "import", m, "--repeat", "0"), "--repeat");
  }

  @Test
  void emptyInputPath() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    NpyFiles.writeFloats(tmp.resolve("x.npy"), Shape.of(1, 1, 4, 4), new float[16]);
    assertError(ExitCodes.USAGE, run("run", m, "--input="), "--input");
    assertError(ExitCodes.USAGE, run("run", m, "--input", "x="), "--input");
  }
}
