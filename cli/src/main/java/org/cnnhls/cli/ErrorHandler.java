package org.cnnhls.cli;

import org.cnnhls.frontend.InputFileException;
import org.cnnhls.frontend.ModelFileException;
import org.cnnhls.ir.ModelException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one line on stderr and an exit code. User mistakes never show a stack
 * trace; internal errors show one only with the environment variable CNNHLS_DEBUG set.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    int code = exitCode(ex);
    String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    if (code == ExitCodes.INTERNAL) {
      message = "internal error: " + ex + " (please report it; set CNNHLS_DEBUG=1 for a stack trace)";
      if (System.getenv("CNNHLS_DEBUG") != null) ex.printStackTrace(cmd.getErr());
    }
    cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": error: " + message.replace('\n', ' '));
    cmd.getErr().flush();
    return code;
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof ModelException) return ExitCodes.MODEL;
    if (ex instanceof ModelFileException || ex instanceof InputFileException || ex instanceof UsageException
        || ex instanceof org.cnnhls.codegen.OutputDirectoryException || ex instanceof org.cnnhls.flow.FlowException
        || ex instanceof org.cnnhls.engine.HardwareConfigFile.InvalidConfigException
        || ex instanceof org.cnnhls.boards.UnknownBoardException) {
      return ExitCodes.USAGE;
    }
    if (ex instanceof CommandLine.ParameterException) return ExitCodes.USAGE;
    return ExitCodes.INTERNAL;
  }
}
