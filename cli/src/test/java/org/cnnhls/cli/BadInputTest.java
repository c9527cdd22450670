package org.cnnhls.cli;

import static org.cnnhls.cli.Cli.assertError;
import static org.cnnhls.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.cnnhls.cli.Cli.Result;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad models, bad data files and bad command lines: each must end with the documented exit code and
 * one helpful line on stderr, never a stack trace. Every bad model is built here, in a temp folder.
 */
class BadInputTest {
  @TempDir Path tmp;

  // ---------------------------------------------------------------- fixtures

  /** A valid model: x [1,1,4,4] -> Conv 3x3 pad 1 (2 channels) -> Relu -> y [1,2,4,4]. */
  static OnnxModelBuilder tinyConv() {
    OnnxModelBuilder b = new OnnxModelBuilder("tiny", 13, 7);
    String x = b.input("x", 1, 1, 4, 4);
    String y = b.relu(b.conv(x, 1, 2, 3, 1, 1, 1, true));
    b.rename(y, "y");
    b.output("y", 1, 2, 4, 4);
    return b;
  }

  Path tinyModel() throws IOException {
    return tinyConv().save(tmp.resolve("tiny.onnx"));
  }

  /** A graph input with one dimension replaced. */
  static ValueInfoProto inputWithDim(String name, int axis, TensorShapeProto.Dimension dim) {
    ValueInfoProto.Builder v = OnnxModelBuilder.valueInfo(name, 1, 1, 4, 4).toBuilder();
    v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(axis, dim);
    return v.build();
  }

