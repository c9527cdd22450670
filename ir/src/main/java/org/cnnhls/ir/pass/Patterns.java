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

  /** The value of a one-element constant, or null if {@code value} is not one. */
  static Float scalarConstant(Graph g, String value) {
    if (!g.isConstant(value)) return null;
    var t = g.constants().get(value);
    return t.size() == 1 ? t.get(0) : null;
  }

  /** {@code value} is a one-element constant within relative tolerance {@code rtol} of {@code target}. */
  static boolean isScalar(Graph g, String value, double target, double rtol) {
    Float v = scalarConstant(g, value);
    return v != null && Math.abs(v - target) <= rtol * Math.abs(target);
  }

  /** For a two-input node reading {@code value} once: its other input, else null. */
  static String otherInput(Node n, String value) {
    if (n.inputs().size() != 2) return null;
    if (n.input(0).equals(value) && !n.input(1).equals(value)) return n.input(1);
    if (n.input(1).equals(value) && !n.input(0).equals(value)) return n.input(0);
    return null;
  }

  /** The sole consumer of {@code value} if it has op type {@code type}, else null. */
  static Node soleConsumerOf(Graph g, String value, Class<? extends Op> type) {
    Node n = soleConsumer(g, value);
    return n != null && type.isInstance(n.op()) ? n : null;
  }

  /**
   * {@code v * c} as a node reading {@code v}: Mul by a scalar constant within rtol of {@code c}
   * (either side), or Div by one within rtol of 1 / c; the node, or null.
   */
  static Node scaledBy(Graph g, String v, double c, double rtol) {
    Node n = soleConsumer(g, v);
    return n != null && isScaling(g, n, v, c, rtol) ? n : null;
  }

  /** Node {@code n} computes {@code v * c} as {@link #scaledBy} describes. */
  static boolean isScaling(Graph g, Node n, String v, double c, double rtol) {
    String other = otherInput(n, v);
    if (other == null) return false;
    if (n.op() instanceof Op.Mul && isScalar(g, other, c, rtol)) return true;
    return n.op() instanceof Op.Div && n.input(0).equals(v) && isScalar(g, other, 1 / c, rtol);
  }

  /** One node replaces a chain: {@code last}'s name and outputs, reading {@code x}; {@code interior} removed. */
  static Graph collapse(Graph g, Node last, Op op, String x, Node... interior) {
    GraphEditor e = new GraphEditor(g).replace(last, new Node(last.name(), op, List.of(x), last.outputs()));
    for (Node n : interior) e.remove(n);
    return e.build();
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
