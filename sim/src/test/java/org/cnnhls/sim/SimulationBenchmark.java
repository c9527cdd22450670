package org.cnnhls.sim;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.Lowering;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmarks of issue 5 on torchvision's VGG16 (random weights; make it with
 * {@code /usr/bin/python3 tools/export_torchvision.py vgg16 --inputs}). Not part of the test suite:
 * {@code mvn -pl sim test -Dtest=SimulationBenchmark -Dcnnhls.excludedGroups=none}.
 */
@Tag("benchmark")
class SimulationBenchmark {
  static final Path VGG = Path.of("../build/models/vgg16.onnx");
  static final int RUNS = 5;

  static Graph vgg() {
    assumeTrue(Files.exists(VGG), "no " + VGG + ": run /usr/bin/python3 tools/export_torchvision.py vgg16 --inputs");
    return PassManager.defaultPipeline().run(OnnxImporter.load(VGG));
  }

  @Test
  void timingOnlyVgg16() {
    long t0 = System.nanoTime();
    Graph g = vgg();
    double importSec = (System.nanoTime() - t0) / 1e9;
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));
    long best = Long.MAX_VALUE;
    SimResult r = null;
    for (int i = 0; i < 20; i++) {
      long s = System.nanoTime();
      EngineProgram p = Lowering.forTiming(g, hw);
      r = Simulator.simulate(p, hw);
      best = Math.min(best, System.nanoTime() - s);
    }
    System.out.printf(Locale.ROOT, "BENCH timing-only VGG16 on ultra96: lower+simulate %.2f ms (best of 20), import+passes %.3f s; "
        + "latency %.1f ms%n", best / 1e6, importSec, r.latencySeconds() * 1e3);
  }

  @Test
  void bitAccurateVgg16AgainstOnnxRuntime() throws Exception {
    Graph g = vgg();
    String in = g.inputs().get(0).name();
    float[] x = new float[g.inputs().get(0).shape().size()];
    Random rnd = new Random(3);
    for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
    QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset("16"), ValueRanges.calibrate(g, List.of(Map.of(in, x)), 100));
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    Map<String, int[]> raw = Map.of(in, q.quantizeInput(in, x));
    // both sides warmed up twice (JIT, weight packing), then the best of five runs each
    double bitSec = Double.MAX_VALUE;
    for (int i = 0; i < RUNS + 2; i++) {
      long t0 = System.nanoTime();
      bit.run(raw);
      if (i >= 2) bitSec = Math.min(bitSec, (System.nanoTime() - t0) / 1e9);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    double ortSec = Double.MAX_VALUE;
    try (OrtSession s = env.createSession(VGG.toString(), new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 224, 224})) {
      for (int i = 0; i < RUNS + 2; i++) {
        long o = System.nanoTime();
        s.run(Map.of(in, t)).close();
        if (i >= 2) ortSec = Math.min(ortSec, (System.nanoTime() - o) / 1e9);
      }
    }
    System.out.printf(Locale.ROOT, "BENCH VGG16 one image (best of " + RUNS + "): bit-accurate %.3f s (%.2f GMAC/s), ONNX Runtime float CPU %.3f s, ratio %.2fx%n",
        bitSec, g.totalMacs() / bitSec / 1e9, ortSec, bitSec / ortSec);
  }

  @Test
  void cnna16ConvLayersAgainstThePaper() {
    Graph g = vgg();
    // CNNA16 (the seed paper): 192 MACs at 172 MHz on Ultra96, 16 bit
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96")).withTiles(16, 12, 14, 14).withClock(172);
    SimResult r = Simulator.simulate(Lowering.forTiming(g, hw), hw);
    double conv = r.secondsIn("CONV"), fc = r.secondsIn("GEMM");
    System.out.printf(Locale.ROOT, "BENCH CNNA16 re-derived (16x12 MACs, 172 MHz): conv %.3f s vs paper 0.834 s (ratio %.2f), "
        + "FC %.3f s vs paper 1.14 s, total %.3f s vs 2.0 s%n", conv, conv / 0.834, fc, r.latencySeconds());
  }

  @Test
  void vgg16PerLayerEfficiencyOnUltra96() {
    Graph g = vgg();
    for (boolean winograd : new boolean[] {false, true}) {
      HardwareConfig best = null;
      SimResult bestR = null;
      for (int tm : new int[] {8, 10, 12, 16, 18, 20, 24, 32}) {
        for (int tn : new int[] {8, 9, 10, 12, 16, 18, 20, 24, 32}) {
          for (int t : new int[] {7, 14, 28}) {
            HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96")).withTiles(tm, tn, t, t).withWinograd(winograd);
            EngineProgram p = Lowering.forTiming(g, hw);
            if (!org.cnnhls.engine.Fit.of(hw, p).fits()) continue;
            SimResult r = Simulator.simulate(p, hw);
            if (bestR == null || r.totalCycles() < bestR.totalCycles()) {
              best = hw;
              bestR = r;
            }
          }
        }
      }
      var res = org.cnnhls.engine.Fit.of(best, Lowering.forTiming(g, best)).estimate();
      System.out.printf(Locale.ROOT, "BENCH VGG16 ultra96 16-bit 200 MHz best fitting grid point, winograd %s: %dx%d tiles %dx%d: %.1f ms "
          + "(DSP %d, BRAM18 %d, LUT %d, FF %d)%n%s", winograd, best.tm(), best.tn(), best.tr(), best.tc(), bestR.latencySeconds() * 1e3,
          res.dsp(), res.bram18(), res.lut(), res.ff(), bestR.toText());
    }
  }
}
