package org.cnnhls.cli;

/** The exit codes of every cnnhls command. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** A bug in cnnhls: reported in one line, with a stack trace only when CNNHLS_DEBUG is set. */
  public static final int INTERNAL = 1;
  /** Bad command line, or a user file (input .npy, output path) that is missing or does not fit. */
  public static final int USAGE = 2;
  /** The model is invalid or uses something cnnhls does not support. */
  public static final int MODEL = 3;
}
