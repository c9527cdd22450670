package org.cnnhls.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnnhls.ir.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Benchmarks of whole commands, measured in-process: wall time and peak Java heap. Speed and memory
 * targets are checked here, not in unit tests.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: time and peak heap of cnnhls work on a model.",
    subcommands = {BenchCommand.Import.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a benchmark is required: import");
  }

  /** Peak heap across all heap pools since the last reset (an upper bound on the true peak). */
  static final class HeapPeak {
    HeapPeak() {
      System.gc();
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) p.resetPeakUsage();
    }

    long bytes() {
      long sum = 0;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
      }
      return sum;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import and inspect a model (e.g. VGG16 from tools/export_torchvision.py): wall time and peak heap.")
  static final class Import implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL") Path model;

    @Option(names = "--repeat", defaultValue = "3", description = "runs; the best time is reported (default ${DEFAULT-VALUE})")
    int repeat;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      long best = Long.MAX_VALUE, peak = 0;
      Graph g = null;
      for (int i = 0; i < repeat; i++) {
        g = null;
        HeapPeak heap = new HeapPeak();
        long t0 = System.nanoTime();
        g = ModelLoader.load(model);
        int rows = InspectCommand.layers(g).size();
        long t = System.nanoTime() - t0;
        best = Math.min(best, t);
        peak = Math.max(peak, heap.bytes());
        out.printf("run %d: %.3f s, %d layers%n", i + 1, t / 1e9, rows);
      }
      out.printf("bench import %s: best %.3f s over %d runs, peak heap %.1f MB (max heap %.0f MB), %.3f GMAC, %.2f M params%n",
          model.getFileName(), best / 1e9, repeat, peak / 1e6, Runtime.getRuntime().maxMemory() / 1e6,
          g.totalMacs() / 1e9, g.totalParams() / 1e6);
      out.flush();
      return ExitCodes.OK;
    }
  }
}
