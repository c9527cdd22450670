package org.cnnhls.cli;

import java.io.PrintStream;

/**
 * Progress for long work, on stderr, only when attached to a terminal: piped or redirected output
 * stays clean. One line, rewritten in place, cleared when done.
 */
final class Progress implements AutoCloseable {
  private final PrintStream err = System.err;
  private final boolean enabled;
  private final String label;
  private long lastPrint;
  private int width;

  Progress(String label) {
    this.label = label;
    this.enabled = System.console() != null && System.getenv("CI") == null;
    if (enabled) print(label + " ...");
  }

  /** Names the step the work is in, e.g. "quantizing". */
  void step(String what) {
    if (enabled) print(label + ": " + what + " ...");
  }

  private void print(String line) {
    err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
    err.flush();
    width = Math.max(width, line.length());
  }

  void update(long done, long total) {
    if (!enabled) return;
    long now = System.nanoTime();
    if (now - lastPrint < 100_000_000L && done < total) return;
    lastPrint = now;
    err.printf("\r%s %d/%d (%d%%)", label, done, total, total == 0 ? 100 : done * 100 / total);
    err.flush();
  }

  @Override
  public void close() {
    if (enabled) {
      err.print("\r" + " ".repeat(Math.max(width, label.length() + 24)) + "\r");
      err.flush();
    }
  }
}
