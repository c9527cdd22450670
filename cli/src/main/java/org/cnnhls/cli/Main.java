package org.cnnhls.cli;

import picocli.CommandLine;

/** Entry point of the {@code cnnhls} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (used by tests, which must not exit the JVM). */
  public static int execute(String... args) {
    CommandLine cmd = new CommandLine(new CnnhlsCommand());
    cmd.setExecutionExceptionHandler(new ErrorHandler());
    cmd.setExitCodeExceptionMapper(ErrorHandler::exitCode);
    return cmd.execute(args);
  }
}
