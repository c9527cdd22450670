package org.cnnhls.templates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.FormatSpec;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overlay engine under g++ C-simulation, bit-exact against the Java golden model: small graphs
 * built with the IR, quantized, lowered by {@link TestProject}, compiled with the top function and
 * the testbench, run. Tile configurations are chosen to exercise partial tiles in every dimension,
 * run-time tile shrinking (strides/dilations beyond CNNHLS_MAX_STRIDE/DILATION), several
 * fully-connected blocks and element-wise chunks; some builds run under ASan/UBSan with per-layer
 * checks, some against Xilinx's own C-simulation headers instead of the stand-ins, some with the
 * stand-ins' unwritten-value check (CNNHLS_STANDIN_CHECK_INIT).
 */
class EngineCsimTest {
  @TempDir Path dir;

  /** A tiny graph builder over the IR with seeded random weights. */
  static final class ModelBuilder {
    final Random rnd;
    final List<Node> nodes = new ArrayList<>();
    final Map<String, Tensor> consts = new LinkedHashMap<>();
    final Map<String, Shape> shapes = new HashMap<>();
    final List<String> outputs = new ArrayList<>();
    final ValueInfo input;

    ModelBuilder(long seed, Shape in) {
      rnd = new Random(seed);
      input = new ValueInfo("x", in);
      shapes.put("x", in);
    }

    Shape shape(String v) {
      return shapes.get(v);
    }

    String node(String name, Op op, String... inputs) {
      List<Shape> in = new ArrayList<>();
      for (String i : inputs) in.add(shapes.get(i));
      Shape out = op.inferShapes(in).get(0); // throws ModelException on impossible geometry
      nodes.add(new Node(name, op, List.of(inputs), List.of(name)));
      shapes.put(name, out);
      return name;
    }

    private String constant(String name, Shape s, double scale) {
      float[] v = new float[s.size()];
      for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
      consts.put(name, Tensor.of(s, v));
      shapes.put(name, s);
      return name;
    }

    String conv(String name, String x, int m, int[] k, int[] s, int[] pads, int[] d, int group, Op.Activation act,
        Op.MaxPool pool) {
      int c = shapes.get(x).dim(1);
      Op.Conv conv = new Op.Conv(k, s, pads, d, group);
      Shape ws = Shape.of(m, c / group, k[0], k[1]);
      conv.inferShapes(List.of(shapes.get(x), ws)); // validate before adding constants
      if (pool != null) pool.inferShapes(conv.inferShapes(List.of(shapes.get(x), ws)));
      String w = constant(name + ".w", ws, 1.5 / Math.sqrt((double) c / group * k[0] * k[1]));
      String b = constant(name + ".b", Shape.of(m), 0.2);
      return node(name, new Op.FusedConv(conv, act, pool), x, w, b);
    }

    String gemm(String name, String x, int n, boolean transB, Op.Activation act) {
      int k = shapes.get(x).dim(1);
      String w = constant(name + ".w", transB ? Shape.of(n, k) : Shape.of(k, n), 1.5 / Math.sqrt(k));
      String b = constant(name + ".b", Shape.of(n), 0.2);
      return node(name, new Op.FusedGemm(transB, act), x, w, b);
    }

    Graph build(List<String> outputs) {
      return Graph.build("test", List.of(input), outputs, consts, nodes);
    }

    float[] randomInput(double scale) {
      float[] v = new float[input.shape().size()];
      for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
      return v;
    }
  }

  static int[] i2(int a, int b) {
    return new int[] {a, b};
  }

  static int[] i4(int a, int b, int c, int d) {
    return new int[] {a, b, c, d};
  }

