package org.cnnhls.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Runs a sweep's task-NNN/run.sh scripts with at most {@code jobs} at a time, instead of Slurm. */
public final class LocalRunner {
  private LocalRunner() {}

  public record TaskRun(String task, int exitCode, double seconds) {}

  public static List<Path> tasks(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("task-\\d{3,}") && Files.isRegularFile(p.resolve(Sweep.RUN))).sorted().toList();
    } catch (IOException e) {
      throw new SweepException(dir + ": cannot list the task folders (" + e.getMessage() + ")");
    }
  }

  public static List<TaskRun> run(Path dir, int jobs, Consumer<String> progress) {
    if (jobs < 1) throw new SweepException("--jobs must be at least 1");
    List<Path> tasks = tasks(dir);
    if (tasks.isEmpty()) throw new SweepException(dir + ": no task-NNN/run.sh (not a folder written by `cnnhls sweep`)");
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, tasks.size()));
    try {
      List<Future<TaskRun>> futures = new ArrayList<>();
      for (Path t : tasks) futures.add(pool.submit(() -> runOne(t, progress)));
      List<TaskRun> out = new ArrayList<>();
      for (Future<TaskRun> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException(e.getCause());
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SweepException("interrupted");
    } finally {
      pool.shutdownNow();
    }
  }

  private static TaskRun runOne(Path task, Consumer<String> progress) throws IOException, InterruptedException {
    String name = task.getFileName().toString();
    Files.createDirectories(task.resolve("logs"));
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder("bash", Sweep.RUN).directory(task.toFile()).redirectErrorStream(true)
        .redirectOutput(task.resolve("logs/run.out").toFile()).start();
    int rc;
    try {
      rc = p.waitFor();
    } catch (InterruptedException e) {
      p.destroy();
      throw e;
    }
    double s = (System.nanoTime() - t0) / 1e9;
    synchronized (LocalRunner.class) {
      progress.accept(String.format(java.util.Locale.ROOT, "%s: %s in %.1f s", name, rc == 0 ? "done" : "failed (exit " + rc + ")", s));
    }
    return new TaskRun(name, rc, s);
  }
}
