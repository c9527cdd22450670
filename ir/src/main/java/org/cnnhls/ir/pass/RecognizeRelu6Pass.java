package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code recognize-relu6}: Clip(0, 6) becomes Relu6 and Clip(0, +inf) becomes Relu, the forms the
 * engines implement directly (exporters write ReLU6 as Clip).
 */
public final class RecognizeRelu6Pass extends RewritePass {

  @Override
  public String name() {
    return "recognize-relu6";
  }

  @Override
  public String description() {
    return "turn Clip(0,6) into Relu6 and Clip(0,inf) into Relu";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.Clip c) || c.min() != 0f) continue;
      Op named = c.max() == 6f ? new Op.Relu6() : c.max() == Float.POSITIVE_INFINITY ? new Op.Relu() : null;
      if (named == null) continue;
      Node renamed = new Node(n.name(), named, n.inputs(), n.outputs());
      return Optional.of(new GraphEditor(g).replace(n, renamed).build());
    }
    return Optional.empty();
  }
}