  /** A float64 .npy file (NumPy format 1.0), written byte by byte. */
  static Path writeFloat64Npy(Path file, int[] shape, double[] data) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) dims.append(d).append(", ");
    String dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims.toString().replaceAll(", $", shape.length == 1 ? "," : "")
        + "), }";
    int unpadded = 10 + dict.length() + 1; // magic 6 + version 2 + header length 2, then dict and '\n'
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    buf.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    for (double v : data) buf.putDouble(v);
    Files.write(file, buf.array());
    return file;
  }

  static float[] ramp(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (i % 7) / 7f - 0.4f;
    return v;
  }

  // ---------------------------------------------------------------- unreadable model files

  @Test
  void truncatedOnnxFile() throws IOException {
    byte[] full = Files.readAllBytes(Cli.DIGITS_MODEL);
    Path f = Files.write(tmp.resolve("truncated.onnx"), Arrays.copyOf(full, full.length / 2));
    assertError(ExitCodes.MODEL, run("inspect", f), "truncated.onnx");
  }

  @Test
  void textFileIsNotAModel() throws IOException {
    Path f = Files.writeString(tmp.resolve("hello.onnx"), "hello world");
    assertError(ExitCodes.MODEL, run("inspect", f), "hello.onnx", "not");
  }

  @Test
  void emptyFile() throws IOException {
    Path f = Files.createFile(tmp.resolve("empty.onnx"));
    assertError(ExitCodes.MODEL, run("inspect", f), "empty.onnx", "empty");
  }

  @Test
  void missingModelFile() {
    Path f = tmp.resolve("nowhere.onnx");
    assertError(ExitCodes.USAGE, run("inspect", f), "nowhere.onnx", "no such file");
    assertError(ExitCodes.USAGE, run("run", f, "--input", tmp.resolve("x.npy")), "nowhere.onnx");
  }

  @Test
  void directoryAsModel() throws IOException {
    Path d = Files.createDirectory(tmp.resolve("models.onnx"));
    assertError(ExitCodes.USAGE, run("inspect", d), "models.onnx", "directory");
  }

  @Test
  void weightQuantizationOptionsAreChecked() {
    assertError(ExitCodes.USAGE, run("quantize", Cli.DIGITS_MODEL, "--precision", "8", "--weight-clipping", "kl"),
        "--weight-clipping", "'kl'", "max or mse");
    assertError(ExitCodes.USAGE, run("quantize", Cli.DIGITS_MODEL, "--precision", "8", "--bias-correction"),
        "--bias-correction", "--calibration");
    assertError(ExitCodes.USAGE, run("quantize", Cli.DIGITS_MODEL, "--headroom", "9"), "--headroom", "[0, 4]", "9");
    assertError(ExitCodes.USAGE, run("compile", Cli.DIGITS_MODEL, "--board", "ultra96", "--bias-correction", "-o", tmp.resolve("p")),
        "--bias-correction", "--calibration");
    assertFalse(Files.exists(tmp.resolve("p")), "nothing written");
  }

  @Test
  void calibrationFileIsChecked() throws IOException {
    Path bad = Files.writeString(tmp.resolve("cal.json"), "{\"source\": \"x\", \"core\": {}, \"engineScale\": {\"lut\": -1}}");
    assertError(ExitCodes.USAGE, run("compile", Cli.DIGITS_MODEL, "--board", "ultra96", "--calibration-file", bad, "-o", tmp.resolve("p")),
        "cal.json", "engineScale.lut");
    assertError(ExitCodes.USAGE, run("dse", Cli.DIGITS_MODEL, "--board", "ultra96", "--calibration-file", tmp.resolve("none.json")),
        "none.json", "no such file");
    assertFalse(Files.exists(tmp.resolve("p")), "nothing written");
  }

  // ---------------------------------------------------------------- invalid graphs

  @Test
  void missingInitializer() throws IOException {
    OnnxModelBuilder b = new OnnxModelBuilder("missing_weight", 13, 1);
    b.input("x", 1, 1, 4, 4);
    b.node("Conv", new String[] {"x", "conv1.weight"}, "y").setName("conv1")
        .addAttribute(OnnxModelBuilder.ints("kernel_shape", 3, 3));
    b.output("y", 1, 2, 2, 2);
    Path f = b.save(tmp.resolve("missing_weight.onnx"));
    assertError(ExitCodes.MODEL, run("inspect", f), "missing_weight.onnx", "'conv1'", "'conv1.weight'", "missing initializer");
  }

  @Test
  void cycle() throws IOException {
    OnnxModelBuilder b = new OnnxModelBuilder("cycle", 13, 1);
    b.input("x", 1, 1, 4, 4);
    b.node("Add", new String[] {"x", "b"}, "a").setName("loop_add");
    b.node("Relu", new String[] {"a"}, "b").setName("loop_relu");
    b.output("a", 1, 1, 4, 4);
    Path f = b.save(tmp.resolve("cycle.onnx"));
    assertError(ExitCodes.MODEL, run("inspect", f), "cycle", "loop_add", "loop_relu");
  }

  @Test
  void dynamicDimension() throws IOException {
    OnnxModelBuilder b = tinyConv();
    b.graph().setInput(0, inputWithDim("x", 0, TensorShapeProto.Dimension.newBuilder().setDimParam("N").build()));
    Path f = b.save(tmp.resolve("dynamic.onnx"));
    assertError(ExitCodes.MODEL, run("inspect", f), "'x'", "dynamic", "'N'");
  }

  @Test
  void zeroDimension() throws IOException {
    OnnxModelBuilder b = tinyConv();
    b.graph().setInput(0, inputWithDim("x", 2, TensorShapeProto.Dimension.newBuilder().setDimValue(0).build()));
    Path f = b.save(tmp.resolve("zero.onnx"));
    assertError(ExitCodes.MODEL, run("inspect", f), "'x'", "dimension 0");
  }

  @Test
  void unsupportedOpsAreListedTogether() throws IOException {
    OnnxModelBuilder b = new OnnxModelBuilder("exotic", 13, 1);
    b.input("x", 1, 1, 4, 4);
    b.node("Foo", new String[] {"x"}, "f1").setName("foo_a");
    b.node("Relu", new String[] {"f1"}, "r").setName("relu_ok");
    b.node("Foo", new String[] {"r"}, "f2").setName("foo_b");
    b.node("LSTM", new String[] {"f2"}, "y").setName("lstm_1");
    b.output("y", 1, 1, 4, 4);
    Path f = b.save(tmp.resolve("exotic.onnx"));
    Result r = assertError(ExitCodes.MODEL, run("inspect", f), "Foo", "foo_a", "foo_b", "LSTM", "lstm_1");
    assertFalse(r.err().contains("relu_ok"), "a supported node is listed as unsupported: " + r.err());
  }

  @Test
  void opset19IsRefused() throws IOException {
    OnnxModelBuilder b = new OnnxModelBuilder("new_opset", 19, 1);
    String y = b.relu(b.input("x", 1, 1, 4, 4));
    b.rename(y, "y");
    b.output("y", 1, 1, 4, 4);
    Path f = b.save(tmp.resolve("opset19.onnx"));
    assertError(ExitCodes.MODEL, run("inspect", f), "opset 19");
  }

  // ---------------------------------------------------------------- external data

  /** tinyConv with its conv weight [2,1,3,3] moved to external data at {@code location}. */
  Path modelWithExternalWeight(Path dir, String location) throws IOException {
    OnnxModelBuilder b = tinyConv();
    int w = -1;
    for (int i = 0; i < b.graph().getInitializerCount(); i++) {
      if (b.graph().getInitializer(i).getDimsCount() == 4) w = i;
    }
    assertTrue(w >= 0, "tinyConv has no 4-D weight");
    TensorProto weight = b.graph().getInitializer(w);
    b.graph().setInitializer(w, weight.toBuilder().clearFloatData()
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)).build());
    Files.createDirectories(dir);
    return b.save(dir.resolve("model.onnx"));
  }

  @Test
  void externalDataOutsideTheModelFolderIsRefused() throws IOException {
    Files.write(tmp.resolve("secret.bin"), new byte[2 * 1 * 3 * 3 * 4]);
    Path f = modelWithExternalWeight(tmp.resolve("model"), "../secret.bin");
    assertError(ExitCodes.MODEL, run("inspect", f), "../secret.bin", "outside the model's folder");
  }

  @Test
  void externalDataInsideTheModelFolderWorks() throws IOException {
    Path dir = tmp.resolve("model");
    Path f = modelWithExternalWeight(dir, "weights.bin");
    ByteBuffer bytes = ByteBuffer.allocate(2 * 1 * 3 * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 18; i++) bytes.putFloat(0.1f * i);
    Files.write(dir.resolve("weights.bin"), bytes.array());
    Result r = run("inspect", f);
    assertEquals(0, r.code(), r::toString);
    assertEquals("", r.err(), r::toString);
    assertTrue(r.out().contains("Conv"), r::toString);
  }

  // ---------------------------------------------------------------- run: input files

  @Test
  void runWithWrongShapedInput() throws IOException {
    Path model = tinyModel();
    Path x = tmp.resolve("wrong_shape.npy");
    NpyFiles.writeFloats(x, Shape.of(3, 1, 4, 5), ramp(60));
    assertError(ExitCodes.USAGE, run("run", model, "--input", x), "wrong_shape.npy", "[3,1,4,5]", "'x'", "[1,1,4,4]");
  }

  @Test
  void runWithFloat64InputWorks() throws IOException {
    Path model = tinyModel();
    double[] d = new double[2 * 16];
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = ramp(d.length)[i];
      d[i] = f[i];
    }
    Path x64 = writeFloat64Npy(tmp.resolve("x64.npy"), new int[] {2, 1, 4, 4}, d);
    Path x32 = tmp.resolve("x32.npy");
    NpyFiles.writeFloats(x32, Shape.of(2, 1, 4, 4), f);
    Path y64 = tmp.resolve("y64.npy"), y32 = tmp.resolve("y32.npy");
    Result r = run("run", model, "--input", x64, "--output", y64);
    assertEquals(ExitCodes.OK, r.code(), r::toString);
    assertEquals("", r.err(), r::toString);
    assertEquals(ExitCodes.OK, run("run", model, "--input", x32, "--output", y32).code());
    NpyFiles.Floats out = NpyFiles.readFloats(y64);
    assertEquals(Shape.of(2, 2, 4, 4), out.shape());
    assertArrayEquals(NpyFiles.readFloats(y32).data(), out.data(), "float64 input must give the float32 result");
  }

  @Test
  void runWithIntegerInput() throws IOException {
    Path model = tinyModel();
    Path x = tmp.resolve("ints.npy");
    NpyFiles.writeInts(x, Shape.of(1, 1, 4, 4), new int[16]);
    assertError(ExitCodes.USAGE, run("run", model, "--input", x), "ints.npy", "float32");
  }

  @Test
  void runWithMissingInput() throws IOException {
    Path model = tinyModel();
    assertError(ExitCodes.USAGE, run("run", model, "--input", tmp.resolve("absent.npy")), "absent.npy", "no such file");
  }

  @Test
  void runWithNonNpyInput() throws IOException {
    Path model = tinyModel();
    Path x = Files.writeString(tmp.resolve("text.npy"), "hello world");
    assertError(ExitCodes.USAGE, run("run", model, "--input", x), "text.npy", "not a valid .npy");
  }

  @Test
  void runWithUnknownInputName() throws IOException {
    Path model = tinyModel();
    Path x = tmp.resolve("x.npy");
    NpyFiles.writeFloats(x, Shape.of(1, 1, 4, 4), ramp(16));
    assertError(ExitCodes.USAGE, run("run", model, "--input", x, "--input", "nope=" + x), "--input NAME=FILE", "[x]");
  }

  // ---------------------------------------------------------------- command line

  @Test
  void unknownOption() throws IOException {
    Cli.assertParseError(run("inspect", tinyModel(), "--frobnicate"), "--frobnicate");
  }

  @Test
  void missingRequiredParameter() {
    Cli.assertParseError(run("inspect"), "MODEL");
  }

  @Test
  void missingRequiredOption() throws IOException {
    Cli.assertParseError(run("run", tinyModel()), "--input");
  }

  @Test
  void unknownCommand() {
    Cli.assertParseError(run("compile-everything"), "compile-everything");
  }

  @Test
  void bothModelAndExtraArgument() throws IOException {
    Path m = tinyModel();
    Cli.assertParseError(run("inspect", m, "extra.onnx"), "extra.onnx");
  }

  @Test
  void errorsOfNestedCommandsNameTheWholeCommand() {
    assertError(ExitCodes.USAGE, run("bench", "import", tmp.resolve("gone.onnx")), "cnnhls bench import: error: ", "gone.onnx");
  }
}
