package org.cnnhls.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;

/**
 * Everything cnnhls prints to the terminal passes through here: model, node and file names may hold
 * control characters (ESC sequences that recolour or rewrite the terminal, carriage returns,
 * bidirectional overrides), which are printed escaped instead: C0 controls as {@code \x1b}, DEL, C1
 * controls, line/paragraph separators and bidi controls as {@code \u202e} (the JSON spelling, so
 * JSON output stays valid; Jackson itself already escapes C0 controls). Line feeds pass.
 */
final class TerminalText {
  private TerminalText() {}

  static boolean unsafe(char c) {
    return c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c == '\u2028' || c == '\u2029'
        || c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
        || c == '\u061c';
  }

  static void appendEscaped(StringBuilder sb, char c) {
    if (c < 0x20) sb.append(String.format("\\x%02x", (int) c));
    else sb.append(String.format("\\u%04x", (int) c));
  }

  /** {@code text} with every unsafe character (line feeds too: one line) escaped. */
  static String escape(String text) {
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (unsafe(c) || c == '\n') {
        if (sb == null) sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        appendEscaped(sb, c);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  /** A writer that escapes unsafe characters (line feeds pass) on their way to {@code out}. */
  static Writer escaping(Writer out) {
    return new FilterWriter(out) {
      @Override
      public void write(int c) throws IOException {
        write(new char[] {(char) c}, 0, 1);
      }

      @Override
      public void write(char[] buf, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
          if (unsafe(buf[i]) && !(buf[i] == '\r' && i + 1 < off + len && buf[i + 1] == '\n')) {
            out.write(buf, start, i - start);
            StringBuilder sb = new StringBuilder(6);
            appendEscaped(sb, buf[i]);
            out.write(sb.toString());
            start = i + 1;
          }
        }
        out.write(buf, start, off + len - start);
      }

      @Override
      public void write(String s, int off, int len) throws IOException {
        write(s.toCharArray(), off, len);
      }
    };
  }
}
