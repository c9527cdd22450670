package org.cnnhls.ir.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

class PassManagerTest {

  private static final String BLOCK = """
      graph block
        input  x: [1,3,8,8]
        const  w1: [8,3,3,3]
        const  bn.scale: [8]
        const  bn.bias: [8]
        const  bn.mean: [8]
        const  bn.var: [8]
        const  w2: [8,8,3,3]
        const  b2: [8]
        const  fc.w: [10,128]
        const  fc.b: [10]
        xi = Identity(x) : [1,3,8,8]
        c1 = Conv(xi, w1) k=3x3 s=1x1 p=1,1,1,1 : [1,8,8,8]  # conv1
        n1 = BatchNormalization(c1, bn.scale, bn.bias, bn.mean, bn.var) eps=1.0E-5 : [1,8,8,8]
        r1 = Clip(n1) min=0.0 max=6.0 : [1,8,8,8]
        p2 = Pad(r1) pads=[0,0,1,1,0,0,1,1] mode=constant : [1,8,10,10]
        c2 = Conv(p2, w2, b2) k=3x3 s=1x1 : [1,8,8,8]  # conv2
        s = Add(c2, r1) : [1,8,8,8]
        r2 = Relu(s) : [1,8,8,8]
        m = MaxPool(r2) k=2x2 s=2x2 : [1,8,4,4]
        f = Reshape(m) shape=[1,128] : [1,128]
        y = Gemm(f, fc.w, fc.b) transB : [1,10]  # fc
        output y
      """;

  @Test
  void defaultPipelineLowersABlockToEngineOps() {
    Graph g = IrParser.parse(BLOCK, 1);
    Graph out = PassManager.defaultPipeline().run(g);
    assertEquals("""
        graph block
          input  x: [1,3,8,8]
          const  w1: [8,3,3,3]
          const  w2: [8,8,3,3]
          const  b2: [8]
          const  fc.w: [10,128]
          const  fc.b: [10]
          const  conv1.bias: [8]
          r1 = FusedConv(x, w1, conv1.bias) k=3x3 s=1x1 p=1,1,1,1 +Relu6 : [1,8,8,8]  # conv1
          c2 = FusedConv(r1, w2, b2) k=3x3 s=1x1 p=1,1,1,1 : [1,8,8,8]  # conv2
          r2 = FusedAdd(c2, r1) +Relu : [1,8,8,8]  # s
          m = MaxPool(r2) k=2x2 s=2x2 : [1,8,4,4]
          f = Flatten(m) : [1,128]
          y = FusedGemm(f, fc.w, fc.b) transB : [1,10]  # fc
          output y
        """, out.dump());
    PassAssert.assertSameOutputs(g, out);
    assertSame(out, PassManager.defaultPipeline().run(out), "the pipeline is idempotent");
  }

  @Test
  void registryHoldsEveryPassInDefaultOrder() {
    assertEquals(PassManager.DEFAULT_PIPELINE, List.copyOf(PassManager.available().keySet()));
    for (var e : PassManager.available().entrySet()) {
      assertEquals(e.getKey(), e.getValue().name());
      assertTrue(e.getKey().matches("[a-z0-9]+(-[a-z0-9]+)*"), "kebab-case: " + e.getKey());
      assertFalse(e.getValue().description().isBlank());
    }
  }

  @Test
  void unknownPassNamesListTheKnownOnes() {
    UnknownPassException e = assertThrows(UnknownPassException.class, () -> PassManager.of(List.of("fold-bn")));
    assertTrue(e.getMessage().startsWith("unknown pass 'fold-bn'; known passes: remove-identity, fold-constants"), e.getMessage());
  }

  @Test
  void dumpsAfterNamedPassesOrAll() {
    Graph g = IrParser.parse(BLOCK, 1);
    List<String> dumps = new ArrayList<>();
    Graph out = PassManager.of(List.of("remove-identity", "recognize-relu6"))
        .withDumpAfter(List.of("recognize-relu6"), dumps::add).run(g);
    assertEquals(List.of("// IR after recognize-relu6\n" + out.dump()), dumps);

    dumps.clear();
    PassManager.defaultPipeline().withDumpAfter(List.of(PassManager.ALL), dumps::add).run(g);
    assertEquals(PassManager.DEFAULT_PIPELINE.size(), dumps.size());
    assertTrue(dumps.get(0).startsWith("// IR after remove-identity\ngraph block\n"));
    assertTrue(dumps.get(0).contains("c1 = Conv(x, w1)"), dumps.get(0));
  }