  /** Every op kind of the engine in one small network (conv with pad+stride, depthwise, grouped+dilated, conv+relu+max-pool, add, pools, concat, global pools, activation, gemm both layouts). */
  static ModelBuilder mixedModel(long seed) {
    ModelBuilder b = new ModelBuilder(seed, Shape.of(1, 3, 13, 11));
    String c1 = b.conv("c1", "x", 8, i2(3, 3), i2(2, 2), i4(1, 1, 1, 1), i2(1, 1), 1, new Op.Relu(), null);
    String dw = b.conv("dw", c1, 8, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 8, new Op.Relu6(), null);
    String dwm = b.conv("dwm", c1, 16, i2(3, 3), i2(1, 1), i4(1, 0, 1, 2), i2(1, 1), 8, null, null);
    String grp = b.conv("grp", dw, 10, i2(3, 3), i2(1, 1), i4(2, 2, 2, 2), i2(2, 2), 2, null, null);
    String cp = b.conv("cp", grp, 12, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 1, new Op.Relu(),
        new Op.MaxPool(i2(2, 2), i2(2, 2), i4(0, 0, 0, 0), i2(1, 1), true));
    String br = b.conv("br", cp, 12, i2(1, 1), i2(1, 1), i4(0, 0, 0, 0), i2(1, 1), 1, new Op.LeakyRelu(0.1f), null);
    String add = b.node("add", new Op.FusedAdd(new Op.Relu()), cp, br);
    String avg = b.node("avg", new Op.AveragePool(i2(3, 3), i2(2, 2), i4(1, 1, 1, 1), false, false), add);
    String avg2 = b.node("avg2", new Op.AveragePool(i2(2, 2), i2(1, 1), i4(0, 0, 1, 1), false, true), add);
    String mp = b.node("mp", new Op.MaxPool(i2(3, 3), i2(2, 2), i4(1, 1, 1, 1), i2(1, 1), false), add);
    String cat = b.node("cat", new Op.Concat(1), avg, mp);
    String gap = b.node("gap", new Op.GlobalAveragePool(), cat);
    String gmp = b.node("gmp", new Op.GlobalMaxPool(), avg2);
    String lr = b.node("lr", new Op.LeakyRelu(0.2f), dwm);
    String gmp2 = b.node("gmp2", new Op.GlobalMaxPool(), lr);
    String clip = b.node("clip", new Op.Clip(-0.3f, 0.4f), gap);
    String fl = b.node("fl", new Op.Flatten(1), clip);
    String fc1 = b.gemm("fc1", fl, 10, true, new Op.Relu());
    String fc2 = b.gemm("fc2", fc1, 5, false, null);
    b.outputs.addAll(List.of(fc2, gmp, gmp2));
    return b;
  }

  /**
   * 3x3 stride-1 convs, the layers Winograd mode takes: odd and even sizes, asymmetric and no
   * padding, groups, a fused max-pool, many input channels (several steps), and a stride-2 and a
   * depthwise layer beside them that stay direct.
   */
  static ModelBuilder winogradModel(long seed) {
    ModelBuilder b = new ModelBuilder(seed, Shape.of(1, 5, 15, 12));
    String a = b.conv("a", "x", 9, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 1, new Op.Relu(), null);
    String c = b.conv("c", a, 11, i2(3, 3), i2(1, 1), i4(0, 2, 1, 0), i2(1, 1), 1, null, null);
    String g = b.conv("g", a, 6, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 3, new Op.LeakyRelu(0.1f), null);
    String p = b.conv("p", c, 7, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 1, new Op.Relu(),
        new Op.MaxPool(i2(2, 2), i2(2, 2), i4(0, 0, 0, 0), i2(1, 1), true));
    String s2 = b.conv("s2", g, 4, i2(3, 3), i2(2, 2), i4(1, 1, 1, 1), i2(1, 1), 1, null, null);
    String dw = b.conv("dw", g, 6, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 6, new Op.Relu6(), null);
    b.outputs.addAll(List.of(p, s2, dw));
    return b;
  }

