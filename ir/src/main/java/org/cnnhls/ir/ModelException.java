package org.cnnhls.ir;

/**
 * The model is invalid or uses something cnnhls does not support. The message is one line meant for
 * the user: it names the node, op or file and says what to do. The CLI maps it to exit code 3.
 */
public class ModelException extends RuntimeException {
  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