  @Test
  void dumpAfterAPassOutsideThePipelineIsAnError() {
    PassManager pm = PassManager.of(List.of("remove-identity"));
    UnknownPassException e = assertThrows(UnknownPassException.class, () -> pm.withDumpAfter(List.of("fuse-conv"), s -> {}));
    assertTrue(e.getMessage().contains("not in the pipeline [remove-identity]"), e.getMessage());
    assertThrows(UnknownPassException.class, () -> pm.withDumpAfter(List.of("no-such-pass"), s -> {}));
  }

  @Test
  void runReturnsTheSameGraphWhenNothingChanges() {
    Graph g = IrParser.parse("graph g\n  input  x: [1,4]\n  y = Sigmoid(x) : [1,4]\n  output y\n", 0);
    assertSame(g, PassManager.defaultPipeline().run(g));
  }

  /** Breaks the graph behind Graph.build's back: a stored shape that inference disagrees with. */
  private static final Pass CORRUPTING = new Pass() {
    public String name() {
      return "corrupt-shapes";
    }

    public String description() {
      return "test pass";
    }

    public Graph apply(Graph g) {
      var shapes = new java.util.LinkedHashMap<>(g.shapes());
      shapes.put("y", Shape.of(1, 5));
      return new Graph(g.name(), g.inputs(), g.outputs(), g.constants(), g.nodes(), shapes);
    }
  };

  @Test
  void verificationNamesThePassThatBrokeTheGraph() {
    Graph g = IrParser.parse("graph g\n  input  x: [1,4]\n  y = Relu(x) : [1,4]\n  output y\n", 0);
    PassManager pm = PassManager.ofPasses(List.of(CORRUPTING));
    ModelException e = assertThrows(ModelException.class, () -> pm.run(g));
    assertEquals("pass 'corrupt-shapes' produced an invalid graph: value 'y' has shape [1,5] but node 'y' gives [1,4]",
        e.getMessage());
    pm.withVerify(false).run(g); // unchecked when verification is off
  }

  @Test
  void verificationRejectsAChangedInterface() {
    Pass renameOutput = new Pass() {
      public String name() {
        return "rename-output";
      }

      public String description() {
        return "test pass";
      }

      public Graph apply(Graph g) {
        GraphEditor e = new GraphEditor(g);
        e.renameValue("y", "z");
        return e.build();
      }
    };
    Graph g = IrParser.parse("graph g\n  input  x: [1,4]\n  y = Relu(x) : [1,4]\n  output y\n", 0);
    ModelException e = assertThrows(ModelException.class, () -> PassManager.ofPasses(List.of(renameOutput)).run(g));
    assertTrue(e.getMessage().startsWith("pass 'rename-output' changed the graph's inputs or outputs"), e.getMessage());
  }

  /** A rewrite that undoes itself: Relu to Relu6 and back, forever. */
  private static final class Flipper extends RewritePass {
    public String name() {
      return "flip-relu";
    }

    public String description() {
      return "test pass";
    }

    @Override
    protected int maxRewrites(Graph g) {
      return 50;
    }

    protected Optional<Graph> rewriteOnce(Graph g) {
      Node n = g.nodes().get(0);
      Op flipped = n.op() instanceof Op.Relu ? new Op.Relu6() : new Op.Relu();
      return Optional.of(Fusion.replaceOp(g, n, flipped));
    }
  }

  @Test
  void aRewriteThatNeverSettlesHitsTheCap() {
    Graph g = IrParser.parse("graph g\n  input  x: [1,4]\n  y = Relu(x) : [1,4]\n  output y\n", 0);
    FixedPointException e = assertThrows(FixedPointException.class, () -> PassManager.ofPasses(List.of(new Flipper())).run(g));
    assertEquals("pass 'flip-relu' did not reach a fixed point after 50 rewrites on graph 'g' (1 node); its rewrite keeps "
        + "matching its own result (a cnnhls bug, please report it)", e.getMessage());
    assertTrue(e instanceof ModelException);
  }

  @Test
  void defaultCapGrowsWithTheGraph() {
    Graph g = IrParser.parse(BLOCK, 1);
    assertEquals(100 + 10 * g.nodes().size(), new FuseConvPass().maxRewrites(g));
  }
}
