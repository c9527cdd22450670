package org.cnnhls.ir.pass;

import java.util.List;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ops.Op;

/**
 * Folds a per-output-channel affine map {@code y' = a * y + shift} into the linear layer producing
 * {@code y} (Conv, Gemm, or their fused forms with nothing after the bias yet): weights of channel
 * c scaled by a[c], bias becomes {@code a * b + shift}. BatchNorm folding and bias-add folding are
 * both this.
 */
final class ChannelAffine {
  private ChannelAffine() {}

  /**
   * Rewrites {@code linear} in {@code e} to produce {@code output} = a * (its result) + shift, or
   * returns false without touching {@code e} when it cannot (non-constant weights, a bias that is
   * not per-channel, an activation already fused).
   */
  static boolean foldInto(Graph g, GraphEditor e, Node linear, double[] a, double[] shift, String output) {
    if (Patterns.plainConv(linear.op()) != null) return foldIntoConv(g, e, linear, a, shift, output);
    if (linear.op() instanceof Op.Gemm || linear.op() instanceof Op.FusedGemm f && f.activation() == null) {
      return foldIntoGemm(g, e, linear, a, shift, output);
    }
    return false;
  }

  private static boolean foldIntoConv(Graph g, GraphEditor e, Node conv, double[] a, double[] shift, String output) {
    String w = conv.input(1), b = conv.input(2);
    if (!g.isConstant(w) || conv.hasInput(2) && !g.isConstant(b)) return false;
    String newW = isOnes(a) ? w : e.updateConstant(w, Weights.scaleRows(g.constants().get(w), a), conv);
    Tensor bias = Weights.affine(conv.hasInput(2) ? g.constants().get(b).toFloatArray() : null, a, shift, Shape.of(shift.length));
    String newB = conv.hasInput(2) ? e.updateConstant(b, bias, conv) : e.addConstant(conv.name() + ".bias", bias);
    e.replace(conv, new Node(conv.name(), conv.op(), List.of(conv.input(0), newW, newB), List.of(output)));
    return true;
  }

  /** Gemm: y = alpha * A * B + beta * C, so B's output columns scale by a and C becomes a * C + shift / beta. */
  private static boolean foldIntoGemm(Graph g, GraphEditor e, Node gemm, double[] a, double[] shift, String output) {
    Op.Gemm op = gemm.op() instanceof Op.FusedGemm f ? f.gemm() : (Op.Gemm) gemm.op();
    String bName = gemm.input(1), cName = gemm.input(2);
    if (!g.isConstant(bName)) return false;
    Shape out = g.shape(gemm.output());
    int n = out.dim(1);
    boolean keepC = gemm.hasInput(2) && op.beta() != 0f; // beta = 0 ignores C: replace it
    float[] c = null;
    Shape cShape = Shape.of(n);
    if (keepC) {
      if (!g.isConstant(cName)) return false;
      Tensor ct = g.constants().get(cName);
      c = Weights.perChannel(ct, out, 1);
      if (c == null) return false;
      if (ct.size() == n) cShape = ct.shape(); // keep [N] or [1,N] as it was
    }
    double[] scaledShift = shift.clone();
    if (keepC) for (int i = 0; i < n; i++) scaledShift[i] /= op.beta();
    Tensor bt = g.constants().get(bName);
    String newB = isOnes(a) ? bName
        : e.updateConstant(bName, op.transB() ? Weights.scaleRows(bt, a) : Weights.scaleColumns(bt, a), gemm);
    Tensor newCt = Weights.affine(c, a, scaledShift, cShape);
    // a C that beta = 0 ignores may even be computed: then the bias is a new constant
    String newC = gemm.hasInput(2) && g.isConstant(cName) ? e.updateConstant(cName, newCt, gemm)
        : e.addConstant(gemm.name() + ".bias", newCt);
    Op newOp = gemm.op() instanceof Op.FusedGemm ? gemm.op()
        : new Op.Gemm(op.alpha(), keepC ? op.beta() : 1f, op.transA(), op.transB());
    e.replace(gemm, new Node(gemm.name(), newOp, List.of(gemm.input(0), newB, newC), List.of(output)));
    return true;
  }

  private static boolean isOnes(double[] a) {
    for (double v : a) if (v != 1.0) return false;
    return true;
  }
}
