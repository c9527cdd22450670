package org.cnnhls.ir.pass;

import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;

/**
 * {@code fuse-gemm}: a Gemm the FC engine can run (alpha = 1, beta = 1 or no C, A not transposed,
 * constant B, constant per-output bias C of shape [N] or [1,N] or none) becomes a FusedGemm, which
 * then absorbs a following Relu, Relu6, Clip or LeakyRelu read by nothing else. Other Gemms stay.
 */
public final class FuseGemmPass extends RewritePass {

  @Override
  public String name() {
    return "fuse-gemm";
  }

  @Override
  public String description() {
    return "turn engine-compatible Gemm (constant weights and bias) into FusedGemm, absorbing an activation";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (n.op() instanceof Op.Gemm gemm && fusable(g, n, gemm)) {
        return Optional.of(Fusion.replaceOp(g, n, new Op.FusedGemm(gemm.transB(), null)));
      }
      if (n.op() instanceof Op.FusedGemm f && f.activation() == null) {
        Optional<Graph> r = Fusion.absorbActivation(g, n, a -> new Op.FusedGemm(f.transB(), a));
        if (r.isPresent()) return r;
      }
    }
    return Optional.empty();
  }

  private static boolean fusable(Graph g, Node n, Op.Gemm gemm) {
    if (gemm.alpha() != 1f || gemm.transA() || !g.isConstant(n.input(1))) return false;
    if (!n.hasInput(2)) return true; // beta scales nothing
    int cols = g.shape(n.output()).dim(1);
    Shape c = g.shape(n.input(2));
    return gemm.beta() == 1f && g.isConstant(n.input(2)) && (c.equals(Shape.of(cols)) || c.equals(Shape.of(1, cols)));
  }
}
