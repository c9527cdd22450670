package org.cnnhls.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static checks of the kernel library: it builds warning-free with the generated Makefile's strict
 * flags (against a hand-written config covering every op), each header compiles on its own, the
 * HLS directives expand to literal arguments Vitis accepts, and the synthesizable sources use no
 * dynamic memory, no std containers and no recursion.
 */
class LintTest {
  @TempDir Path dir;

  /** Sources Vitis synthesizes (the testbench and the g++ stand-ins are not among them). */
  static final List<String> SYNTHESIZABLE =
      List.of("cnnhls_desc.h", "cnnhls_types.h", "cnnhls_requant.h", "cnnhls_engine.h", "cnnhls_top.h", "cnnhls_top.cpp");
  /** Stand-ins: not synthesized, but held to the same no-allocation rule. */
  static final List<String> STAND_INS = List.of("cnnhls_ap_int.h", "cnnhls_ap_fixed.h", "cnnhls_stream.h");

  static final Set<String> KNOWN_DIRECTIVES = Set.of("PIPELINE", "UNROLL", "ARRAY_PARTITION", "LOOP_TRIPCOUNT", "INLINE",
      "DATAFLOW", "INTERFACE", "DEPENDENCE", "BIND_STORAGE", "LOOP_FLATTEN", "STREAM", "ALLOCATION");

  private Path project() throws Exception {
    Path p = Cpp.copyLibrary(dir.resolve("hls"));
    Cpp.copyTestResource("lint_config.h", p);
    Files.move(p.resolve("lint_config.h"), p.resolve("cnnhls_config.h"));
    return p;
  }

