package org.cnnhls.sweep;

/** A missing or malformed tool report; the message is one line that names the file ("hls/.../csynth.xml: no <AreaEstimates>"). */
public final class ReportException extends RuntimeException {
  public ReportException(String message) {
    super(message);
  }
}
