package org.cnnhls.templates;

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
import org.junit.jupiter.api.Assumptions;

/** Test support: the kernel library as files, and g++ / program runs with captured output. */
final class Cpp {
  private Cpp() {}

  /** Flags every generated project's C-simulation uses (see the Makefile the compiler emits). */
  static final List<String> STRICT = List.of("-std=c++14", "-O2", "-Wall", "-Wextra", "-Werror", "-DCNNHLS_STANDALONE");

  /**
   * Xilinx's C-simulation headers, {@code <repo>/../shared/third_party/xilinx-hls/include} (never
   * copied into the repository); skips the calling test when they are absent.
   */
  static Path vendorInclude() {
    Path repo = Path.of("").toAbsolutePath();
    while (repo != null && !Files.exists(repo.resolve("DEVELOPERS.md"))) repo = repo.getParent();
    Path inc = repo == null ? null : repo.resolveSibling("shared").resolve("third_party/xilinx-hls/include");
    Assumptions.assumeTrue(inc != null && Files.isRegularFile(inc.resolve("ap_int.h")),
        "Xilinx HLS headers not found at <repo>/../shared/third_party/xilinx-hls/include: vendor-header C-sim skipped");
    return inc;
  }

  /**
   * The generated Makefile's flags with XILINX_HLS_INCLUDE set: Xilinx's headers with -isystem, our
   * code still under -Werror; ap_private.h's inlined code trips g++'s uninitialized analysis, so
   * those two warnings are off (the stand-in build keeps them).
   */
  static List<String> vendor(String opt) {
    return List.of("-std=c++14", opt, "-Wall", "-Wextra", "-Werror", "-DCNNHLS_VENDOR_HEADERS", "-isystem",
        vendorInclude().toString(), "-Wno-uninitialized", "-Wno-maybe-uninitialized");
  }

  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** The files listed in cnnhls/FILES. */
  static List<String> libraryFiles() {
    List<String> out = new ArrayList<>();
    for (String line : resource("/cnnhls/FILES").split("\n")) {
      String f = line.trim();
      if (!f.isEmpty() && !f.startsWith("#")) out.add(f);
    }
    return out;
  }

  /** Copies the kernel library into {@code dir} (flat, as a generated project holds it). */
  static Path copyLibrary(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : libraryFiles()) Files.writeString(dir.resolve(f), resource("/cnnhls/" + f));
    return dir;
  }

  static String resource(String path) {
    try (InputStream in = Cpp.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing resource " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a test resource (under /cpp/) into dir. */
  static Path copyTestResource(String name, Path dir) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, resource("/cpp/" + name));
    return p;
  }

  static Result run(Path workDir, long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt"), err = Files.createTempFile(workDir, "err", ".txt");
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", cmd));
    }
    Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Compiles (and links, unless flags hold -c/-E) with g++; fails the test with the compiler's output on error. */
  /**
   * Writes {@code cases} one per line, builds the driver (a test resource) against the library with
   * the strict flags, and runs it on the cases file.
   */
  static Result runDriver(Path dir, String driver, List<String> cases, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path file = dir.resolve("cases.txt");
    Files.write(file, cases);
    Path lib = copyLibrary(dir.resolve("lib"));
    Path src = copyTestResource(driver, dir);
    Path exe = dir.resolve(driver.replace(".cpp", ""));
    gxx(dir, STRICT, List.of(lib), List.of(src), exe);
    return run(dir, timeoutSeconds, List.of(exe.toString(), file.toString()));
  }

  static Result gxx(Path workDir, List<String> flags, List<Path> includes, List<Path> sources, Path output)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("g++"));
    cmd.addAll(flags);
    for (Path i : includes) cmd.add("-I" + i);
    for (Path s : sources) cmd.add(s.toString());
    if (output != null) {
      cmd.add("-o");
      cmd.add(output.toString());
    }
    Result r = run(workDir, 300, cmd);
    assertEquals(0, r.exit(), () -> "g++ failed: " + String.join(" ", cmd) + "\n" + r.all());
    return r;
  }
}
