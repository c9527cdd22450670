package org.cnnhls.cli;

/** A command-line value that parses but makes no sense (exit code 2). */
class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
