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

  Progress(String label) {
    this.label = label;
    this.enabled = System.console() != null && System.getenv("CI") == null;
    if (enabled) err.print("\r" + label + " ...");
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
      err.print("\r" + " ".repeat(label.length() + 24) + "\r");
      err.flush();
    }
  }
}
