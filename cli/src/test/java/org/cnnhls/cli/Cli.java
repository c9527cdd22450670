package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Runs {@link Main#execute(PrintWriter, PrintWriter, String...)} in-process with captured streams. */
final class Cli {
  private Cli() {}

  /** The committed example model and data, relative to the cli module (surefire's working dir). */
  static final Path DIGITS_DIR = Path.of("..", "examples", "digits");
  static final Path DIGITS_MODEL = DIGITS_DIR.resolve("digits_cnn.onnx");
  static final Path DIGITS_X = DIGITS_DIR.resolve("test_x.npy");
  static final Path DIGITS_Y = DIGITS_DIR.resolve("test_y.npy");
  static final Path DIGITS_META = DIGITS_DIR.resolve("digits_meta.json");

  record Result(int code, String out, String err, List<String> args) {
    List<String> errLines() {
      return err.lines().toList();
    }

    @Override
    public String toString() {
      return "cnnhls " + String.join(" ", args) + "\n  exit " + code + "\n  stdout: " + out + "\n  stderr: " + err;
    }
  }

  static Result run(Object... args) {
    String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), a);
    return new Result(code, out.toString(), err.toString(), List.of(a));
  }

  /**
   * Asserts the error contract: the exit code, nothing on stdout, and exactly one non-empty line on
   * stderr, "cnnhls [SUBCOMMAND...]: error: ...", without stack-trace text, containing every fragment.
   */
  static Result assertError(int expectedCode, Result r, String... fragments) {
    assertEquals(expectedCode, r.code(), () -> "exit code of " + r);
    assertEquals("", r.out(), () -> "stdout must be empty on error: " + r);
    List<String> lines = r.errLines();
    assertEquals(1, lines.size(), () -> "stderr must be exactly one line: " + r);
    String line = lines.get(0);
    assertFalse(line.isBlank(), () -> "stderr line is blank: " + r);
    assertTrue(line.matches("cnnhls( [a-z]+)*: error: .+"), () -> "not 'cnnhls CMD: error: MESSAGE': " + line);
    assertNoStackTrace(r);
    for (String f : fragments) {
      assertTrue(line.contains(f), () -> "stderr should mention '" + f + "': " + line);
    }
    return r;
  }

  /**
   * Asserts a command-line (picocli parse) error: exit code 2, nothing on stdout, no stack trace,
   * and a first stderr line naming the problem. Looser than {@link #assertError}: picocli prints the
   * usage help after the message (see KnownBugsTest#parseErrorsAreOneLine).
   */
  static Result assertParseError(Result r, String... fragments) {
    assertEquals(ExitCodes.USAGE, r.code(), () -> "exit code of " + r);
    assertEquals("", r.out(), () -> "stdout must be empty on error: " + r);
    assertNoStackTrace(r);
    List<String> lines = r.errLines();
    assertFalse(lines.isEmpty() || lines.get(0).isBlank(), () -> "no error message: " + r);
    for (String f : fragments) {
      assertTrue(lines.get(0).contains(f), () -> "stderr should mention '" + f + "' first: " + r);
    }
    return r;
  }

  static void assertNoStackTrace(Result r) {
    for (String s : List.of("Exception", "\tat ", "at org.", "at java.", "Caused by")) {
      assertFalse(r.err().contains(s), () -> "stack-trace text '" + s + "' on stderr: " + r);
      assertFalse(r.out().contains(s), () -> "stack-trace text '" + s + "' on stdout: " + r);
    }
  }
}