  @Test
  void filesListMatchesResources() throws URISyntaxException, java.io.IOException {
    Path res = Path.of(Cpp.class.getResource("/cnnhls/FILES").toURI()).getParent();
    Set<String> present = new TreeSet<>();
    try (Stream<Path> s = Files.list(res)) {
      // regular files only: subfolders (systemc/) are other libraries with their own lists
      s.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).filter(f -> !f.equals("FILES"))
          .forEach(present::add);
    }
    assertEquals(present, new TreeSet<>(Cpp.libraryFiles()));
    assertTrue(present.containsAll(SYNTHESIZABLE) && present.containsAll(STAND_INS) && present.contains("cnnhls_tb.cpp"));
  }

  @Test
  void buildsWarningFreeWithStrictFlags() throws Exception {
    Path p = project();
    Path exe = p.resolve("csim");
    Cpp.Result r = Cpp.gxx(p, Cpp.STRICT, List.of(p), List.of(p.resolve("cnnhls_top.cpp"), p.resolve("cnnhls_tb.cpp")), exe);
    assertEquals("", r.all().trim(), "g++ printed diagnostics");
    // every layer of the hand-written table fits the engine: the testbench gets as far as the files
    Cpp.Result run = Cpp.run(p, 30, List.of(exe.toString(), "no-data"));
    assertEquals(2, run.exit(), run.all());
    assertTrue(run.err().contains("cannot open no-data/weights.bin"), run.all());
    // the per-layer hook variant and C++17 build too
    List<String> flags = new ArrayList<>(Cpp.STRICT);
    flags.add("-DCNNHLS_LAYER_HOOK");
    Cpp.gxx(p, flags, List.of(p), List.of(p.resolve("cnnhls_top.cpp"), p.resolve("cnnhls_tb.cpp")), exe);
    // with the Winograd mode built in
    flags = new ArrayList<>(Cpp.STRICT);
    flags.add("-DCNNHLS_WINOGRAD=1");
    Cpp.gxx(p, flags, List.of(p), List.of(p.resolve("cnnhls_top.cpp"), p.resolve("cnnhls_tb.cpp")), exe);
    flags = new ArrayList<>(Cpp.STRICT);
    flags.set(0, "-std=c++17");
    flags.add("-c");
    Cpp.gxx(p, flags, List.of(p), List.of(p.resolve("cnnhls_top.cpp")), p.resolve("top17.o"));
  }

  @Test
  void everyHeaderCompilesOnItsOwn() throws Exception {
    Path p = project();
    for (String h : Cpp.libraryFiles()) {
      if (!h.endsWith(".h")) continue;
      Path tu = p.resolve("only_" + h.replace('.', '_') + ".cpp");
      // the engine reads the configuration macros, so it (and the top header) come after the config
      String pre = h.equals("cnnhls_engine.h") ? "#include \"cnnhls_config.h\"\n" : "";
      Files.writeString(tu, pre + "#include \"" + h + "\"\n");
      List<String> flags = new ArrayList<>(Cpp.STRICT);
      flags.add("-fsyntax-only");
      Cpp.gxx(p, flags, List.of(p), List.of(tu), null);
    }
  }

  @Test
  void hlsDirectivesExpandToLiterals() throws Exception {
    Path p = project();
    List<String> pragmas = new ArrayList<>();
    // the direct engine, and with the Winograd mode built in
    for (List<String> extra : List.of(List.<String>of(), List.of("-DCNNHLS_WINOGRAD=1"))) {
      List<String> flags = new ArrayList<>(List.of("-std=c++14", "-E", "-DCNNHLS_STANDALONE", "-DCNNHLS_FORCE_PRAGMAS"));
      flags.addAll(extra);
      Cpp.Result r = Cpp.gxx(p, flags, List.of(p), List.of(p.resolve("cnnhls_top.cpp")), null);
      for (String line : r.out().split("\n")) if (line.trim().startsWith("#pragma HLS")) pragmas.add(line.trim());
    }
    // both conv modes share one MAC array
    assertTrue(pragmas.contains("#pragma HLS ALLOCATION function instances=mac_array limit=1"), "the MAC array is not shared");
    assertTrue(pragmas.size() > 50, "expected the kernels' directives, got " + pragmas.size());
    Pattern arg = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(=([A-Za-z_][A-Za-z0-9_]*|-?[0-9]+))?");
    Set<String> seen = new TreeSet<>();
    for (String pr : pragmas) {
      String[] words = pr.substring("#pragma HLS".length()).trim().split("\\s+");
      String directive = words[0].toUpperCase();
      assertTrue(KNOWN_DIRECTIVES.contains(directive), "unknown directive: " + pr);
      seen.add(directive);
      for (int i = 1; i < words.length; i++) {
        assertTrue(arg.matcher(words[i]).matches(), "argument is not an identifier or an integer literal: " + pr);
      }
      assertFalse(pr.contains("CNNHLS_"), "unexpanded macro: " + pr);
    }
    assertTrue(seen.containsAll(Set.of("PIPELINE", "UNROLL", "ARRAY_PARTITION", "LOOP_TRIPCOUNT", "INLINE", "DATAFLOW",
        "INTERFACE")), seen.toString());
    // the four m_axi bundles codegen maps onto HP ports, plus the control slave
    for (String bundle : List.of("gmem_w", "gmem_b", "gmem_q", "gmem_f")) {
      assertTrue(pragmas.stream().anyMatch(x -> x.contains("m_axi") && x.contains("bundle=" + bundle)), bundle);
    }
    assertTrue(pragmas.stream().anyMatch(x -> x.contains("s_axilite port=return bundle=control")));
  }

  @Test
  void synthesizableSourcesHaveNoDynamicMemoryContainersOrRecursion() {
    List<String> problems = new ArrayList<>();
    for (String f : SYNTHESIZABLE) problems.addAll(scan(f, Cpp.resource("/cnnhls/" + f), true));
    for (String f : STAND_INS) problems.addAll(scan(f, Cpp.resource("/cnnhls/" + f), false));
    assertEquals(List.of(), problems);
  }

  @Test
  void scannerFindsWhatItLooksFor() {
    String bad = "// new in a comment is fine\nint f(int n) { int *p = new int[3]; return n ? f(n - 1) : 0; }\n"
        + "struct S { void g() { std::vector<int> v; } };\nconst char *s = \"malloc\";\n";
    List<String> found = scan("bad.h", bad, true);
    assertEquals(3, found.size(), found.toString());
    assertTrue(found.get(0).contains("'new '") && found.get(1).contains("std::vector") && found.get(2).contains("f calls itself"),
        found.toString());
  }

  private static final Pattern FORBIDDEN = Pattern.compile(
      "\\bnew\\s|\\bdelete\\b|\\bmalloc\\b|\\bcalloc\\b|\\brealloc\\b|\\bfree\\s*\\(|std::(vector|deque|map|list|set|string|unordered_\\w+)\\b");
  private static final Pattern FUNCTION = Pattern.compile("\\b([A-Za-z_][A-Za-z0-9_]*)\\s*\\(([^;{}()]|\\([^()]*\\))*\\)\\s*(const\\s*)?\\{");
  private static final Set<String> KEYWORDS = Set.of("if", "for", "while", "switch", "catch", "return", "sizeof", "do");

  /** Problems in one source: forbidden allocation/containers (and, for synthesizable code, recursion). */
  static List<String> scan(String file, String source, boolean recursion) {
    String code = stripCommentsAndStrings(source);
    List<String> out = new ArrayList<>();
    Matcher m = FORBIDDEN.matcher(code);
    while (m.find()) out.add(file + ": forbidden '" + m.group() + "'");
    if (!recursion) return out;
    Matcher f = FUNCTION.matcher(code);
    while (f.find()) {
      String name = f.group(1);
      if (KEYWORDS.contains(name)) continue;
      int open = f.end() - 1, depth = 0, end = open;
      for (int i = open; i < code.length(); i++) {
        char c = code.charAt(i);
        if (c == '{') depth++;
        if (c == '}' && --depth == 0) {
          end = i;
          break;
        }
      }
      String body = code.substring(open + 1, end);
      if (Pattern.compile("(?<![\\w.>])" + Pattern.quote(name) + "\\s*\\(").matcher(body).find()) {
        out.add(file + ": " + name + " calls itself");
      }
    }
    return out;
  }

  /** Removes comments and the contents of string and character literals (keeping line structure). */
  static String stripCommentsAndStrings(String s) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
        while (i < s.length() && s.charAt(i) != '\n') i++;
      } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        int e = s.indexOf("*/", i + 2);
        i = e < 0 ? s.length() : e + 2;
        sb.append(' ');
      } else if (c == '"' || c == '\'') {
        sb.append(c);
        i++;
        while (i < s.length() && s.charAt(i) != c) i += s.charAt(i) == '\\' ? 2 : 1;
        sb.append(c);
        i++;
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }
}
