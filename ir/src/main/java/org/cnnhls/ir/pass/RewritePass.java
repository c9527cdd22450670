package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;

/**
 * A pass made of one local rewrite applied until nothing matches (FINN's {@code (model, changed)}
 * loop). Subclasses find one match, rewrite it and return the new graph, or return empty when the
 * graph has no match left. An iteration cap turns a rewrite that keeps re-matching its own output
 * into an error instead of a hang.
 */
public abstract class RewritePass implements Pass {

  /** One rewrite of the first match in {@code g}, or empty at the fixed point. */
  protected abstract Optional<Graph> rewriteOnce(Graph g);

  /**
   * Most rewrites a correct pass may need. Every rewrite here removes a node or moves one op a
   * step towards its fused or canonical form, a few steps per node at most, so ten per node (plus
   * slack for tiny graphs) is generous.
   */
  protected int maxRewrites(Graph g) {
    return 100 + 10 * g.nodes().size();
  }

  @Override
  public final Graph apply(Graph g) {
    int cap = maxRewrites(g);
    Graph current = g;
    for (int i = 0; i < cap; i++) {
      Optional<Graph> next = rewriteOnce(current);
      if (next.isEmpty()) return current;
      current = next.get();
    }
    throw new FixedPointException(name(), cap, g);
  }

  @Override
  public String toString() {
    return name();
  }
}
