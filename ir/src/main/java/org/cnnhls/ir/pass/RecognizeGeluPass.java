package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code recognize-gelu}: the exact GELU as exporters decompose it, x * 0.5 * (1 + Erf(x / sqrt 2)),
 * becomes one Gelu node. The Erf's argument is x / sqrt 2 (Div) or x * (1 / sqrt 2) (Mul), each
 * within a relative 1e-6 (float spellings of the constant); 1 + erf is an Add of exactly 1 on
 * either side; the 0.5 (a Mul by 0.5 or a Div by 2) may come last, first on x, or on (1 + erf),
 * in any operand order. Every intermediate value must have no other reader.
 */
public final class RecognizeGeluPass extends RewritePass {
  static final double RTOL = 1e-6;

  @Override
  public String name() {
    return "recognize-gelu";
  }

  @Override
  public String description() {
    return "turn x * 0.5 * (1 + Erf(x / sqrt 2)) into Gelu";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node e : g.nodes()) {
      if (!(e.op() instanceof Op.Erf)) continue;
      Optional<Graph> r = match(g, e);
      if (r.isPresent()) return r;
    }
    return Optional.empty();
  }

  private static Optional<Graph> match(Graph g, Node erf) {
    Node div = g.producer(erf.input(0));
    if (div == null || Patterns.soleConsumer(g, div.output()) != erf || div.inputs().size() != 2) return Optional.empty();
    String x = div.input(0);
    boolean scaled = (div.op() instanceof Op.Div && Patterns.isScalar(g, div.input(1), Math.sqrt(2), RTOL))
        || (div.op() instanceof Op.Mul && Patterns.isScalar(g, div.input(1), Math.sqrt(0.5), RTOL));
    if (!scaled && div.op() instanceof Op.Mul && Patterns.isScalar(g, div.input(0), Math.sqrt(0.5), RTOL)) {
      x = div.input(1);
      scaled = true;
    }
    if (!scaled || g.isConstant(x)) return Optional.empty();
    Node add = Patterns.soleConsumerOf(g, erf.output(), Op.Add.class);
    if (add == null || !Patterns.isScalar(g, Patterns.otherInput(add, erf.output()), 1.0, 0)) return Optional.empty();
    Node m1 = Patterns.soleConsumerOf(g, add.output(), Op.Mul.class);
    if (m1 == null) return Optional.empty();
    String o1 = Patterns.otherInput(m1, add.output());
    if (o1 == null) return Optional.empty();
    if (o1.equals(x)) { // (x * a) * 0.5
      Node half = Patterns.scaledBy(g, m1.output(), 0.5, 0);
      return half == null ? Optional.empty() : Optional.of(Patterns.collapse(g, half, new Op.Gelu(), x, div, erf, add, m1));
    }
    if (Patterns.isScalar(g, o1, 0.5, 0)) { // (a * 0.5) * x
      Node last = Patterns.soleConsumerOf(g, m1.output(), Op.Mul.class);
      if (last == null || !x.equals(Patterns.otherInput(last, m1.output()))) return Optional.empty();
      return Optional.of(Patterns.collapse(g, last, new Op.Gelu(), x, div, erf, add, m1));
    }
    Node h = g.producer(o1); // (x * 0.5) * a
    if (h != null && Patterns.soleConsumer(g, h.output()) == m1 && Patterns.isScaling(g, h, x, 0.5, 0)) {
      return Optional.of(Patterns.collapse(g, m1, new Op.Gelu(), x, div, erf, add, h));
    }
    return Optional.empty();
  }
}
