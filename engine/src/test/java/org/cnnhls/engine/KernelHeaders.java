package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: the real kernel headers of cnnhls-templates (classpath resources under cnnhls/),
 * and small g++ programs built against them with the stand-in ap_int/ap_fixed (no Vitis).
 */
final class KernelHeaders {
  private KernelHeaders() {}

  static String resource(String name) {
    try (InputStream in = KernelHeaders.class.getResourceAsStream("/cnnhls/" + name)) {
      if (in == null) throw new IllegalStateException("cnnhls/" + name + " is not on the test classpath (cnnhls-templates)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The headers listed in cnnhls/FILES and cnnhls/systemc/FILES, copied flat into dir. */
  static Path copyHeaders(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String folder : List.of("", "systemc/")) {
      for (String line : resource(folder + "FILES").split("\n")) {
        String f = line.trim();
        if (f.endsWith(".h")) Files.writeString(dir.resolve(f), resource(folder + f));
      }
    }
    return dir;
  }

  /**
   * Writes {@code source} to dir/name.cpp, compiles it with g++ against the headers in
   * {@code include} (the strict flags of a generated project's C-sim, -O0 for speed) and returns
   * what the program prints; fails the test on a compile error or a non-zero exit.
   */
  static String compileAndRun(Path dir, Path include, String name, String source, List<String> defines)
      throws IOException, InterruptedException {
    Path src = dir.resolve(name + ".cpp"), exe = dir.resolve(name);
    Files.writeString(src, source);
    List<String> cmd = new ArrayList<>(List.of("g++", "-std=c++14", "-O0", "-Wall", "-Wextra", "-Werror",
        "-DCNNHLS_STANDALONE", "-I" + include));
    for (String d : defines) cmd.add("-D" + d);
    cmd.addAll(List.of(src.toString(), "-o", exe.toString()));
    String[] built = run(dir, cmd);
    assertEquals("0", built[0], () -> "g++ failed: " + String.join(" ", cmd) + "\n" + built[2]);
    String[] ran = run(dir, List.of(exe.toString()));
    assertEquals("0", ran[0], () -> name + " failed:\n" + ran[1] + ran[2]);
    return ran[1];
  }

  /** {exit code, stdout, stderr}. */
  private static String[] run(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out: " + String.join(" ", cmd));
    }
    return new String[] {Integer.toString(p.exitValue()), Files.readString(out), Files.readString(err)};
  }
}
