package org.cnnhls.sweep;

/** A user mistake in a sweep or collect request (bad folder, nothing fits, ...); one line. */
public final class SweepException extends RuntimeException {
  public SweepException(String message) {
    super(message);
  }
}
