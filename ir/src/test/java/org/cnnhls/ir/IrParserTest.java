package org.cnnhls.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IrParserTest {

  /** Builds graphs node by node, naming each output after its node unless told otherwise. */
  private static final class Builder {
    final Map<String, Tensor> constants = new LinkedHashMap<>();
    final List<Node> nodes = new ArrayList<>();

    String c(String name, int... dims) {
      constants.put(name, Tensor.wrap(Shape.of(dims), new float[Shape.of(dims).size()]));
      return name;
    }

    String n(String out, Op op, String... inputs) {
      nodes.add(new Node(out, op, List.of(inputs), List.of(out)));
      return out;
    }

    Graph build(String name, List<ValueInfo> inputs, String... outputs) {
      return Graph.build(name, inputs, List.of(outputs), constants, nodes);
    }
  }

  private static Op.Conv conv(int k, int s, int p, int group) {
    return new Op.Conv(new int[] {k, k}, new int[] {s, s}, new int[] {p, p, p, p}, new int[] {1, 1}, group);
  }

  /** A graph with every op of the IR, with non-default attributes where an op has them. */
  static Graph everyOp() {
    Builder b = new Builder();
    String w = b.c("conv.w", 8, 4, 3, 3), bias = b.c("conv.b", 8);
    String s = b.c("bn.scale", 8), sh = b.c("bn.bias", 8), m = b.c("bn.mean", 8), v = b.c("bn.var", 8);
    String x = "x";
    String conv = b.n("conv", conv(3, 1, 1, 1), x, w, bias);
    String bn = b.n("bn", new Op.BatchNormalization(1e-3f), conv, s, sh, m, v);
    String relu = b.n("relu", new Op.Relu(), bn);
    String relu6 = b.n("relu6", new Op.Relu6(), relu);
    String clip = b.n("clip", new Op.Clip(-1.5f, Float.POSITIVE_INFINITY), relu6);
    String leaky = b.n("leaky", new Op.LeakyRelu(0.1f), clip);
    String sig = b.n("sig", new Op.Sigmoid(), leaky);
    String tanh = b.n("tanh", new Op.Tanh(), sig);
    String hs0 = b.n("hs0", new Op.HardSigmoid(0.25f, 0.4f), tanh);
    String hsw = b.n("hsw", new Op.HardSwish(), hs0);
    String silu = b.n("silu", new Op.Silu(), hsw);
    String gelu = b.n("gelu", new Op.Gelu(), silu);
    String erf = b.n("erf", new Op.Erf(), gelu);
    String pow = b.n("pow", new Op.Pow(2f), erf);
    String sqrt = b.n("sqrt", new Op.Sqrt(), pow);
    String hs = b.n("hs", new Op.Reciprocal(), sqrt);
    String mp = b.n("mp", new Op.MaxPool(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1, 0, 0}, new int[] {1, 2}, true), hs);
    String ap = b.n("ap", new Op.AveragePool(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0, 1, 1}, true, true), hs);
    String pad = b.n("pad", new Op.Pad(new int[] {0, 0, 1, 0, 0, 0, 0, -1}, Op.PadMode.CONSTANT, Float.NEGATIVE_INFINITY), ap);
    String refl = b.n("refl", new Op.Pad(new int[] {0, 0, 1, 1, 0, 0, 1, 1}, Op.PadMode.REFLECT, 0f), pad);
    String edge = b.n("edge", new Op.Pad(new int[] {0, 0, 0, 0, 0, 0, 0, 0}, Op.PadMode.EDGE, 0f), refl);
    String gap = b.n("gap", new Op.GlobalAveragePool(), edge);
    String gmp = b.n("gmp", new Op.GlobalMaxPool(), mp);
    String add = b.n("add", new Op.Add(), gap, gmp);
    String mul = b.n("mul", new Op.Mul(), add, b.c("two", 1));
    String sub = b.n("sub", new Op.Sub(), mul, add);
    String div = b.n("div", new Op.Div(), sub, b.c("three", 1));
    String cat = b.n("cat", new Op.Concat(1), add, div);
    String tr = b.n("tr", new Op.Transpose(new int[] {0, 2, 3, 1}), cat);
    String rs = b.n("rs", new Op.Reshape(new int[] {1, 16}), tr);
    String fl = b.n("fl", new Op.Flatten(2), cat);
    String gemm = b.n("gemm", new Op.Gemm(0.5f, 2f, false, true), rs, b.c("fc.w", 10, 16), b.c("fc.b", 10));
    String gemmA = b.n("gemm_a", new Op.Gemm(1f, 1f, true, false), b.c("a.t", 16, 1), b.c("fc2.w", 16, 10));
    String mm = b.n("mm", new Op.MatMul(), fl, b.c("mm.w", 1, 3));
    String sm = b.n("sm", new Op.Softmax(1, true), gemm);
    String sm2 = b.n("sm2", new Op.Softmax(-1, false), gemmA);
    String fq = b.n("fq", new Op.FakeQuant(new org.cnnhls.ir.QuantSpec(8, true, false, new float[] {0.0123f}, new long[] {0}, -1)), sm2);
    String id = b.n("id", new Op.Identity(), fq);
    String up = b.n("up", new Op.Resize(new int[] {1, 16, 2, 2}, new float[] {1f, 1f, 2f, 2f},
        Op.CoordinateMode.TF_HALF_PIXEL_FOR_NN, Op.NearestMode.ROUND_PREFER_CEIL), cat);
    String bil = b.n("bil", new Op.Resize(new int[] {1, 16, 3, 3}, new float[] {1f, 1f, 1.5f, 1.5f},
        Op.CoordinateMode.ALIGN_CORNERS, Op.NearestMode.ROUND_PREFER_FLOOR, true), up);
    String fc1 = b.n("fc1", new Op.FusedConv(conv(3, 1, 1, 1), new Op.Clip(0f, 6f),
        new Op.MaxPool(new int[] {2, 2}, new int[] {2, 2}, new int[4], new int[] {1, 1}, false)), x, w, bias);
    String fc2 = b.n("fc2", new Op.FusedConv(conv(1, 1, 0, 4), null, null), x, b.c("dw.w", 4, 1, 1, 1), "");
    String fc3 = b.n("fc3", new Op.FusedConv(conv(3, 2, 1, 1), new Op.LeakyRelu(0.2f), null), x, w, bias);
    String fc4 = b.n("fc4", new Op.FusedConv(conv(3, 1, 0, 1), null,
        new Op.MaxPool(new int[] {2, 2}, new int[] {1, 1}, new int[4], new int[] {1, 1}, false)), x, w, bias);
    String fg1 = b.n("fg1", new Op.FusedGemm(true, new Op.Relu()), rs, "fc.w", "fc.b");
    String fg2 = b.n("fg2", new Op.FusedGemm(false, new Op.Relu6()), rs, b.c("fg2.w", 16, 10), "");
    String fg3 = b.n("fg3", new Op.FusedGemm(false, null), rs, "fg2.w");
    String fa1 = b.n("fa1", new Op.FusedAdd(new Op.Relu()), fg1, fg2);
    String fa2 = b.n("fa2", new Op.FusedAdd(null), fa1, fg3);
    String fa3 = b.n("fa3", new Op.FusedAdd(new Op.Clip(-1f, 1f)), fc3, fc3);
    String ct = b.n("ct", new Op.ConvTranspose(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0, 1, 1}, new int[] {1, 1},
        new int[] {1, 1}, 2), x, b.c("ct.w", 4, 3, 2, 2), b.c("ct.b", 6));
    String spread = b.n("spread", new Op.Spread(new int[] {2, 3}, new int[] {1, 0, -1, 2}), x);
    String slice = b.n("slice", new Op.Slice(new int[] {0, 1, 7, 0}, new int[] {1, 2, -1, 3}, new int[] {1, 2, 4, 3}), x);
    String slice2 = b.n("slice2", new Op.Slice(new int[] {0, 2, 0, 0}, new int[] {1, 1, 1, 1}, new int[] {1, 2, 8, 8}), x);
    String shuffle = b.n("shuffle", new Op.ChannelShuffle(2), x);
    String rsum = b.n("rsum", new Op.Reduce(Op.ReduceKind.SUM, new int[] {1, 3}, false), x);
    String rmin = b.n("rmin", new Op.Reduce(Op.ReduceKind.MIN, new int[] {0}, true), shuffle);
    String lsm = b.n("lsm", new Op.LogSoftmax(1, false), slice2);
    String lsm2 = b.n("lsm2", new Op.LogSoftmax(1, true), spread);
    // a node named apart from its value, as the importer names them
    b.nodes.add(new Node("/last/Relu", new Op.Relu(), List.of(fa2), List.of("last")));
    return b.build("every_op", List.of(new ValueInfo(x, Shape.of(1, 4, 8, 8))),
        sm, id, mm, bil, fc1, fc2, fc4, fa3, "last", "conv.w", ct, slice, rsum, rmin, lsm, lsm2);
  }

  @Test
  void roundTripCoversEveryOp() {
    Graph g = everyOp();
    String text = g.dump();
    Graph parsed = IrParser.parse(text, 1);
    assertEquals(text, parsed.dump());
    assertEquals(g.nodes(), parsed.nodes(), "ops and attributes survive the round trip");
    assertEquals(g.inputs(), parsed.inputs());
    assertEquals(g.outputs(), parsed.outputs());

    Set<String> covered = new TreeSet<>();
    for (Node n : g.nodes()) {
      covered.add(n.op().getClass().getSimpleName());
      if (n.op() instanceof Op.FusedConv f) {
        if (f.activation() != null) covered.add(f.activation().getClass().getSimpleName());
        if (f.pool() != null) covered.add(f.pool().getClass().getSimpleName());
      }
    }
    assertEquals(allOps(), covered, "the round-trip graph must use every op (add new ops to everyOp and IrParser)");
  }

  /** Every concrete record of the sealed Op hierarchy. */
  private static Set<String> allOps() {
    Set<String> out = new TreeSet<>();
    List<Class<?>> todo = new ArrayList<>(List.of(Op.class));
    while (!todo.isEmpty()) {
      Class<?> c = todo.remove(todo.size() - 1);
      if (c.isSealed()) todo.addAll(List.of(c.getPermittedSubclasses()));
      else out.add(c.getSimpleName());
    }
    return out;
  }

  @Test
  void parsesAHandWrittenGraphWithoutShapes() {
    Graph g = IrParser.parse("""
        graph tiny
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          y = Conv(x, w, _) k=3x3 s=1x1 p=1,1,1,1
          z = Relu(y)
          output z
        """, 3);
    assertEquals(Shape.of(1, 4, 8, 8), g.shape("z"));
    assertEquals(List.of("x", "w", ""), g.nodes().get(0).inputs());
    assertEquals("""
        graph tiny
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          y = Conv(x, w, _) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          z = Relu(y) : [1,4,8,8]
          output z
        """, g.dump());
  }

  @Test
  void skipsPassDumpHeaders() {
    Graph g = IrParser.parse("// IR after remove-identity\ngraph g\n  input  x: [2]\n  y = Relu(x) : [2]\n\n  output y\n", 0);
    assertEquals(1, g.nodes().size());
  }

  @Test
  void constantsAreSeededAndVariancesPositive() {
    String text = """
        graph bn
          input  x: [1,4,2,2]
          const  s: [4]
          const  b: [4]
          const  m: [4]
          const  v: [4]
          const  other.var: [4]
          y = BatchNormalization(x, s, b, m, v) eps=1.0E-5 : [1,4,2,2]
          output y
          output other.var
        """;
    Graph a = IrParser.parse(text, 7), b = IrParser.parse(text, 7), c = IrParser.parse(text, 8);
    for (String name : a.constants().keySet()) {
      assertArrayEquals(a.constants().get(name).toFloatArray(), b.constants().get(name).toFloatArray());
    }
    assertFalse(java.util.Arrays.equals(a.constants().get("s").toFloatArray(), c.constants().get("s").toFloatArray()));
    for (String name : List.of("v", "other.var")) {
      for (float x : a.constants().get(name).toFloatArray()) assertTrue(x >= 0.5f && x < 1.5f, name + " " + x);
    }
    Set<Float> seen = new HashSet<>();
    for (float x : a.constants().get("s").toFloatArray()) {
      assertTrue(x >= -1f && x < 1f);
      seen.add(x);
    }
    assertEquals(4, seen.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "y = Relu(x) : [1,4]",                 // wrong shape
      "y = Frobnicate(x) : [1,3]",           // unknown op
      "y = Flatten(x) axis=1 wibble : [1,3]", // unknown attribute
      "y = Conv(x) s=1x1 : [1,3]",            // missing kernel
      "y = Relu(x) +Relu : [1,3]",            // fused part on a plain op
      "y = Resize(x) nearest scales=[1.0,1.0] half_pixel floor", // Resize needs its shape
      "what is this",
  })
  void rejectsMalformedText(String line) {
    String text = "graph bad\n  input  x: [1,3]\n  " + line + "\n  output y\n";
    ModelException e = assertThrows(ModelException.class, () -> IrParser.parse(text, 0));
    assertTrue(e.getMessage().contains("line"), e.getMessage());
  }
}
