package org.cnnhls.ir.pass;

/** A pipeline names a pass that does not exist; the message lists the known ones. */
public final class UnknownPassException extends IllegalArgumentException {
  public UnknownPassException(String message) {
    super(message);
  }
}
