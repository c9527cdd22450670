package org.cnnhls.sweep;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared fixtures beside the repository: the sibling {@code shared} of the folder holding DEVELOPERS.md. */
final class Fixtures {
  private Fixtures() {}

  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("DEVELOPERS.md"))) return p;
    }
    throw new IllegalStateException("no DEVELOPERS.md above " + Path.of("").toAbsolutePath());
  }

  static Path reports() {
    return repoRoot().resolveSibling("shared").resolve("fixtures/vitis-reports");
  }
}
