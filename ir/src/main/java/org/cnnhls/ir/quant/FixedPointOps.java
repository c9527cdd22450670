package org.cnnhls.ir.quant;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/** Which IR ops have a fixed-point form, and how each one relates to requantization. */
final class FixedPointOps {
  private FixedPointOps() {}

  static boolean isConv(Op op) {
    return op instanceof Op.FusedConv || op instanceof Op.Conv;
  }

  static boolean isLinear(Op op) {
    return isConv(op) || op instanceof Op.FusedGemm || op instanceof Op.Gemm;
  }

  static boolean transB(Op op) {
    return op instanceof Op.FusedGemm f ? f.transB() : ((Op.Gemm) op).transB();
  }

  /** Ops that compute a new value through the requantize primitive (and so choose a format). */
  static boolean requantizes(Op op) {
    return isLinear(op) || op instanceof Op.FusedAdd || op instanceof Op.Add || op instanceof Op.AveragePool
        || op instanceof Op.GlobalAveragePool || op instanceof Op.Concat || op instanceof Op.Mul
        || (op instanceof Op.Reduce r && (r.kind() == Op.ReduceKind.SUM || r.kind() == Op.ReduceKind.MEAN))
        || (op instanceof Op.Activation a && ActivationQuant.hasTable(a));
  }

  static Op.Activation activation(Op op) {
    if (op instanceof Op.FusedConv f) return f.activation();
    if (op instanceof Op.FusedGemm f) return f.activation();
    if (op instanceof Op.FusedAdd f) return f.activation();
    if (op instanceof Op.Activation a) return a;
    return null;
  }

  /** Null when a linear Resize is bilinear on an NCHW tensor's H and W (N and C kept), else why not. */
  static String linearResizeReason(Graph g, Node n, Op.Resize r) {
    var xs = g.shape(n.input(0));
    if (xs.rank() != 4) return "linear Resize of a rank-" + xs.rank() + " tensor (only NCHW)";
    for (int ax = 0; ax < 2; ax++) {
      if (xs.dim(ax) != r.outDims()[ax]
          || !ResizeWeights.of(r.coordinateMode(), xs.dim(ax), r.outDims()[ax], r.scales()[ax]).identity()) {
        return "linear Resize along axis " + ax + " (only H and W)";
      }
    }
    return null;
  }

  /** Null when the node runs in fixed point, else why not. */
  static String unsupportedReason(Graph g, Node n) {
    Op op = n.op();
    if (isLinear(op)) {
      if (!g.isConstant(n.input(1)) || (n.hasInput(2) && !g.isConstant(n.input(2)))) return "weights must be constants";
      if (op instanceof Op.Gemm gm && (gm.alpha() != 1f || gm.beta() != 1f || gm.transA())) return "alpha/beta/transA";
      Op.Activation a = activation(op);
      return ActivationQuant.isSupported(a) ? null : a.type() + " activation";
    }
    if (op instanceof Op.FusedAdd f) {
      if (!g.shape(n.input(0)).equals(g.shape(n.input(1)))) return "broadcasting Add";
      return ActivationQuant.isSupported(f.activation()) ? null : f.activation().type() + " activation";
    }
    if (op instanceof Op.Add) return g.shape(n.input(0)).equals(g.shape(n.input(1))) ? null : "broadcasting Add";
    if (op instanceof Op.Activation a) return ActivationQuant.isSupported(a) || ActivationQuant.hasTable(a) ? null : "no integer form";
    if (op instanceof Op.Mul) {
      if (g.isConstant(n.input(0)) && g.isConstant(n.input(1))) return "both operands constant (fold it first)";
      return null;
    }
    if (op instanceof Op.Resize r && r.linear()) return linearResizeReason(g, n, r);
    if (op instanceof Op.MaxPool || op instanceof Op.AveragePool || op instanceof Op.GlobalAveragePool
        || op instanceof Op.GlobalMaxPool || op instanceof Op.Concat || op instanceof Op.Flatten
        || op instanceof Op.Reshape || op instanceof Op.Identity || op instanceof Op.Transpose || op instanceof Op.Resize) {
      return null;
    }
    if (op instanceof Op.Pad || op instanceof Op.Spread || op instanceof Op.Slice || op instanceof Op.ChannelShuffle
        || op instanceof Op.Reduce) {
      return null;
    }
    return "no integer form";
  }
}
