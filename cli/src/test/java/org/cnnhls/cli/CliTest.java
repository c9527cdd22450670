package org.cnnhls.cli;

import static org.cnnhls.cli.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.cnnhls.cli.Cli.Result;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The cnnhls commands on the committed digits example: version, help, inspect, run. */
class CliTest {
  static final int DIGITS_LAYERS = 10;
  static final long DIGITS_MACS = 25_408;
  static final int DIGITS_SAMPLES = 450, DIGITS_CLASSES = 10;

  @TempDir Path tmp;

  static void assertOk(Result r) {
    assertEquals(ExitCodes.OK, r.code(), r::toString);
    assertEquals("", r.err(), () -> "stderr must be empty on success: " + r);
    assertFalse(r.out().isBlank(), () -> "no output: " + r);
  }

  // ---------------------------------------------------------------- version and help

  @Test
  void version() {
    Result r = run("--version");
    assertOk(r);
    String first = r.out().lines().findFirst().orElseThrow();
    assertTrue(first.matches("cnnhls \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), "version line: " + first);
  }

  @Test
  void topLevelHelpListsCommandsAndExitCodes() {
    Result r = run("--help");
    assertOk(r);
    assertTrue(r.out().startsWith("Usage: cnnhls"), r::toString);
    for (String s : List.of("inspect", "run", "bench", "boards", "Exit codes", "invalid or unsupported model")) {
      assertTrue(r.out().contains(s), () -> "help should mention '" + s + "': " + r.out());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"inspect", "run", "bench", "boards", "bench import"})
  void subcommandHelp(String command) {
    List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
    args.add("--help");
    Result r = run(args.toArray());
    assertOk(r);
    assertTrue(r.out().startsWith("Usage: cnnhls " + command + " "), r::toString);
  }

  /** Every registered command, including ones added later, answers --help with exit 0. */
  @Test
  void everyCommandHasHelp() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new CnnhlsCommand()), new ArrayList<>(), paths);
    assertTrue(paths.size() >= 6, "expected cnnhls and at least inspect, run, bench, bench import, boards: " + paths);
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      Result r = run(args.toArray());
      assertOk(r);
      String usage = String.join(" ", Stream.concat(Stream.of("cnnhls"), path.stream()).toList());
      assertTrue(r.out().startsWith("Usage: " + usage), r::toString);
    }
  }

  private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
    out.add(path);
    cmd.getSubcommands().forEach((name, sub) -> {
      List<String> p = new ArrayList<>(path);
      p.add(name);
      collect(sub, p, out);
    });
  }

  // ---------------------------------------------------------------- inspect

  @Test
  void inspectDigitsTable() {
    Result r = run("inspect", Cli.DIGITS_MODEL);
    assertOk(r);
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("model digits_cnn: input [1,1,8,8] -> logits [1,10]"), r::toString);
    assertTrue(lines.get(1).matches("#\\s+name\\s+op\\s+input\\s+output\\s+MACs\\s+params"), "header: " + lines.get(1));
    List<String> rows = lines.stream().filter(l -> l.matches("\\d+\\s+\\S.*")).toList();
    assertEquals(DIGITS_LAYERS, rows.size(), r::toString);
    for (int i = 0; i < rows.size(); i++) assertTrue(rows.get(i).startsWith(i + " "), "row " + i + ": " + rows.get(i));
    assertTrue(rows.get(0).contains("Conv") && rows.get(9).contains("Gemm"), r::toString);
    long sum = 0;
    for (String row : rows) {
      String[] cells = row.trim().split("\\s+");
      sum += Long.parseLong(cells[cells.length - 2].replace(",", ""));
    }
    assertEquals(DIGITS_MACS, sum, "per-layer MACs should add up to the total");
    assertTrue(lines.get(lines.size() - 1).startsWith("total: 10 layers, 25,408 MACs"), r::toString);
  }

  @Test
  void inspectDigitsJson() throws IOException {
    Result r = run("inspect", "--json", Cli.DIGITS_MODEL);
    assertOk(r);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertEquals(DIGITS_MACS, doc.get("totalMacs").asLong());
    assertTrue(doc.get("totalMacs").isIntegralNumber());
    JsonNode layers = doc.get("layers");
    assertTrue(layers.isArray());
    assertEquals(DIGITS_LAYERS, layers.size());
    long sum = 0;
    for (JsonNode l : layers) {
      for (String field : List.of("name", "op", "inputs", "output", "macs", "params")) {
        assertTrue(l.has(field), "layer without '" + field + "': " + l);
      }
      sum += l.get("macs").asLong();
    }
    assertEquals(DIGITS_MACS, sum);
    assertEquals("Conv", layers.get(0).get("op").asText());
    assertEquals("input", doc.get("inputs").get(0).get("name").asText());
    assertEquals("[1,1,8,8]", doc.get("inputs").get(0).get("shape").asText());
    assertEquals("logits", doc.get("outputs").get(0).get("name").asText());
    assertEquals(3658, doc.get("totalParams").asLong());
  }

  // ---------------------------------------------------------------- run

  /** The header dictionary of a .npy file (format 1.0). */
  static String npyHeader(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    assertEquals((byte) 0x93, b[0]);
    assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
    int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
    return new String(b, 10, len, StandardCharsets.US_ASCII);
  }

  @Test
  void runDigitsWritesFloat32LogitsDeterministically() throws IOException {
    Path y1 = tmp.resolve("y.npy"), y2 = tmp.resolve("again").resolve("y.npy");
    Result r = run("run", Cli.DIGITS_MODEL, "--input", Cli.DIGITS_X, "--output", y1);
    assertOk(r);
    assertTrue(r.out().contains("wrote " + y1 + " [450,10]"), r::toString);
    String header = npyHeader(y1);
    assertTrue(header.contains("'descr': '<f4'"), header);
    assertTrue(header.matches("(?s).*'shape': \\(450, 10,?\\).*"), header);
    NpyFiles.Floats y = NpyFiles.readFloats(y1);
    assertEquals(Shape.of(DIGITS_SAMPLES, DIGITS_CLASSES), y.shape());

    // the logits classify the test set as well as the model card says
    long[] labels = NpyFiles.readLongs(Cli.DIGITS_Y);
    int correct = 0;
    for (int i = 0; i < DIGITS_SAMPLES; i++) {
      int best = 0;
      for (int c = 1; c < DIGITS_CLASSES; c++) if (y.data()[i * DIGITS_CLASSES + c] > y.data()[i * DIGITS_CLASSES + best]) best = c;
      if (best == labels[i]) correct++;
    }
    assertEquals(DigitsAccuracyTest.meta().get("test_correct").asInt(), correct);

    assertOk(run("run", Cli.DIGITS_MODEL, "--input", Cli.DIGITS_X, "--output", y2));
    assertEquals(-1L, Files.mismatch(y1, y2), "two runs must write byte-identical files");
  }

  @Test
  void runWithoutOutputPrintsASummary() {
    Result r = run("run", Cli.DIGITS_MODEL, "--input", Cli.DIGITS_X);
    assertOk(r);
    assertTrue(r.out().startsWith("output logits [1,10] x 450 samples"), r::toString);
    assertTrue(r.out().contains("sample 19: argmax "), r::toString);
    assertTrue(r.out().contains("430 more"), r::toString);
  }

  @Test
  void failedRunLeavesNoOutputFile() throws IOException {
    Path x = tmp.resolve("x.npy");
    NpyFiles.writeFloats(x, Shape.of(2, 1, 8, 7), new float[2 * 56]);
    Path y = tmp.resolve("y.npy");
    Cli.assertError(ExitCodes.USAGE, run("run", Cli.DIGITS_MODEL, "--input", x, "--output", y), "x.npy", "[1,1,8,8]");
    assertFalse(Files.exists(y), "a failed run wrote " + y);
    assertEquals(List.of(x), listDir(tmp), "a failed run left files behind");
  }

  @Test
  void failedWriteLeavesNoTemporaryFile() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("y.npy")); // the output path is taken by a folder
    Cli.assertError(ExitCodes.USAGE, run("run", Cli.DIGITS_MODEL, "--input", Cli.DIGITS_X, "--output", dir),
        "cannot write", "y.npy");
    assertTrue(Files.isDirectory(dir));
    assertEquals(List.of(dir), listDir(tmp), "a failed write left a temporary file behind");
  }

  private static List<Path> listDir(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void runKeepsTheModelsOutputShapeAndAddsABatchAxisOnlyForABatchedFile() throws IOException {
    // a model without a batch axis, as ONNX conformance cases have: input [3,4,5] -> Relu -> [3,4,5]
    org.cnnhls.frontend.OnnxModelBuilder b = new org.cnnhls.frontend.OnnxModelBuilder("relu345", 13, 1);
    String y = b.relu(b.input("x", 3, 4, 5));
    b.rename(y, "y");
    b.output("y", 3, 4, 5);
    Path model = b.save(tmp.resolve("relu345.onnx"));
    Path one = tmp.resolve("one.npy"), two = tmp.resolve("two.npy"), out1 = tmp.resolve("y1.npy"), out2 = tmp.resolve("y2.npy");
    float[] v = new float[60];
    for (int i = 0; i < v.length; i++) v[i] = i % 7 - 3;
    NpyFiles.writeFloats(one, Shape.of(3, 4, 5), v);
    float[] vv = new float[120];
    System.arraycopy(v, 0, vv, 0, 60);
    System.arraycopy(v, 0, vv, 60, 60);
    NpyFiles.writeFloats(two, Shape.of(2, 3, 4, 5), vv);
    Result r1 = run("run", model, "--input", one, "--output", out1);
    assertEquals(0, r1.code(), r1::toString);
    assertEquals(Shape.of(3, 4, 5), NpyFiles.readFloats(out1).shape(), "the model's output shape, no added axis");
    assertEquals(0, run("run", model, "--input", two, "--output", out2).code());
    NpyFiles.Floats y2 = NpyFiles.readFloats(out2);
    assertEquals(Shape.of(2, 3, 4, 5), y2.shape(), "one leading batch axis for a file with one more axis");
    for (int i = 0; i < 120; i++) assertEquals(Math.max(0f, vv[i]), y2.data()[i]);
    // a batch-1 model keeps its shape for one sample and stacks along its first axis for N
    Path d1 = tmp.resolve("d1.npy");
    assertEquals(0, run("run", Cli.DIGITS_MODEL, "--input", Cli.DIGITS_X, "--output", d1).code());
    assertEquals(DIGITS_SAMPLES, NpyFiles.readFloats(d1).shape().dim(0));
  }
}
