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
