package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/**
 * {@code remove-identity}: drops Identity nodes (data Identity and Dropout from the importer).
 * Readers use the Identity's input; when its output is a graph output, the producer is renamed to
 * produce it instead, so outputs keep their names. Only an Identity joining a graph input (or
 * constant) straight to a graph output stays.
 */
public final class RemoveIdentityPass extends RewritePass {

  @Override
  public String name() {
    return "remove-identity";
  }

  @Override
  public String description() {
    return "drop Identity nodes, rewiring their readers (graph outputs keep their names)";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.Identity)) continue;
      GraphEditor e = new GraphEditor(g);
      if (e.bypass(n)) return Optional.of(e.build());
    }
    return Optional.empty();
  }
}
