package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code recognize-silu}: x * Sigmoid(x) (either operand order) becomes one Silu node, the form
 * PyTorch exports SiLU/Swish in (EfficientNet, RegNetY). The Sigmoid must have no other reader.
 */
public final class RecognizeSiluPass extends RewritePass {

  @Override
  public String name() {
    return "recognize-silu";
  }

  @Override
  public String description() {
    return "turn x * Sigmoid(x) into Silu";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node s : g.nodes()) {
      if (!(s.op() instanceof Op.Sigmoid)) continue;
      String x = s.input(0);
      Node mul = Patterns.soleConsumerOf(g, s.output(), Op.Mul.class);
      if (mul == null || !x.equals(Patterns.otherInput(mul, s.output()))) continue;
      return Optional.of(Patterns.collapse(g, mul, new Op.Silu(), x, s));
    }
    return Optional.empty();
  }
}
