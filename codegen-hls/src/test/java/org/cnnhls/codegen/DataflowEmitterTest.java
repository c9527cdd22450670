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

  /** The directives Vitis sees (g++ -E with CNNHLS_FORCE_PRAGMAS): known ones, macros expanded, no dynamic memory in the kernels. */
  @Test
  void directivesAreKnownAndKernelsAllocateNothing() throws Exception {
    DataflowProjects.Emitted e = DataflowProjects.emit(tmp.resolve("l"), "lenet5", "8", "ultra96", 1);
    Path hls = e.result().dir().resolve("hls");
    Process p = new ProcessBuilder("g++", "-std=c++14", "-E", "-DCNNHLS_STANDALONE", "-DCNNHLS_FORCE_PRAGMAS", "-I.", "cnnhls_df_top.cpp")
        .directory(hls.toFile()).redirectErrorStream(true).start();
    String pre = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), pre);
    java.util.Set<String> seen = new java.util.TreeSet<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("#pragma HLS (\\w+)([^\\n]*)").matcher(pre);
    while (m.find()) {
      seen.add(m.group(1));
      assertFalse(m.group(2).contains("CNNHLS_"), m.group());
    }
    assertEquals(java.util.Set.of("ARRAY_PARTITION", "DATAFLOW", "INTERFACE", "PIPELINE", "STREAM", "UNROLL"), seen);
    for (String f : TemplateLibrary.files("dataflow/")) {
      if (f.equals("cnnhls_df_trace.h") || f.equals("cnnhls_df_tb.cpp")) continue;
      String text = new String(TemplateLibrary.read("dataflow/" + f), java.nio.charset.StandardCharsets.UTF_8);
      for (String banned : List.of("new ", "malloc", "std::vector", "std::map", "#include <")) assertFalse(text.contains(banned), f + ": " + banned);
    }
  }
}
