package org.cnnhls.rtl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.cnnhls.rtl.VerilatorCore.Result;
import org.cnnhls.rtl.VerilatorCore.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two generated 4 x 4 cores under Verilator (one compile each for the class): 16-bit data with a
 * 48-bit accumulator, and 8-bit data with a 32-bit accumulator and two MACs per multiplier
 * (packed). Against the Java golden model: seeded random tiles (extreme values, random multipliers
 * and shifts, saturation, clamps, random stalls on all three streams), requantize corner cases, and
 * the digits CNN's conv layers tiled onto the array at the core's precision. Outputs must be
 * bit-exact; unstalled runs must take exactly {@link MacArrayTiming#tileCycles} cycles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MacArrayVerilatorTest {
  static final Map<Integer, RtlConfig> CONFIGS = Map.of(
      16, new RtlConfig(4, 4, 16, 16, 48, 16, 16, 8, true),
      8, new RtlConfig(4, 4, 8, 8, 32, 8, 16, 8, true));
  static final Path DIGITS = Path.of("../examples/digits");
  static final String NO_VERILATOR = "verilator is not on PATH: skipping the RTL simulation tests (apt-get install verilator)";

  final Map<Integer, VerilatorCore> cores = new java.util.HashMap<>();

  @BeforeAll
  void build() throws Exception {
    if (!VerilatorCore.verilatorOnPath()) {
      System.out.println("rtl: " + NO_VERILATOR);
      return;
    }
    assertTrue(RtlGenerator.packed(CONFIGS.get(8)) && !RtlGenerator.packed(CONFIGS.get(16)));
    for (int bits : new int[] {16, 8}) {
      long t0 = System.nanoTime();
      RtlConfig c = CONFIGS.get(bits);
      cores.put(bits, VerilatorCore.build(c, Path.of("target/verilator" + bits).toAbsolutePath()));
      System.out.printf("rtl: Chisel -> firtool -> Verilator build of the %dx%d %d-bit core%s: %.1f s%n", c.tm(), c.tn(),
          bits, RtlGenerator.packed(c) ? " (packed)" : "", (System.nanoTime() - t0) / 1e9);
    }
  }

  @ParameterizedTest(name = "{0}-bit core")
  @ValueSource(ints = {16, 8})
  void seededRandomTiles(int bits) throws Exception {
    VerilatorCore core = core(bits);
    RtlConfig cfg = core.config;
    SplittableRandom rnd = new SplittableRandom(20240607);
    List<Run> runs = new ArrayList<>();
    runs.add(randomRun(cfg, rnd, 1, 1, false, 0, 0));
    runs.add(randomRun(cfg, rnd, 1, 40, false, 1, 1)); // K = 1: a beat per cycle, the queue's worst case
    runs.add(randomRun(cfg, rnd, 0, 5, false, 2, 0)); // empty runs: done after one cycle, no output
    runs.add(randomRun(cfg, rnd, 3, 0, false, 3, 0));
    runs.add(randomRun(cfg, rnd, 1, 30, true, 4, 1)); // K = 1 under back-pressure
    for (int i = 0; i < 30; i++) {
      runs.add(randomRun(cfg, rnd, 1 + rnd.nextInt(24), 1 + rnd.nextInt(16), i % 3 == 2, 5 + i, i % 4));
    }
    List<Result> results = core.simulate("random", runs);
    long beats = 0, values = 0, saturated = 0, clamped = 0, zero = 0;
    int max = (1 << (cfg.outWidth() - 1)) - 1;
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      beats += check(cfg, "random run " + i, r, results.get(i));
      for (int[] beat : results.get(i).out()) {
        for (int v : beat) {
          values++;
          if (v == max || v == -max - 1) saturated++;
          else if (v == r.lo() || v == r.hi()) clamped++;
          else if (v == 0) zero++;
        }
      }
    }
    System.out.printf("rtl: %d-bit core: %d random runs, %d output beats bit-exact (%d values: %d saturated, %d at a clip"
        + " bound, %d zero, %d in range)%n", bits, runs.size(), beats, values, saturated, clamped, zero,
        values - saturated - clamped - zero);
    assertTrue(values - saturated - clamped - zero > values / 4, "the random data should mostly land in range");
  }

  /**
   * The requantize stage at its edges: one-step runs whose accumulator is the bias alone, set to
   * values where rounding ties, saturation and the shifter's range limits sit, for every shift from
   * -20 to 72 and several multipliers.
   */
  @ParameterizedTest(name = "{0}-bit core")
  @ValueSource(ints = {16, 8})
  void requantizeCorners(int bits) throws Exception {
    VerilatorCore core = core(bits);
    RtlConfig c = core.config;
    SplittableRandom rnd = new SplittableRandom(99);
    long accMax = (1L << (c.accWidth() - 1)) - 1, max = (1L << (c.outWidth() - 1)) - 1;
    List<Long> accs = new ArrayList<>();
    int[] mults = {1, 3, 46341, (1 << c.mulWidth()) - 1};
    List<Run> runs = new ArrayList<>();
    for (int s = -20; s <= 72; s++) {
      for (int mi = 0; mi < mults.length; mi++) {
        int mult = mults[mi];
        accs.clear();
        for (long r : new long[] {max, max + 1, -max - 1, -max - 2, 0, 1, -1, 5}) {
          java.math.BigInteger target = java.math.BigInteger.valueOf(r);
          java.math.BigInteger t = s >= 0 ? target.shiftLeft(s) : target.shiftRight(-s);
          java.math.BigInteger half = s > 0 ? java.math.BigInteger.ONE.shiftLeft(s - 1) : java.math.BigInteger.ZERO;
          for (java.math.BigInteger d : new java.math.BigInteger[] {half.negate().subtract(java.math.BigInteger.ONE),
              half.negate(), half.subtract(java.math.BigInteger.ONE), half}) {
            java.math.BigInteger acc = t.add(d).divide(java.math.BigInteger.valueOf(mult));
            accs.add(acc.max(java.math.BigInteger.valueOf(-accMax - 1)).min(java.math.BigInteger.valueOf(accMax)).longValue());
          }
        }
        accs.add(accMax);
        accs.add(-accMax - 1);
        accs.add(rnd.nextLong(-accMax - 1, accMax));
        for (int i = 0; i + c.tm() <= accs.size(); i += c.tm()) {
          long[] bias = new long[c.tm()];
          int[] m = new int[c.tm()], sh = new int[c.tm()];
          for (int j = 0; j < c.tm(); j++) {
            bias[j] = accs.get(i + j);
            m[j] = mult;
            sh[j] = s;
          }
          runs.add(new Run(1, 1, false, (int) -max - 1, (int) max, runs.size(), bias, m, sh, new int[1][c.tn()],
              new int[1][c.tm() * c.tn()]));
        }
      }
    }
    List<Result> results = core.simulate("corners", runs);
    for (int i = 0; i < runs.size(); i++) {
      check(c, "corner run " + i + " (shift " + runs.get(i).shift()[0] + ")", runs.get(i), results.get(i));
    }
    System.out.printf("rtl: %d-bit core: %d requantize corner cases bit-exact%n", bits, runs.size() * c.tm());
  }

  @ParameterizedTest(name = "{0}-bit core")
  @ValueSource(ints = {16, 8})
  void digitsConvLayers(int bits) throws Exception {
    VerilatorCore core = core(bits);
    Graph g = PassManager.defaultPipeline().run(OnnxImporter.load(DIGITS.resolve("digits_cnn.onnx")));
    NpyFiles.Floats x = NpyFiles.readFloats(DIGITS.resolve("test_x.npy"));
    String in = g.inputs().get(0).name();
    int per = g.inputs().get(0).shape().size();
    List<Map<String, float[]>> samples = new ArrayList<>();
    for (int i = 0; i < 64; i++) samples.add(Map.of(in, Arrays.copyOfRange(x.data(), i * per, (i + 1) * per)));
    ValueRanges ranges = ValueRanges.calibrate(g, samples, 100);
    List<Node> convs = g.nodes().stream().filter(n -> n.op() instanceof Op.FusedConv).toList();
    assertTrue(convs.size() >= 2, "the digits model should have two fused convolutions");
    // per layer (M = 1, pure shifts) and per output channel (M in [2^14, 2^15))
    for (boolean perChannel : new boolean[] {false, true}) {
      QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset(String.valueOf(bits)).withPerChannel(perChannel), ranges);
      digitsLayers(core, q, convs, in, samples, perChannel ? "per-channel" : "per-layer");
    }
  }

  private void digitsLayers(VerilatorCore core, QuantizedGraph q, List<Node> convs, String in,
      List<Map<String, float[]>> samples, String label) throws Exception {
    RtlConfig cfg = core.config;
    Graph g = q.graph();
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    for (int sample : new int[] {0, 7}) {
      Map<String, int[]> all = bit.runAll(Map.of(in, q.quantizeInput(in, samples.get(sample).get(in))));
      for (Node node : convs) {
        Op.FusedConv f = (Op.FusedConv) node.op();
        LinearQuant lq = q.linear().get(node.name());
        ActivationQuant act = q.activations().get(node.name());
        assertEquals(cfg.outWidth(), q.format(node.output()).width());
        Shape xs = g.shape(node.input(0)), ws = g.shape(node.input(1));
        if (label.equals("per-channel")) assertTrue(lq.perChannel(), "per-channel multipliers");
        ConvTiles tiles = ConvTiles.of(f.conv(), xs, ws, all.get(node.input(0)), lq, act, cfg, sample);
        List<Result> results = core.simulate("digits_" + label + sample + node.name().replaceAll("\\W", "_"), tiles.runs());
        long beats = 0;
        for (int i = 0; i < tiles.runs().size(); i++) {
          beats += check(cfg, node.name() + " tile " + i, tiles.runs().get(i), results.get(i));
        }
        // the RTL's raw conv outputs, pooled, are the golden model's value of the layer
        int[] convOut = tiles.assemble(results);
        int[] y = f.pool() == null ? convOut : ConvTiles.maxPool(f.pool(), tiles.outShape(), convOut);
        assertArrayEquals(all.get(node.output()), y, node.name() + ": RTL (pooled) differs from BitAccurateInterpreter");
        System.out.printf("rtl: %d-bit core: digits %s, sample %d, %s (%s): %d tiles, K = %d, %d output beats bit-exact"
            + " and cycle-exact%n", cfg.outWidth(), label, sample, node.name(), ws, tiles.runs().size(),
            tiles.runs().get(0).k(), beats);
      }
    }
  }

  private VerilatorCore core(int bits) {
    assumeTrue(VerilatorCore.verilatorOnPath(), NO_VERILATOR);
    return cores.get(bits);
  }

  /** Compares outputs with the golden model and cycles with the timing model; returns the beats. */
  private static int check(RtlConfig cfg, String what, Run run, Result res) {
    int[][] want = VerilatorCore.golden(cfg, run);
    assertEquals(want.length, res.out().length, what + ": output beats");
    for (int p = 0; p < want.length; p++) assertArrayEquals(want[p], res.out()[p], what + ", beat " + p);
    long model = MacArrayTiming.tileCycles(cfg.tm(), cfg.tn(), run.k(), run.n());
    if (run.stall()) {
      assertTrue(res.cycles() >= model, what + ": " + res.cycles() + " cycles under stalls, fewer than the model's " + model);
    } else {
      assertEquals(model, res.cycles(), what + " (K=" + run.k() + ", N=" + run.n() + "): cycles vs MacArrayTiming");
    }
    return want.length;
  }

  /**
   * A run with random data. Data scale: 0 = full-range values, 1 = small values (so left shifts do
   * not always saturate), 2 = full range with ReLU, 3 = mixed with a random clip.
   */
  private static Run randomRun(RtlConfig c, SplittableRandom rnd, int k, int n, boolean stall, long seed, int mode) {
    int amax = mode == 1 ? 9 : 1 << (c.actWidth() - 1), wmax = mode == 1 ? 9 : 1 << (c.wgtWidth() - 1);
    int[][] act = new int[k * n][c.tn()], wgt = new int[k * n][c.tm() * c.tn()];
    for (int s = 0; s < k * n; s++) {
      for (int i = 0; i < c.tn(); i++) act[s][i] = edge(rnd, amax);
      for (int i = 0; i < c.tm() * c.tn(); i++) wgt[s][i] = edge(rnd, wmax);
    }
    long[] bias = new long[c.tm()];
    int[] mult = new int[c.tm()], shift = new int[c.tm()];
    for (int m = 0; m < c.tm(); m++) {
      long biasBound = 1L << (c.accWidth() - 8);
      bias[m] = mode == 1 ? rnd.nextLong(-200, 200) : rnd.nextLong(-biasBound, biasBound);
      mult[m] = rnd.nextInt(3) == 0 ? 1 : 1 + rnd.nextInt((1 << c.mulWidth()) - 1);
      int bits = mode == 1 ? 8 : c.accWidth() - 6; // rough magnitude of acc
      int typical = bits + (mult[m] == 1 ? 0 : 16) - (c.outWidth() - 2);
      shift[m] = switch (rnd.nextInt(6)) {
        case 0 -> rnd.nextInt(-20, 1); // left shifts (saturate unless the data is small)
        case 1 -> rnd.nextInt(60, 80); // beyond the product's width: 0
        default -> typical + rnd.nextInt(-4, 5);
      };
    }
    int max = (1 << (c.outWidth() - 1)) - 1, lo = -max - 1, hi = max;
    if (mode == 2) lo = 0;
    if (mode == 3) {
      lo = rnd.nextInt(-max - 1, 0);
      hi = rnd.nextInt(0, max + 1);
    }
    return new Run(k, n, stall, lo, hi, seed, bias, mult, shift, act, wgt);
  }

  /** Uniform in [-max, max-1], with the extremes and zero over-represented. */
  private static int edge(SplittableRandom rnd, int max) {
    return switch (rnd.nextInt(10)) {
      case 0 -> -max;
      case 1 -> max - 1;
      case 2 -> 0;
      default -> rnd.nextInt(-max, max);
    };
  }
}
