package org.cnnhls.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code cnnhls} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (used by tests, which must not exit the JVM). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** As {@link #execute(String...)}, writing to the given streams. */
  public static int execute(PrintWriter rawOut, PrintWriter rawErr, String... args) {
    // names from models and files may hold control characters: every line printed escapes them
    PrintWriter out = new PrintWriter(TerminalText.escaping(rawOut), true);
    PrintWriter err = new PrintWriter(TerminalText.escaping(rawErr), true);
    CommandLine cmd = new CommandLine(new CnnhlsCommand());
    cmd.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setExecutionExceptionHandler(new ErrorHandler());
    cmd.setExitCodeExceptionMapper(ErrorHandler::exitCode);
    cmd.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": error: " + ex.getMessage().replace('\n', ' ')
          + " (see " + c.getCommandSpec().qualifiedName() + " --help)");
      return ExitCodes.USAGE;
    });
    int code;
    try {
      code = cmd.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("cnnhls: error: out of memory; give the JVM more heap with CNNHLS_JAVA_OPTS=-Xmx8g");
      code = ExitCodes.INTERNAL;
    } catch (StackOverflowError e) {
      err.println("cnnhls: internal error: stack overflow (please report it)");
      code = ExitCodes.INTERNAL;
    }
    out.flush();
    err.flush();
    rawOut.flush();
    rawErr.flush();
    return code;
  }
}
