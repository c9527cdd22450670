package org.cnnhls.ir.pass;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;

/** A {@link RewritePass} still found matches after its iteration cap: a rewrite that undoes itself. */
public final class FixedPointException extends ModelException {
  public FixedPointException(String pass, int cap, Graph g) {
    super("pass '" + pass + "' did not reach a fixed point after " + cap + " rewrites on graph '" + g.name() + "' ("
        + g.nodes().size() + (g.nodes().size() == 1 ? " node" : " nodes") + "); its rewrite keeps matching its own result (a cnnhls bug, please report it)");
  }
}
