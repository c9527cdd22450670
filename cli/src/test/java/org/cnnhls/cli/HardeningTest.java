package org.cnnhls.cli;

import static org.cnnhls.cli.Cli.assertError;
import static org.cnnhls.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.cnnhls.cli.Cli.Result;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 on the command line: escaped names, non-finite data, output paths checked up front. */
class HardeningTest {
  @TempDir Path tmp;

  private static void assertNoControlCharacters(String text) {
    for (char c : text.toCharArray()) {
      assertFalse(c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c == '\u202e', () -> "raw control character in: " + text);
    }
  }

  @Test
  void inspectEscapesControlCharactersInNames() throws IOException {
    OnnxModelBuilder b = BadInputTest.tinyConv();
    b.graph().getNodeBuilder(0).setName("conv\u001b[31mred\r\u202e");
    Path m = b.save(tmp.resolve("esc.onnx"));
    Result r = run("inspect", m);
    assertEquals(0, r.code(), r::toString);
    assertNoControlCharacters(r.out());
    assertTrue(r.out().contains("conv\\x1b[31mred\\x0d\\u202e"), r.out());
    // and in an error line
    OnnxModelBuilder bad = BadInputTest.tinyConv();
    bad.graph().getNodeBuilder(0).setName("n\u001b]0;title\u0007").clearInput().addInput("x").addInput("missing\u001b[1m");
    Result e = assertError(ExitCodes.MODEL, run("inspect", bad.save(tmp.resolve("err.onnx"))), "\\x1b");
    assertNoControlCharacters(e.err());
  }

  @Test
  void nonFiniteCalibrationDataIsRefused() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    float[] v = BadInputTest.ramp(32);
    v[21] = Float.NaN;
    Path x = tmp.resolve("calib.npy");
    NpyFiles.writeFloats(x, Shape.of(2, 1, 4, 4), v);
    assertError(ExitCodes.USAGE, run("quantize", m, "--calibration", x), "calib.npy", "NaN", "index 21");
    assertError(ExitCodes.USAGE, run("run", m, "--input", x), "calib.npy", "index 21");
  }

  @Test
  void truncatedNpyIsRefused() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    Path x = tmp.resolve("x.npy");
    NpyFiles.writeFloats(x, Shape.of(1, 1, 4, 4), BadInputTest.ramp(16));
    byte[] all = Files.readAllBytes(x);
    Files.write(x, java.util.Arrays.copyOf(all, all.length - 8));
    assertError(ExitCodes.USAGE, run("run", m, "--input", x), "x.npy", "truncated");
  }

  private List<String> hidden() throws IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") && n.contains("tmp")).toList();
    }
  }

  @Test
  void outputPathsAreCheckedUpFront() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    Path dir = Files.createDirectories(tmp.resolve("adir"));
    Path nowhere = tmp.resolve("no/such/folder/out.json");
    assertError(ExitCodes.USAGE, run("simulate", m, "--json", nowhere), "--json", "does not exist");
    assertError(ExitCodes.USAGE, run("simulate", m, "--svg", dir), "--svg", "is a folder");
    assertError(ExitCodes.USAGE, run("simulate", m, "--json", m), "--json", "would overwrite the input");
    assertError(ExitCodes.USAGE, run("simulate", m, "--json", "/dev/null"), "not a regular file");
    assertError(ExitCodes.USAGE, run("quantize", m, "--json", dir), "--json", "is a folder");
    assertError(ExitCodes.USAGE, run("dse", m, "--emit-config", nowhere), "--emit-config", "does not exist");
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    assertError(ExitCodes.USAGE, run("dse", m, "-o", file), "-o", "not a folder");
    assertError(ExitCodes.USAGE, run("dse", m, "-o", file.resolve("sub")), "-o", "not a folder");
    Files.createDirectories(dir.resolve("pareto.csv"));
    assertError(ExitCodes.USAGE, run("dse", m, "-o", dir), "pareto.csv", "is a folder");
    Path ro = Files.createDirectories(tmp.resolve("ro"));
    if (ro.toFile().setWritable(false) && !Files.isWritable(ro)) {
      assertError(ExitCodes.USAGE, run("simulate", m, "--json", ro.resolve("t.json")), "not writable");
      ro.toFile().setWritable(true);
    }
    assertEquals(List.of(), hidden(), "no hidden temporary files");
    // a good path still works
    Result ok = run("simulate", m, "--json", tmp.resolve("t.json"));
    assertEquals(0, ok.code(), ok::toString);
    assertTrue(Files.isRegularFile(tmp.resolve("t.json")));
    assertEquals(List.of(), hidden());
  }

  @Test
  void compileRefusesAFileAsOutputEvenWithForce() throws IOException {
    Path m = BadInputTest.tinyConv().save(tmp.resolve("tiny.onnx"));
    assertError(ExitCodes.USAGE, run("compile", m, "--no-dse", "-o", m, "--force"), "input model");
    assertEquals(Files.size(m) > 0, true);
    Path f = Files.writeString(tmp.resolve("f"), "keep");
    assertError(ExitCodes.USAGE, run("compile", m, "--no-dse", "-o", f, "--force"), "only folders");
    assertEquals("keep", Files.readString(f));
    assertError(ExitCodes.USAGE, run("compile", m, "--no-dse", "-o", tmp, "--force"), "holds the input model");
    assertTrue(Files.exists(m));
  }
}