  /** Many independent random layers reading the input: random windows, strides, dilations, asymmetric pads, groups. */
  static ModelBuilder zooModel(long seed, int layers) {
    Random r = new Random(seed ^ 0x5eed);
    ModelBuilder b = new ModelBuilder(seed, Shape.of(1, 6, 11 + r.nextInt(7), 9 + r.nextInt(9)));
    Op.Activation[] acts = {null, new Op.Relu(), new Op.Relu6(), new Op.LeakyRelu(0.1f), new Op.Clip(-0.5f, 0.7f)};
    int made = 0, tries = 0;
    while (made < layers && tries++ < 20 * layers) {
      int[] groupsChoice = {1, 1, 2, 3, 6, 6};
      int g = groupsChoice[r.nextInt(groupsChoice.length)];
      int mg = g == 6 ? 1 + r.nextInt(2) : 1 + r.nextInt(5);
      int[] k = i2(1 + r.nextInt(5), 1 + r.nextInt(5)), s = i2(1 + r.nextInt(3), 1 + r.nextInt(3));
      int[] d = i2(1 + r.nextInt(2), 1 + r.nextInt(2));
      int[] p = i4(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3));
      Op.MaxPool pool = null;
      if (r.nextInt(3) == 0) {
        int[] pk = i2(2 + r.nextInt(2), 2 + r.nextInt(2));
        pool = new Op.MaxPool(pk, pk.clone(), i4(0, 0, 0, 0), i2(1, 1), r.nextBoolean());
      }
      try {
        b.conv("conv" + made, "x", g * mg, k, s, p, d, g, acts[r.nextInt(acts.length)], pool);
        b.outputs.add("conv" + made);
        made++;
      } catch (ModelException e) {
        // impossible geometry for this input: draw again
      }
    }
    String fl = b.node("flat", new Op.Flatten(1), "x");
    for (int i = 0; i < 3; i++) b.outputs.add(b.gemm("fc" + i, fl, 1 + r.nextInt(40), i != 1, acts[r.nextInt(3)]));
    for (int i = 0; i < 6; i++) {
      int[] k = i2(1 + r.nextInt(4), 1 + r.nextInt(4)), s = i2(1 + r.nextInt(3), 1 + r.nextInt(3));
      int[] p = i4(r.nextInt(k[0]), r.nextInt(k[1]), r.nextInt(k[0]), r.nextInt(k[1]));
      boolean ceil = r.nextBoolean();
      try {
        if (i % 2 == 0) {
          b.outputs.add(b.node("avgpool" + i, new Op.AveragePool(k, s, p, ceil, r.nextBoolean()), "x"));
        } else {
          int[] d = ceil ? i2(1, 1) : i2(1 + r.nextInt(2), 1 + r.nextInt(2));
          int[] pd = i4(Math.min(p[0], (k[0] - 1) * d[0] / 2), Math.min(p[1], (k[1] - 1) * d[1] / 2),
              Math.min(p[2], (k[0] - 1) * d[0] / 2), Math.min(p[3], (k[1] - 1) * d[1] / 2));
          b.outputs.add(b.node("maxpool" + i, new Op.MaxPool(k, s, pd, d, ceil), "x"));
        }
      } catch (ModelException e) {
        // window larger than the padded input: skip
      }
    }
    String a = b.conv("adda", "x", 5, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 1, null, null);
    String c = b.conv("addb", "x", 5, i2(1, 1), i2(1, 1), i4(0, 0, 0, 0), i2(1, 1), 1, new Op.Relu(), null);
    b.outputs.add(b.node("add", new Op.FusedAdd(null), a, c));
    b.outputs.add(b.node("cat", new Op.Concat(1), a, c, "x"));
    b.outputs.add(b.node("gap", new Op.GlobalAveragePool(), "x"));
    b.outputs.add(b.node("gmp", new Op.GlobalMaxPool(), "x"));
    b.outputs.add(b.node("relu6", new Op.Relu6(), "x"));
    return b;
  }

  /** Quantizes with ranges calibrated on a few random inputs, lowers, and golden-runs another input (1.3x wider, so some values saturate). */
  static TestProject project(ModelBuilder b, QuantOptions options) {
    Graph g = b.build(b.outputs);
    List<Map<String, float[]>> samples = new ArrayList<>();
    for (int i = 0; i < 3; i++) samples.add(Map.of("x", b.randomInput(1.0)));
    QuantizedGraph q = Quantizer.quantize(g, options, ValueRanges.calibrate(g, samples, 100));
    return TestProject.lower(q, q.quantizeInput("x", b.randomInput(1.3)));
  }

  static Map<String, Object> tiles(int tm, int tn, int tr, int tc) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("CNNHLS_TM", tm);
    m.put("CNNHLS_TN", tn);
    m.put("CNNHLS_TR", tr);
    m.put("CNNHLS_TC", tc);
    return m;
  }

  /** Writes the project, builds the C-simulation, runs it; returns the run. */
  Cpp.Result csim(String name, TestProject p, Map<String, Object> macros, List<String> extraFlags) throws Exception {
    return csim(name, p, macros, Cpp.STRICT, extraFlags);
  }

  /** The same with another base flag set (e.g. {@link Cpp#vendor}: Xilinx's headers instead of the stand-ins). */
  Cpp.Result csim(String name, TestProject p, Map<String, Object> macros, List<String> base, List<String> extraFlags)
      throws Exception {
    Path proj = Files.createDirectories(dir.resolve(name));
    Cpp.copyLibrary(proj);
    Files.writeString(proj.resolve("cnnhls_config.h"), p.configHeader(macros));
    p.writeData(proj.resolve("data"), macros);
    List<String> flags = new ArrayList<>(base);
    flags.addAll(extraFlags);
    Cpp.gxx(proj, flags, List.of(proj), List.of(proj.resolve("cnnhls_top.cpp"), proj.resolve("cnnhls_tb.cpp")),
        proj.resolve("csim"));
    return Cpp.run(proj, 300, List.of(proj.resolve("csim").toString(), "data"));
  }

  private static final Pattern PASS = Pattern.compile("PASS: (\\d+) layers, (\\d+) values bit-exact");

  static void assertPass(Cpp.Result r, TestProject p) {
    // the data must exercise the kernels: almost every layer's golden output takes several values
    int varied = 0;
    for (String v : p.values) if (java.util.Arrays.stream(p.golden.get(v)).distinct().count() > 1) varied++;
    assertTrue(varied >= 0.9 * p.values.size(), "degenerate test data: " + varied + " of " + p.values.size() + " layers vary");
    assertEquals(0, r.exit(), r.all());
    Matcher m = PASS.matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(p.layers.size(), Integer.parseInt(m.group(1)));
    long expected = 0;
    for (Map<String, Integer> d : p.layers) {
      expected += d.get("op") == TestProject.COPY ? (long) d.get("in_c") * d.get("out_h") * d.get("out_w")
          : (long) d.get("out_c") * d.get("out_h") * d.get("out_w");
    }
    assertEquals(expected, Long.parseLong(m.group(2)));
  }

  private static final List<String> SANITIZE =
      List.of("-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-DCNNHLS_LAYER_HOOK");

  @Test
  void mixedModel16BitPerLayer() throws Exception {
    TestProject p = project(mixedModel(1), QuantOptions.preset("16"));
    assertPass(csim("m16", p, tiles(4, 3, 4, 4), List.of()), p);
  }

  @Test
  void mixedModel8BitPerChannelBigTilesNarrowAccumulators() throws Exception {
    TestProject p = project(mixedModel(2), QuantOptions.preset("8"));
    assertEquals(8, p.actWidth);
    Map<String, Object> m = tiles(8, 8, 8, 8);
    m.putAll(p.narrowAccumulatorMacros());
    assertTrue(p.accBits < 40 && p.multBits <= 15, m.toString());
    assertPass(csim("m8", p, m, List.of()), p);
  }

  @Test
  void tooNarrowAccumulatorIsCaught() throws Exception {
    // a compiler that narrowed the accumulator below what the data needs is caught by the golden comparison
    TestProject p = project(mixedModel(2), QuantOptions.preset("8"));
    Map<String, Object> m = tiles(8, 8, 8, 8);
    m.putAll(p.narrowAccumulatorMacros());
    m.put("CNNHLS_ACC_W", 12);
    m.put("CNNHLS_REQ_ACC_W", 12);
    Cpp.Result r = csim("narrow", p, m, List.of());
    assertEquals(1, r.exit(), r.all());
    assertTrue(r.out().startsWith("MISMATCH layer "), r.out());
  }

  @Test
  void mixedModelSmallBuffersShrinkTiles() throws Exception {
    // per-channel multipliers at 16 bit; an input tile sized for stride 1 and 3x3 windows only, so the
    // stride-2 and dilation-2 layers run on shrunken tiles; several FC blocks and element-wise chunks
    TestProject p = project(mixedModel(3), QuantOptions.preset("16").withPerChannel(true));
    Map<String, Object> m = tiles(2, 5, 2, 2);
    m.put("CNNHLS_MAX_K", 3);
    m.put("CNNHLS_MAX_STRIDE", 1);
    m.put("CNNHLS_IN_TR", 6);
    m.put("CNNHLS_IN_TC", 5);
    m.put("CNNHLS_FC_NB", 4);
    m.put("CNNHLS_EW_CHUNK", 7);
    m.put("CNNHLS_MAX_FC_IN", 24);
    assertPass(csim("small", p, m, List.of()), p);
  }

  @Test
  void mixedFormatsUnderSanitizers() throws Exception {
    // per-layer overrides: narrower weights and outputs than the storage widths, F differing per value
    QuantOptions o = QuantOptions.preset("16").withOverrides(Map.of(
        "c1", new QuantOptions.LayerOverride(new FormatSpec(8, null), new FormatSpec(10, null)),
        "br", new QuantOptions.LayerOverride(new FormatSpec(12, null), new FormatSpec(12, 3)),
        "add", new QuantOptions.LayerOverride(null, new FormatSpec(13, null)),
        "fc1", new QuantOptions.LayerOverride(new FormatSpec(6, null), new FormatSpec(9, null))));
    TestProject p = project(mixedModel(4), o);
    assertPass(csim("mixed", p, tiles(3, 2, 6, 4), SANITIZE), p);
  }

  /**
   * Issue 14: every Mul form (computed per-channel gate, constant per channel, scalar, same shape)
   * and Resize (nearest asymmetric floor x2, bilinear half_pixel to a non-integer ratio, bilinear
   * align_corners down) on odd planes, with chunks much shorter than a plane.
   */
  static ModelBuilder mulResizeModel(long seed) {
    ModelBuilder b = new ModelBuilder(seed, Shape.of(1, 5, 7, 9));
    String c1 = b.conv("c1", "x", 6, i2(3, 3), i2(1, 1), i4(1, 1, 1, 1), i2(1, 1), 1, new Op.Relu(), null);
    String gp = b.node("gp", new Op.GlobalAveragePool(), c1);
    String g1 = b.conv("g1", gp, 6, i2(1, 1), i2(1, 1), i4(0, 0, 0, 0), i2(1, 1), 1, new Op.Clip(0f, 1f), null);
    String se = b.node("se", new Op.Mul(), g1, c1); // the gate first: b is operand 0
    String pc = b.node("pc", new Op.Mul(), se, b.constant("pc.s", Shape.of(1, 6, 1, 1), 2.0));
    String sc = b.node("sc", new Op.Mul(), b.constant("sc.s", Shape.of(1), 0.7), pc);
    String sq = b.node("sq", new Op.Mul(), sc, c1);
    String up = b.node("up", new Op.Resize(new int[] {1, 6, 14, 18}, new float[] {1, 1, 2, 2}, Op.CoordinateMode.ASYMMETRIC,
        Op.NearestMode.FLOOR), sq);
    String bl = b.node("bl", new Op.Resize(new int[] {1, 6, 10, 11}, new float[] {1, 1, 10f / 14, 11f / 18},
        Op.CoordinateMode.HALF_PIXEL, Op.NearestMode.ROUND_PREFER_FLOOR, true), up);
    String ac = b.node("ac", new Op.Resize(new int[] {1, 6, 5, 4}, new float[] {1, 1, 0.5f, 4f / 11},
        Op.CoordinateMode.ALIGN_CORNERS, Op.NearestMode.ROUND_PREFER_FLOOR, true), bl);
    b.outputs.add(ac);
    return b;
  }

  @Test
  void mulAndResize16BitShortChunks() throws Exception {
    TestProject p = project(mulResizeModel(21), QuantOptions.preset("16"));
    Map<String, Object> m = tiles(4, 3, 4, 4);
    m.put("CNNHLS_EW_CHUNK", 7);
    assertPass(csim("mulres16", p, m, List.of()), p);
  }

  @Test
  void mulAndResize8BitUnderSanitizers() throws Exception {
    TestProject p = project(mulResizeModel(22), QuantOptions.preset("8"));
    Map<String, Object> m = tiles(8, 8, 6, 6);
    m.put("CNNHLS_EW_CHUNK", 16);
    assertPass(csim("mulres8", p, m, SANITIZE), p);
  }

  @Test
  void randomLayerZoo16Bit() throws Exception {
    TestProject p = project(zooModel(11, 28), QuantOptions.preset("16"));
    assertTrue(p.layers.size() >= 30);
    assertPass(csim("zoo16", p, tiles(3, 2, 6, 6), List.of()), p);
  }

  @Test
  void randomLayerZoo8BitUnderSanitizers() throws Exception {
    TestProject p = project(zooModel(12, 28), QuantOptions.preset("8"));
    Map<String, Object> m = tiles(16, 16, 6, 9);
    m.putAll(p.narrowAccumulatorMacros());
    m.put("CNNHLS_MAX_K", 5);
    m.put("CNNHLS_MAX_STRIDE", 1);
    assertPass(csim("zoo8", p, m, SANITIZE), p);
  }

  @Test
  void winograd16BitOddTiles() throws Exception {
    TestProject p = project(winogradModel(21), QuantOptions.preset("16"));
    Map<String, Object> m = tiles(4, 3, 5, 3);
    m.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("wino16", p, m, List.of()), p);
  }

  @Test
  void winograd8BitPerChannelUnderSanitizers() throws Exception {
    TestProject p = project(winogradModel(22), QuantOptions.preset("8"));
    Map<String, Object> m = tiles(8, 4, 6, 8);
    m.putAll(p.narrowAccumulatorMacros());
    m.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("wino8", p, m, SANITIZE), p);
    // the mixed model too: its 3x3 stride-1 layers switch mode, the rest stay direct
    TestProject mixed = project(mixedModel(23), QuantOptions.preset("16").withPerChannel(true));
    Map<String, Object> mm = tiles(3, 5, 4, 7);
    mm.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("winomixed", mixed, mm, SANITIZE), mixed);
  }

  @Test
  void otherAxiWidthsLayWeightsOutPerBeat() throws Exception {
    // the weight layout, the beat ports and the banked tiles at other bus widths than the default
    // 128 bits: 2 elements per beat (32 bits at 16-bit storage) up to 64 (512 bits at 8-bit), with
    // beats wider than a whole Tm x Tn weight row and a whole tile row; unwritten-value check and
    // per-layer hook on, so whole-beat reads past a tensor's end must be discarded
    List<String> check = List.of("-DCNNHLS_STANDIN_CHECK_INIT", "-DCNNHLS_LAYER_HOOK");
    TestProject m16 = project(mixedModel(6), QuantOptions.preset("16"));
    Map<String, Object> a = tiles(3, 5, 4, 4);
    a.put("CNNHLS_AXI_WIDTH", 32);
    assertPass(csim("axi32", m16, a, check), m16);
    Map<String, Object> b = tiles(4, 3, 4, 4);
    b.put("CNNHLS_AXI_WIDTH", 256);
    assertPass(csim("axi256", m16, b, check), m16);
    TestProject m8 = project(mixedModel(7), QuantOptions.preset("8").withPerChannel(true));
    Map<String, Object> c = tiles(5, 3, 3, 7);
    c.put("CNNHLS_AXI_WIDTH", 512);
    assertPass(csim("axi512", m8, c, check), m8);
    TestProject w = project(winogradModel(24), QuantOptions.preset("16"));
    Map<String, Object> wm = tiles(4, 3, 5, 3);
    wm.put("CNNHLS_AXI_WIDTH", 64);
    wm.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("axi64wino", w, wm, check), w);
    TestProject w8 = project(winogradModel(25), QuantOptions.preset("8"));
    Map<String, Object> w8m = tiles(8, 4, 6, 8);
    w8m.put("CNNHLS_AXI_WIDTH", 256);
    w8m.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("axi256wino8", w8, w8m, check), w8);
    TestProject zoo = project(zooModel(13, 28), QuantOptions.preset("8"));
    Map<String, Object> z = tiles(16, 16, 6, 9);
    z.put("CNNHLS_AXI_WIDTH", 64);
    z.put("CNNHLS_MAX_K", 5);
    assertPass(csim("axi64zoo", zoo, z, check), zoo);
  }

  @Test
  void vendorHeadersBitExact() throws Exception {
    // the same kernels against Xilinx's own ap_int / hls::stream C-simulation headers: every op kind
    // at 16 bit, and Winograd mode with narrowed accumulators at 8 bit
    List<String> vendor = Cpp.vendor("-O1");
    TestProject p = project(mixedModel(1), QuantOptions.preset("16"));
    assertPass(csim("v16", p, tiles(4, 3, 4, 4), vendor, List.of("-DCNNHLS_LAYER_HOOK")), p);
    TestProject w = project(winogradModel(22), QuantOptions.preset("8"));
    Map<String, Object> m = tiles(8, 4, 6, 8);
    m.putAll(w.narrowAccumulatorMacros());
    m.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("vwino8", w, m, vendor, List.of()), w);
  }

  @Test
  void noLayerReadsAValueNoOneWrote() throws Exception {
    // CNNHLS_STANDIN_CHECK_INIT: every ap_int starts unwritten (on-chip buffers, FIFOs, and the
    // feature-map buffer outside the input) and reading one aborts; Xilinx's ap_int would hold garbage
    List<String> check = List.of("-DCNNHLS_STANDIN_CHECK_INIT", "-DCNNHLS_LAYER_HOOK");
    TestProject zoo = project(zooModel(12, 28), QuantOptions.preset("8"));
    Map<String, Object> m = tiles(16, 16, 6, 9);
    m.putAll(zoo.narrowAccumulatorMacros());
    m.put("CNNHLS_MAX_K", 5);
    m.put("CNNHLS_MAX_STRIDE", 1);
    assertPass(csim("czoo8", zoo, m, check), zoo);
    TestProject mixed = project(mixedModel(3), QuantOptions.preset("16").withPerChannel(true));
    Map<String, Object> s = tiles(2, 5, 2, 2);
    s.put("CNNHLS_MAX_K", 3);
    s.put("CNNHLS_MAX_STRIDE", 1);
    s.put("CNNHLS_IN_TR", 6);
    s.put("CNNHLS_IN_TC", 5);
    s.put("CNNHLS_FC_NB", 4);
    s.put("CNNHLS_EW_CHUNK", 7);
    s.put("CNNHLS_MAX_FC_IN", 24);
    assertPass(csim("csmall", mixed, s, check), mixed);
    TestProject w = project(winogradModel(21), QuantOptions.preset("16"));
    Map<String, Object> wm = tiles(4, 3, 5, 3);
    wm.put("CNNHLS_WINOGRAD", 1);
    assertPass(csim("cwino16", w, wm, check), w);
  }

  @Test
  void testbenchReportsFirstMismatchAndBadFiles() throws Exception {
    TestProject p = project(mixedModel(5), QuantOptions.preset("16"));
    Map<String, Object> macros = tiles(4, 4, 4, 4);
    assertPass(csim("neg", p, macros, List.of()), p);
    Path proj = dir.resolve("neg");

    // flip one golden value of layer 3: the testbench names it
    int layer = 3, pos = 0;
    for (int i = 0; i < layer; i++) {
      Map<String, Integer> d = p.layers.get(i);
      pos += d.get("out_c") * d.get("out_h") * d.get("out_w");
    }
    byte[] golden = Files.readAllBytes(proj.resolve("data/golden.bin"));
    int idx = 5;
    int old = (short) ((golden[2 * (pos + idx)] & 0xff) | (golden[2 * (pos + idx) + 1] << 8));
    byte[] bad = golden.clone();
    bad[2 * (pos + idx)] ^= 1;
    Files.write(proj.resolve("data/golden.bin"), bad);
    Cpp.Result r = Cpp.run(proj, 60, List.of(proj.resolve("csim").toString(), "data"));
    assertEquals(1, r.exit(), r.all());
    assertEquals("MISMATCH layer " + layer + " (" + p.names.get(layer) + ") index " + idx + ": got " + old + " expected "
        + (old ^ 1), r.out().trim());

    // a truncated blob is a clear error, not a wrong answer
    Files.write(proj.resolve("data/golden.bin"), golden);
    byte[] w = Files.readAllBytes(proj.resolve("data/weights.bin"));
    Files.write(proj.resolve("data/weights.bin"), java.util.Arrays.copyOf(w, w.length - 2));
    r = Cpp.run(proj, 60, List.of(proj.resolve("csim").toString(), "data"));
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("weights.bin has " + (w.length - 2) + " bytes; expected " + w.length), r.err());

    r = Cpp.run(proj, 60, List.of(proj.resolve("csim").toString(), "no-such-dir"));
    assertEquals(2, r.exit(), r.all());
    assertTrue(r.err().contains("cannot open no-such-dir/weights.bin"), r.err());
  }
}
