package org.cnnhls.ir.pass;

import java.util.Optional;
import java.util.function.Function;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;

/** The two edits every fusion pass makes. */
final class Fusion {
  private Fusion() {}

  /** The same node (name, inputs, outputs) with another op. */
  static Graph replaceOp(Graph g, Node n, Op op) {
    return new GraphEditor(g).replace(n, new Node(n.name(), op, n.inputs(), n.outputs())).build();
  }

  /** {@code head} and its sole reader {@code next} become one node: head's name and inputs, next's outputs. */
  static Graph absorb(Graph g, Node head, Node next, Op fused) {
    return new GraphEditor(g).replace(head, new Node(head.name(), fused, head.inputs(), next.outputs())).remove(next).build();
  }

  /**
   * For a fused op still without activation: absorbs the sole reader of its output if that is a
   * fusable activation, building the new op with {@code withActivation}.
   */
  static Optional<Graph> absorbActivation(Graph g, Node head, Function<Op.Activation, Op> withActivation) {
    Node next = Patterns.soleConsumer(g, head.output());
    if (next == null || !Patterns.isFusableActivation(next.op())) return Optional.empty();
    return Optional.of(absorb(g, head, next, withActivation.apply((Op.Activation) next.op())));
  }
}
