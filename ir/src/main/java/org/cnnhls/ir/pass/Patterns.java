package org.cnnhls.ir.pass;

import java.util.List;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/** Small graph queries shared by the rewrites. */
final class Patterns {
  private Patterns() {}

  /**
   * The only node reading {@code value}, if it reads it exactly once and the value is not a graph
   * output; otherwise null. Fusing a producer into its consumer is only safe in that case: nobody
   * else may observe the intermediate value.
   */
  static Node soleConsumer(Graph g, String value) {
    if (g.outputs().contains(value)) return null;
    List<Node> readers = g.consumers(value);
    if (readers.size() != 1) return null;
    Node n = readers.get(0);
    return n.inputs().stream().filter(value::equals).count() == 1 ? n : null;
  }

  /** Activations the engines apply at their output (numeric contract, section 2). */
  static boolean isFusableActivation(Op op) {
    return op instanceof Op.Relu || op instanceof Op.Relu6 || op instanceof Op.Clip || op instanceof Op.LeakyRelu;
  }

  /** Conv or a FusedConv with nothing after its convolution yet: its output is still conv + bias. */
  static Op.Conv plainConv(Op op) {
    if (op instanceof Op.Conv c) return c;
    if (op instanceof Op.FusedConv f && f.activation() == null && f.pool() == null) return f.conv();
    return null;
  }

  /** A FusedConv-preserving copy of {@code op} with the convolution replaced. */
  static Op withConv(Op op, Op.Conv conv) {
    return op instanceof Op.FusedConv f ? new Op.FusedConv(conv, f.activation(), f.pool()) : conv;
  }

  static boolean allInputsConstant(Graph g, Node n) {
    boolean any = false;
    for (String in : n.inputs()) {
      if (in.isEmpty()) continue;
      if (!g.isConstant(in)) return false;
      any = true;
    }
    return any;
  }
}
