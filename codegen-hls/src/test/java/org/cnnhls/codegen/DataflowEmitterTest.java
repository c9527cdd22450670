package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataflow project's text: deterministic, model names only through CppNames, the pragmas its folding needs. */
class DataflowEmitterTest {
  @TempDir Path tmp;

  @Test
  void emissionIsDeterministicAndSanitized() throws Exception {
    DataflowProjects.Emitted a = DataflowProjects.emit(tmp.resolve("a"), "digits", "8", "ultra96", 2);
    DataflowProjects.Emitted b = DataflowProjects.emit(tmp.resolve("b"), "digits", "8", "ultra96", 2);
    List<Path> files;
    try (Stream<Path> s = Files.walk(a.result().dir())) {
      files = s.filter(Files::isRegularFile).map(f -> a.result().dir().relativize(f)).sorted().toList();
    }
    assertTrue(files.size() > 20);
    for (Path f : files) assertArrayEquals(Files.readAllBytes(a.result().dir().resolve(f)), Files.readAllBytes(b.result().dir().resolve(f)), f.toString());
    String top = Files.readString(a.result().dir().resolve("hls/cnnhls_df_top.cpp"));
    String cfg = Files.readString(a.result().dir().resolve("hls/cnnhls_df_top.h"));
    // digits' node names are "/0/Conv" etc.: identifiers keep [A-Za-z0-9_] only
    assertFalse(top.contains("/0/") || cfg.contains("struct cfg_s1_conv_/"), top);
    assertTrue(top.contains("CNNHLS_PRAGMA(HLS DATAFLOW)") && top.contains("HLS INTERFACE axis port=in"), top);
    int pe = a.plan().stages().get(1).pe();
    assertTrue(pe > 1 && top.contains("cyclic factor=" + pe + " dim=1"), top);
    assertEquals(a.plan().stages().size() - 1, top.split("HLS STREAM variable=").length - 1, top);
  }
}
