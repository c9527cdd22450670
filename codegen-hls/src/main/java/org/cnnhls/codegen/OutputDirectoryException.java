package org.cnnhls.codegen;

/** The output folder cannot be used (exists and is not ours, unwritable): a usage error. */
public class OutputDirectoryException extends RuntimeException {
  public OutputDirectoryException(String message) {
    super(message);
  }
}
