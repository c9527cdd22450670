package org.cnnhls.codegen;

import org.cnnhls.engine.HardwareConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.pass.PassManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated project as files: golden text for the digits model's config header and report
 * (update with -Dcnnhls.updateGolden=true), byte-identical re-runs, safe output folders, sanitized
 * identifiers. The flow scripts are tested in {@link FlowScriptsTest}, the PYNQ driver in {@link DriverStandInTest}.
 */
class EmittedProjectTest {
  @TempDir Path tmp;

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @Test
  void configHeaderAndReportMatchGoldenFiles() throws IOException {
    Path dir = Projects.emit(tmp.resolve("digits"), "digits", "16").dir();
    assertGolden("digits_cnnhls_config.h", Files.readString(dir.resolve("hls/cnnhls_config.h")));
    assertGolden("digits_report.md", Files.readString(dir.resolve("report.md")));
    assertGolden("digits_run_hls.tcl", Files.readString(dir.resolve("hls/run_hls.tcl")));
    // the Winograd engine: its config macros, the report's mode line and its cycles
    Path wino = Projects.emit(tmp.resolve("digits_wino"), "digits", "16", true).dir();
    assertGolden("digits_winograd_cnnhls_config.h", Files.readString(wino.resolve("hls/cnnhls_config.h")));
    assertGolden("digits_winograd_report.md", Files.readString(wino.resolve("report.md")));
  }

  static void assertGolden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("cnnhls.updateGolden")) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertTrue(Files.exists(file), file + " is missing; run with -Dcnnhls.updateGolden=true to create it");
    assertEquals(Files.readString(file), actual, name + " differs from its golden file (-Dcnnhls.updateGolden=true accepts)");
  }

  @Test
  void reRunsAreByteIdentical() throws IOException {
    Path a = Projects.emit(tmp.resolve("a"), "resnet_block", "8").dir();
    Path b = Projects.emit(tmp.resolve("b"), "resnet_block", "8").dir();
    Map<String, byte[]> fa = contents(a), fb = contents(b);
    assertEquals(fa.keySet(), fb.keySet());
    for (String f : fa.keySet()) assertArrayEquals(fa.get(f), fb.get(f), f + " differs between runs");
    assertTrue(fa.containsKey("hls/data/weights.bin") && fa.containsKey("vivado/build_bd.tcl") && fa.containsKey("report.json")
        && fa.containsKey("driver/cnnhls_driver.py") && fa.containsKey("README.md"));
  }

  static Map<String, byte[]> contents(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
    }
    return out;
  }

  @Test
  void foreignFolderIsNotOverwrittenWithoutForce() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(dir.resolve("notes.txt"), "keep me");
    OutputDirectoryException e = assertThrows(OutputDirectoryException.class, () -> Projects.emit(dir, "lenet5", "16"));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    assertEquals("keep me", Files.readString(dir.resolve("notes.txt")));
    // a folder cnnhls made is replaced without --force
    Path ours = Projects.emit(tmp.resolve("ours"), "lenet5", "16").dir();
    Projects.emit(ours, "lenet5", "8");
    assertTrue(Files.readString(ours.resolve("hls/cnnhls_config.h")).contains("#define CNNHLS_ACT_W 8"));
  }

  @Test
  void unmappableOpIsNamedAndNothingIsWritten() throws IOException {
    OnnxModelBuilder b = org.cnnhls.frontend.ReferenceModels.convThenTranspose();
    Graph g = PassManager.defaultPipeline().run(OnnxImporter.fromProto(b.build(), "sig.onnx", null));
    Path dir = tmp.resolve("sig");
    ModelException e = assertThrows(ModelException.class, () -> Projects.emit(dir, "sig",
        Projects.quantize(g, "sig", "16"), HardwareConfig.defaults(BoardCatalog.byName("ultra96")), new float[144]));
    assertTrue(e.getMessage().contains("Transpose"), e.getMessage());
    assertFalse(Files.exists(dir));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(), s.toList(), "no temporary folder left behind");
    }
  }

  @Test
  void hostileNamesAreSanitized() {
    assertEquals("a___system__rm__rf_____", CppNames.identifier("a\"; system(\"rm -rf /\");"));
    assertEquals("m_9lives", CppNames.identifier("9lives"));
    String lit = CppNames.literal("x\"; } int evil(){ return 0; } //\\\n[exec rm]$HOME");
    assertFalse(lit.contains("\"") || lit.contains("\\") || lit.contains("\n") || lit.contains("[") || lit.contains("$")
        || lit.contains("{") || lit.contains(";"), lit);
  }
}
