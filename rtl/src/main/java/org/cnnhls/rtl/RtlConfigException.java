package org.cnnhls.rtl;

/** A hardware configuration the RTL generator cannot build (a user error, one line). */
public final class RtlConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public RtlConfigException(String message) {
    super(message);
  }
}
