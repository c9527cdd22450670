package org.cnnhls.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.Requantize;

/**
 * The generated core compiled by Verilator with harness.cpp, driven through files: Java writes the
 * runs, the harness replays them cycle by cycle and writes cycles and outputs back. Also the Java
 * golden model of one run (the numeric contract through {@link Requantize} and
 * {@link ActivationQuant}).
 */
final class VerilatorCore {

  /**
   * One start..done run: {@code n} output beats of {@code k} steps; step s = p*k + j of beat p
   * carries {@code act[s]} (Tn values) and {@code wgt[s]} (Tm x Tn, lane m*Tn + n).
   */
  record Run(int k, int n, boolean stall, int lo, int hi, long seed, long[] bias, int[] mult, int[] shift, int[][] act,
      int[][] wgt) {}

  record Result(long cycles, int[][] out) {}

  final RtlConfig config;
  final Path dir, binary;

  private VerilatorCore(RtlConfig config, Path dir, Path binary) {
    this.config = config;
    this.dir = dir;
    this.binary = binary;
  }

  static boolean verilatorOnPath() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "verilator"))) return true;
    }
    return false;
  }

  /** Generates the Verilog for {@code config} into {@code dir} and compiles it with the harness. */
  static VerilatorCore build(RtlConfig config, Path dir) throws IOException, InterruptedException {
    RtlGenerator.generate(config, dir);
    try (InputStream h = VerilatorCore.class.getResourceAsStream("harness.cpp")) {
      Files.write(dir.resolve("harness.cpp"), h.readAllBytes());
    }
    exec(dir, 600, "verilator", "--cc", "--exe", "--build", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style",
        "--top-module", RtlGenerator.TOP, "--Mdir", "obj", "-o", "Vsim", RtlGenerator.TOP + ".sv", "harness.cpp");
    return new VerilatorCore(config, dir, dir.resolve("obj/Vsim"));
  }

  List<Result> simulate(String name, List<Run> runs) throws IOException, InterruptedException {
    RtlConfig c = config;
    Path stim = dir.resolve(name + ".stim"), res = dir.resolve(name + ".out");
    try (BufferedWriter w = Files.newBufferedWriter(stim)) {
      w.write(c.tm() + " " + c.tn() + " " + c.actWidth() + " " + c.wgtWidth() + " " + c.accWidth() + " " + c.outWidth()
          + " " + c.mulWidth() + " " + c.shiftWidth() + "\n" + runs.size() + "\n");
      for (Run r : runs) {
        w.write(r.k() + " " + r.n() + " " + (r.stall() ? 1 : 0) + " " + r.lo() + " " + r.hi() + " " + r.seed() + "\n");
        for (int m = 0; m < c.tm(); m++) w.write(r.bias()[m] + " " + r.mult()[m] + " " + r.shift()[m] + "\n");
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < r.k() * r.n(); s++) {
          sb.setLength(0);
          for (int v : r.act()[s]) sb.append(v).append(' ');
          for (int v : r.wgt()[s]) sb.append(v).append(' ');
          sb.append('\n');
          w.write(sb.toString());
        }
      }
    }
    exec(dir, 600, binary.toString(), stim.toString(), res.toString());
    List<String> lines = Files.readAllLines(res);
    List<Result> out = new ArrayList<>();
    int i = 0;
    for (Run r : runs) {
      String[] head = lines.get(i++).split(" ");
      assertEquals("run", head[0]);
      int count = Integer.parseInt(head[2]);
      int[][] y = new int[count][];
      for (int p = 0; p < count; p++) {
        String[] f = lines.get(i++).trim().split(" ");
        y[p] = new int[f.length];
        for (int m = 0; m < f.length; m++) y[p][m] = Integer.parseInt(f[m]);
      }
      out.add(new Result(Long.parseLong(head[1]), y));
    }
    assertEquals(lines.size(), i, "unparsed harness output");
    return out;
  }

  /**
   * The golden model: Tm outputs per beat, from the contract in Java (int64 accumulate). A run with
   * K = 0 produces nothing (the core's documented behaviour).
   */
  static int[][] golden(RtlConfig c, Run r) {
    if (r.k() == 0) return new int[0][];
    ActivationQuant act = new ActivationQuant(r.lo(), r.hi(), false, 1, 0, c.outWidth());
    long accMax = (1L << (c.accWidth() - 1)) - 1;
    int[][] y = new int[r.n()][c.tm()];
    for (int p = 0; p < r.n(); p++) {
      for (int m = 0; m < c.tm(); m++) {
        long acc = r.bias()[m];
        for (int j = 0; j < r.k(); j++) {
          int s = p * r.k() + j;
          for (int n = 0; n < c.tn(); n++) acc += (long) r.act()[s][n] * r.wgt()[s][m * c.tn() + n];
        }
        assertTrue(acc <= accMax && acc >= -accMax - 1, "test data overflows the " + c.accWidth() + "-bit accumulator");
        y[p][m] = act.apply(Requantize.apply(acc, r.mult()[m], r.shift()[m], c.outWidth()));
      }
    }
    return y;
  }

  private static void exec(Path dir, long timeoutSeconds, String... cmd) throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "exec", ".log");
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(cmd[0] + " timed out after " + timeoutSeconds + " s");
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    if (p.exitValue() != 0) {
      fail(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + tail(text, 4000));
    }
  }

  private static String tail(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n);
  }
}
