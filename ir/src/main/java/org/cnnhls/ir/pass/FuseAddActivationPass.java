package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code fuse-add-activation}: an Add of two computed tensors of the same shape (the residual
 * join) becomes a FusedAdd, which then absorbs a following Relu, Relu6, Clip or LeakyRelu read by
 * nothing else. Adds with a constant or with broadcasting stay as they are.
 */
public final class FuseAddActivationPass extends RewritePass {

  @Override
  public String name() {
    return "fuse-add-activation";
  }

  @Override
  public String description() {
    return "turn Add of two same-shape tensors into FusedAdd, absorbing a following activation";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.Add && isResidualJoin(g, n)) return Optional.of(Fusion.replaceOp(g, n, new Op.FusedAdd(null)));
      if (n.op() instanceof Op.FusedAdd f && f.activation() == null) {
        Optional<Graph> r = Fusion.absorbActivation(g, n, Op.FusedAdd::new);
        if (r.isPresent()) return r;
      }
    }
    return Optional.empty();
  }

  private static boolean isResidualJoin(Graph g, Node n) {
    String a = n.input(0), b = n.input(1);
    return !g.isConstant(a) && !g.isConstant(b) && g.shape(a).equals(g.shape(b));
  }
}
