package org.cnnhls.frontend;

/** A data file given by the user (.npy input, calibration set) is missing or does not fit: exit code 2. */
public class InputFileException extends RuntimeException {
  public InputFileException(String message) {
    super(message);
  }
}
