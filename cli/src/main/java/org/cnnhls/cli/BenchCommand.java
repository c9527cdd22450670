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
    subcommands = {BenchCommand.Import.class, BenchCommand.Fixed.class, BenchCommand.Compile.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a benchmark is required: import, fixed or compile");
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
      if (repeat < 1) throw new UsageException("--repeat must be at least 1");
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

  @Command(name = "fixed", mixinStandardHelpOptions = true,
      description = "Bit-accurate interpreter speed on one input (e.g. VGG16, 224x224): seconds and GMAC/s.")
  static final class Fixed implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL") Path model;

    @Option(names = "--input", paramLabel = "X.npy", description = "the input (default: seeded random normal data)")
    Path input;

    @Option(names = "--repeat", defaultValue = "3", description = "runs; the best time is reported (default ${DEFAULT-VALUE})")
    int repeat;

    @picocli.CommandLine.Mixin FixedPointOptions fixed;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (repeat < 1) throw new UsageException("--repeat must be at least 1");
      PrintWriter out = spec.commandLine().getOut();
      Graph g = Pipelines.standard(fixed.prepare(ModelLoader.load(model)));
      java.util.Map<String, float[]> sample;
      if (input != null) {
        sample = BatchInput.bind(g, java.util.List.of(input.toString())).sample(0);
      } else {
        java.util.Random r = new java.util.Random(1);
        float[] x = new float[g.inputs().get(0).shape().size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        sample = java.util.Map.of(g.inputs().get(0).name(), x);
      }
      java.util.List<java.util.Map<String, float[]>> calib = fixed.calibration == null ? java.util.List.of(sample)
          : fixed.calibrationSamples(g);
      long tq = System.nanoTime();
      org.cnnhls.ir.quant.QuantizedGraph q = fixed.quantize(g, calib, spec.commandLine().getErr());
      out.printf("quantize (incl. float calibration run): %.3f s%n", (System.nanoTime() - tq) / 1e9);
      org.cnnhls.ir.quant.BitAccurateInterpreter bit = new org.cnnhls.ir.quant.BitAccurateInterpreter(q);
      java.util.Map<String, int[]> raw = java.util.Map.of(g.inputs().get(0).name(),
          q.quantizeInput(g.inputs().get(0).name(), sample.get(g.inputs().get(0).name())));
      long best = Long.MAX_VALUE;
      for (int i = 0; i < repeat; i++) {
        long t0 = System.nanoTime();
        bit.run(raw);
        long t = System.nanoTime() - t0;
        best = Math.min(best, t);
        out.printf("run %d: %.3f s%n", i + 1, t / 1e9);
      }
      long tf = System.nanoTime();
      new org.cnnhls.ir.interp.FloatInterpreter(g).run(sample);
      double floatSec = (System.nanoTime() - tf) / 1e9;
      out.printf("bench fixed %s: best %.3f s, %.2f GMAC/s (%.3f GMAC, %d threads); float interpreter %.3f s%n",
          model.getFileName(), best / 1e9, g.totalMacs() / (best / 1e9) / 1e9, g.totalMacs() / 1e9,
          Runtime.getRuntime().availableProcessors(), floatSec);
      out.flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "compile", mixinStandardHelpOptions = true,
      description = "Time and peak heap of a whole `cnnhls compile` (import, passes, quantization, golden run, project files).")
  static final class Compile implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL") Path model;

    /** Everything after MODEL is handed to `cnnhls compile` (e.g. --board ultra96 -o DIR). */
    @picocli.CommandLine.Unmatched
    java.util.List<String> args = new java.util.ArrayList<>();

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      HeapPeak heap = new HeapPeak();
      long t0 = System.nanoTime();
      java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("compile", model.toString()));
      all.addAll(args);
      int code = new picocli.CommandLine(new CnnhlsCommand()).setOut(out).setErr(spec.commandLine().getErr())
          .setExecutionExceptionHandler(new ErrorHandler()).execute(all.toArray(new String[0]));
      long t = System.nanoTime() - t0;
      out.printf("bench compile %s: %.3f s, peak heap %.1f MB (max heap %.0f MB), exit %d%n", model.getFileName(), t / 1e9,
          heap.bytes() / 1e6, Runtime.getRuntime().maxMemory() / 1e6, code);
      out.flush();
      return code;
    }
  }
}
