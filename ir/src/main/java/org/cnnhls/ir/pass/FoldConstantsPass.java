package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.interp.FloatInterpreter;

/**
 * {@code fold-constants}: a node whose inputs are all constants is evaluated once by the float
 * interpreter and becomes a constant under its output's name (e.g. a Transpose of a weight, or
 * arithmetic on initializers left by an exporter). Constants nothing reads any more are dropped.
 */
public final class FoldConstantsPass extends RewritePass {

  @Override
  public String name() {
    return "fold-constants";
  }

  @Override
  public String description() {
    return "evaluate nodes whose inputs are all constants; drop unused constants";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (!Patterns.allInputsConstant(g, n)) continue;
      float[] value = new FloatInterpreter(g).evaluateConstantNode(n);
      Tensor t = Tensor.wrap(g.shape(n.output()), value.clone()); // kernels may return an input's array
      return Optional.of(new GraphEditor(g).remove(n).putConstant(n.output(), t).build());
    }
    return Optional.empty();
  }
}
