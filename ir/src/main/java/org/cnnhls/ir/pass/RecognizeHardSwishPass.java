package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code recognize-hardswish}: the decomposed forms exporters write for HardSwish become one
 * HardSwish node: x * HardSigmoid(x) with alpha 1/6 and beta 1/2; x * Relu6(x + 3) / 6, with the 1/6
 * as a Div by 6 or a Mul by 1/6 either after the product or on the Relu6 (the Relu6 also as
 * Clip(0, 6), since this runs before recognize-relu6). Constants 1/6 and 6 match within a relative
 * 1e-3 (exporters print 1/6 to a few digits, e.g. 0.1666), 3 and 1/2 exactly. Every intermediate
 * value must have no other reader.
 */
public final class RecognizeHardSwishPass extends RewritePass {
  static final double SIXTH_RTOL = 1e-3;

  @Override
  public String name() {
    return "recognize-hardswish";
  }

  @Override
  public String description() {
    return "turn x * HardSigmoid(x) (1/6, 1/2) and x * Relu6(x + 3) / 6 into HardSwish";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      Optional<Graph> r = n.op() instanceof Op.HardSigmoid h ? fromHardSigmoid(g, n, h) : fromRelu6(g, n);
      if (r.isPresent()) return r;
    }
    return Optional.empty();
  }

  private static Optional<Graph> fromHardSigmoid(Graph g, Node h, Op.HardSigmoid hs) {
    if (Math.abs(hs.alpha() * 6 - 1) > SIXTH_RTOL || hs.beta() != 0.5f) return Optional.empty();
    String x = h.input(0);
    Node mul = Patterns.soleConsumerOf(g, h.output(), Op.Mul.class);
    if (mul == null || !x.equals(Patterns.otherInput(mul, h.output()))) return Optional.empty();
    return Optional.of(Patterns.collapse(g, mul, new Op.HardSwish(), x, h));
  }

  /** {@code r} = Relu6(x + 3) or Clip(x + 3, 0, 6), then the product with x and the 1/6. */
  private static Optional<Graph> fromRelu6(Graph g, Node r) {
    boolean relu6 = r.op() instanceof Op.Relu6 || (r.op() instanceof Op.Clip c && c.min() == 0f && c.max() == 6f);
    if (!relu6) return Optional.empty();
    Node add = g.producer(r.input(0));
    if (add == null || !(add.op() instanceof Op.Add) || Patterns.soleConsumer(g, add.output()) != r) return Optional.empty();
    String x = null;
    for (int i = 0; i < 2; i++) {
      if (Patterns.isScalar(g, add.input(1 - i), 3.0, 0) && !g.isConstant(add.input(i))) x = add.input(i);
    }
    if (x == null) return Optional.empty();
    // x * r, then * 1/6
    Node mul = Patterns.soleConsumerOf(g, r.output(), Op.Mul.class);
    if (mul != null && x.equals(Patterns.otherInput(mul, r.output()))) {
      Node scale = Patterns.scaledBy(g, mul.output(), 1.0 / 6, SIXTH_RTOL);
      if (scale != null) return Optional.of(Patterns.collapse(g, scale, new Op.HardSwish(), x, add, r, mul));
    }
    // r * 1/6, then x * that
    Node scale = Patterns.scaledBy(g, r.output(), 1.0 / 6, SIXTH_RTOL);
    if (scale != null) {
      Node last = Patterns.soleConsumerOf(g, scale.output(), Op.Mul.class);
      if (last != null && x.equals(Patterns.otherInput(last, scale.output()))) {
        return Optional.of(Patterns.collapse(g, last, new Op.HardSwish(), x, add, r, scale));
      }
    }
    return Optional.empty();
  }
}
