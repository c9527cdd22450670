package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18: one-pass templates, safe literals, atomic replace, safe --force, kept Vitis output, distinct folders. */
class ProjectHardeningTest {
  @TempDir Path tmp;

  @AfterEach
  void noFault() {
    ProjectEmitter.faultHook = null;
  }

  @Test
  void fillIsOnePassAndValuesAreNotRescanned() {
    Map<String, String> v = Map.of("A", "x@B@y", "B", "evil");
    assertEquals("[x@B@y] evil", ProjectEmitter.fill("[@A@] @B@", v));
    assertEquals("a@b.c @@ @lower@ evil", ProjectEmitter.fill("a@b.c @@ @lower@ @B@", v));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProjectEmitter.fill("@A@ @NOPE@", v));
    assertTrue(e.getMessage().contains("@NOPE@"), e.getMessage());
  }

  @Test
  void literalDropsEverySpecialCharacter() {
    String hostile = "x@ADD_FILES@#$[]{};\"'\\`|*%?!<>&~^\u001b\r\n\t\u202e";
    String lit = CppNames.literal(hostile);
    for (char c : lit.toCharArray()) {
      assertTrue(Character.isLetterOrDigit(c) && c < 128 || CppNames.LITERAL_PUNCTUATION.indexOf(c) >= 0, lit);
    }
    assertFalse(lit.contains("@"), lit);
  }

  static QuantizedGraph lenet() {
    Graph g = Projects.model("lenet5");
    return Projects.quantize(g, "lenet5", "16");
  }

  static float[] input() {
    Graph g = Projects.model("lenet5");
    return Projects.samples(g, "lenet5", 1).get(0).get(g.inputs().get(0).name());
  }

  static HardwareConfig hw() {
    return Projects.config(BoardCatalog.byName("ultra96"), "16");
  }

  @Test
  void modelNameCannotInjectTemplateText() throws IOException {
    Path dir = Projects.emit(tmp.resolve("p"), "x@ADD_FILES@.onnx", lenet(), hw(), input()).dir();
    String tcl = Files.readString(dir.resolve("hls/run_hls.tcl"));
    String clean = Files.readString(Projects.emit(tmp.resolve("q"), "lenet5", lenet(), hw(), input()).dir().resolve("hls/run_hls.tcl"));
    assertEquals(count(clean, "add_files"), count(tcl, "add_files"), tcl);
    assertTrue(tcl.contains("x_ADD_FILES_.onnx"), tcl);
    for (String f : List.of("hls/run_hls.tcl", "vivado/build_bd.tcl", "driver/cnnhls_driver.py", "README.md", "hls/cnnhls_config.h")) {
      String text = Files.readString(dir.resolve(f));
      assertFalse(text.contains("@ADD_FILES@") || text.contains("x@"), f);
    }
  }

  private static int count(String s, String what) {
    return s.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }

  private static List<String> siblings(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.getParent())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  @Test
  void failedSwapLeavesTheOldProjectWhole() throws IOException {
    Path dir = Projects.emit(tmp.resolve("proj"), "lenet5", lenet(), hw(), input()).dir();
    Map<String, byte[]> before = EmittedProjectTest.contents(dir);
    for (String step : List.of("written", "aside")) {
      ProjectEmitter.faultHook = s -> {
        if (s.equals(step)) throw new UncheckedIOException(new IOException("disk full (simulated at " + s + ")"));
      };
      OutputDirectoryException e = assertThrows(OutputDirectoryException.class,
          () -> Projects.emit(dir, "lenet5", lenet(), hw(), input()));
      assertTrue(e.getMessage().contains("disk full"), e.getMessage());
      Map<String, byte[]> after = EmittedProjectTest.contents(dir);
      assertEquals(before.keySet(), after.keySet(), "after a failure at " + step);
      for (String f : before.keySet()) assertTrue(java.util.Arrays.equals(before.get(f), after.get(f)), f);
      assertEquals(List.of(), siblings(dir), "no temporary or aside folder left after a failure at " + step);
    }
    ProjectEmitter.faultHook = null;
    Projects.emit(dir, "lenet5", lenet(), hw(), input());
    assertEquals(List.of(), siblings(dir));
    assertTrue(PendingFolders.temps().isEmpty());
  }

  @Test
  void filesCnnhlsDidNotWriteAreKept() throws IOException {
    Path dir = Projects.emit(tmp.resolve("keep"), "lenet5", lenet(), hw(), input()).dir();
    Path vitis = dir.resolve("hls/lenet5/solution1/syn/report/csynth.rpt");
    Files.createDirectories(vitis.getParent());
    Files.writeString(vitis, "vitis says hello");
    Files.writeString(dir.resolve("hls/cnnhls_top.cpp"), "// hand edit: cnnhls's file, replaced");
    ProjectEmitter.Result r = Projects.emit(dir, "lenet5", lenet(), hw(), input());
    assertEquals(List.of("hls/lenet5/solution1/syn/report/csynth.rpt"), r.kept());
    assertEquals("vitis says hello", Files.readString(vitis));
    assertFalse(Files.readString(dir.resolve("hls/cnnhls_top.cpp")).contains("hand edit"));
    // the marker lists only what cnnhls wrote, so a third run keeps the file again
    assertFalse(Files.readString(dir.resolve(ProjectEmitter.MARKER)).contains("csynth.rpt"));
    assertEquals(r.kept(), Projects.emit(dir, "lenet5", lenet(), hw(), input()).kept());
    assertEquals(List.of(), siblings(dir));
  }

  @Test
  void forceReplacesOnlyFoldersAndNeverTheModel() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "precious");
    OutputDirectoryException e = assertThrows(OutputDirectoryException.class, () -> ProjectEmitter.checkOutput(file, true));
    assertTrue(e.getMessage().contains("a file") && e.getMessage().contains("only folders"), e.getMessage());
    assertEquals("precious", Files.readString(file));
    assertThrows(OutputDirectoryException.class, () -> ProjectEmitter.checkOutput(Path.of("/dev/null"), true));
    Path model = Files.writeString(Files.createDirectories(tmp.resolve("models")).resolve("m.onnx"), "model");
    e = assertThrows(OutputDirectoryException.class, () -> ProjectEmitter.checkOutput(model, true, model));
    assertTrue(e.getMessage().contains("is the input model"), e.getMessage());
    e = assertThrows(OutputDirectoryException.class, () -> ProjectEmitter.checkOutput(model.getParent(), true, model));
    assertTrue(e.getMessage().contains("holds the input model"), e.getMessage());
    Path link = Files.createSymbolicLink(tmp.resolve("link"), Files.createDirectories(tmp.resolve("target")));
    assertThrows(OutputDirectoryException.class, () -> ProjectEmitter.checkOutput(link, true));
    ProjectEmitter.checkOutput(tmp.resolve("target"), true, model); // a folder: fine with --force
  }

  @Test
  void defaultFolderNamesOfDifferentModelsDiffer() {
    String a = CppNames.folderName("my-net"), b = CppNames.folderName("my_net"), c = CppNames.folderName("my net");
    assertEquals("my_net", b);
    assertNotEquals(a, b);
    assertNotEquals(a, c);
    assertNotEquals(b, c);
    assertTrue(a.matches("my_net-[0-9a-f]{8}"), a);
    assertEquals(a, CppNames.folderName("my-net"));
  }
}
