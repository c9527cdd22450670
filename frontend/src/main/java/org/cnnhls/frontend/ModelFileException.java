package org.cnnhls.frontend;

/** A model path that cannot be read at all (missing, a directory): a usage error, not a bad model. */
public class ModelFileException extends RuntimeException {
  public ModelFileException(String message) {
    super(message);
  }
}
