package org.cnnhls.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Output files of the commands (simulate --json/--svg, quantize --json, dse -o/--emit-config):
 * checked up front, before any work or output, so a bad path is one line and exit 2 with nothing
 * written; then written atomically (a hidden temporary file beside the target, renamed; removed on
 * failure).
 */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * Refuses a file that cannot be written: its folder missing or not a folder or not writable, the
   * path a folder or not a regular file, or one of {@code inputs} (the model, data files).
   */
  static void checkFile(Path file, String option, Path... inputs) {
    Path abs = file.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    String what = option + " " + file;
    if (parent == null) throw new UsageException(what + " is not a file name");
    if (!Files.exists(parent)) throw new UsageException(what + ": folder " + parent + " does not exist");
    if (!Files.isDirectory(parent)) throw new UsageException(what + ": " + parent + " is not a folder");
    if (Files.isDirectory(abs)) throw new UsageException(what + " is a folder; give a file name");
    if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new UsageException(what + " exists and is not a regular file");
    }
    if (!Files.isWritable(parent)) throw new UsageException(what + ": folder " + parent + " is not writable");
    for (Path in : inputs) {
      if (in != null && same(in, abs)) throw new UsageException(what + " would overwrite the input " + in);
    }
  }

  /** Refuses a folder (dse -o) that cannot be made or written, and any of {@code names} in it that could not be written. */
  static void checkFolder(Path dir, String option, String... names) {
    Path abs = dir.toAbsolutePath().normalize();
    String what = option + " " + dir;
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) throw new UsageException(what + " exists and is not a folder");
      for (String n : names) checkFile(dir.resolve(n), option, new Path[0]);
      return;
    }
    Path p = abs.getParent();
    while (p != null && !Files.exists(p)) p = p.getParent();
    if (p == null) throw new UsageException(what + ": no existing folder above it");
    if (!Files.isDirectory(p)) throw new UsageException(what + ": " + p + " is not a folder");
    if (!Files.isWritable(p)) throw new UsageException(what + ": folder " + p + " is not writable");
  }

  private static boolean same(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) ? Files.isSameFile(a, b) : a.toAbsolutePath().normalize().equals(b);
    } catch (IOException e) {
      return false;
    }
  }

  /** Writes {@code text} to a hidden temporary file beside {@code file}, then renames it; nothing is left on failure. */
  static void writeAtomically(Path file, String text) {
    Path abs = file.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (IOException e) {
      throw new UsageException("cannot write " + file + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the hidden temporary file is named after the target
        }
      }
    }
  }
}
