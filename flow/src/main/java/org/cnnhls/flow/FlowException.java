package org.cnnhls.flow;

/** An option or configuration that makes no sense for this model and board (the CLI's exit code 2). */
public final class FlowException extends RuntimeException {
  public FlowException(String message) {
    super(message);
  }
}
