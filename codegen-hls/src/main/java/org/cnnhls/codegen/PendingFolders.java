package org.cnnhls.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The folders this process has half made: temporary project folders (deleted on SIGINT/SIGTERM or
 * exit) and old projects renamed aside during a replace (moved back if the new one is not in place
 * yet, else deleted). A JVM shutdown hook, installed on first use, does this; the swap itself holds
 * the same lock, so the hook sees either the old project or the new one at the target, never none.
 */
final class PendingFolders {
  private PendingFolders() {}

  static final Object LOCK = new Object();
  private static final Set<Path> TEMPS = new LinkedHashSet<>();
  /** aside -> where it belongs. */
  private static final Map<Path, Path> ASIDE = new LinkedHashMap<>();
  private static boolean hookInstalled, shuttingDown;

  static void addTemp(Path dir) {
    synchronized (LOCK) {
      installHook();
      TEMPS.add(dir);
    }
  }

  static void removeTemp(Path dir) {
    synchronized (LOCK) {
      TEMPS.remove(dir);
    }
  }

  static void addAside(Path aside, Path home) {
    synchronized (LOCK) {
      installHook();
      ASIDE.put(aside, home);
    }
  }

  static void removeAside(Path aside) {
    synchronized (LOCK) {
      ASIDE.remove(aside);
    }
  }

  /** Fails when the JVM is shutting down, so no swap starts after the hook ran. Call holding LOCK. */
  static void checkRunning() throws IOException {
    if (shuttingDown) throw new IOException("interrupted");
  }

  static Set<Path> temps() {
    synchronized (LOCK) {
      return Set.copyOf(TEMPS);
    }
  }

  private static void installHook() {
    if (hookInstalled) return;
    hookInstalled = true;
    Runtime.getRuntime().addShutdownHook(new Thread(PendingFolders::cleanUp, "cnnhls-cleanup"));
  }

  /** What the shutdown hook runs: restores old projects whose replacement is not in place, deletes the rest. */
  static void cleanUp() {
    synchronized (LOCK) {
      shuttingDown = true;
      for (Map.Entry<Path, Path> e : new ArrayList<>(ASIDE.entrySet())) {
        try {
          if (!Files.exists(e.getValue(), LinkOption.NOFOLLOW_LINKS)) Files.move(e.getKey(), e.getValue(), StandardCopyOption.ATOMIC_MOVE);
          else ProjectEmitter.deleteRecursively(e.getKey());
          ASIDE.remove(e.getKey());
        } catch (IOException ignored) {
          // nothing more can be done while the JVM exits
        }
      }
      for (Path t : new ArrayList<>(TEMPS)) {
        // the writing thread may still be adding files: retry a few times
        for (int attempt = 0; attempt < 5 && Files.exists(t, LinkOption.NOFOLLOW_LINKS); attempt++) {
          try {
            ProjectEmitter.deleteRecursively(t);
          } catch (IOException ignored) {
            // retried
          }
        }
        TEMPS.remove(t);
      }
    }
  }
}
