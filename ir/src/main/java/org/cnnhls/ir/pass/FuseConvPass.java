package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code fuse-conv}: every Conv becomes a FusedConv (one pass of the conv engine), which then
 * absorbs a following Relu, Relu6, Clip or LeakyRelu and after that a following MaxPool, each only
 * when nothing else reads the value in between. The fused node keeps the Conv's name and produces
 * the last absorbed node's output.
 */
public final class FuseConvPass extends RewritePass {

  @Override
  public String name() {
    return "fuse-conv";
  }

  @Override
  public String description() {
    return "turn Conv into FusedConv, absorbing a following activation and then a MaxPool";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.Conv c) return Optional.of(Fusion.replaceOp(g, n, new Op.FusedConv(c, null, null)));
      if (!(n.op() instanceof Op.FusedConv f) || f.pool() != null) continue;
      if (f.activation() == null) {
        Optional<Graph> r = Fusion.absorbActivation(g, n, a -> new Op.FusedConv(f.conv(), a, null));
        if (r.isPresent()) return r;
      }
      Node next = Patterns.soleConsumer(g, n.output());
      if (next != null && next.op() instanceof Op.MaxPool pool) {
        return Optional.of(Fusion.absorb(g, n, next, new Op.FusedConv(f.conv(), f.activation(), pool)));
      }
    }
    return Optional.empty();
  }
}
