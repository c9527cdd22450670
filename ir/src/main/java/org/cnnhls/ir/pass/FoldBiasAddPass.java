package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code fold-bias-add}: a Conv or Gemm followed by an Add of a constant that is one value per
 * output channel (e.g. [1,C,1,1] or [C,1,1] after a Conv, [C] or [1,C] after a Gemm, or a scalar)
 * takes the constant into its bias. Exporters emit this for layers built from MatMul/Conv + Add.
 */
public final class FoldBiasAddPass extends RewritePass {

  @Override
  public String name() {
    return "fold-bias-add";
  }

  @Override
  public String description() {
    return "fold an Add of a per-channel constant after a Conv/Gemm into its bias";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node add : g.nodes()) {
      if (!(add.op() instanceof Op.Add)) continue;
      for (int side = 0; side < 2; side++) {
        String y = add.input(side), c = add.input(1 - side);
        if (!g.isConstant(c) || g.isConstant(y) || !g.shape(add.output()).equals(g.shape(y))) continue;
        Node producer = g.producer(y);
        float[] d = Weights.perChannel(g.constants().get(c), g.shape(y), 1);
        if (producer == null || d == null || !add.equals(Patterns.soleConsumer(g, y))) continue;
        GraphEditor e = new GraphEditor(g);
        if (ChannelAffine.foldInto(g, e, producer, Weights.ones(d.length), Weights.toDouble(d), add.output())) {
          return Optional.of(e.remove(add).build());
        }
      }
    }
    return Optional.empty();
  }
}
