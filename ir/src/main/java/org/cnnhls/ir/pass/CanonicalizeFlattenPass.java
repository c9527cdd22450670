package org.cnnhls.ir.pass;

import java.util.List;
import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;

/**
 * {@code canonicalize-flatten}: one canonical form for "view the same data with another shape",
 * so later stages see a single Flatten(axis=1) before a Gemm whatever the exporter wrote:
 * <ul>
 *   <li>a Transpose that moves only size-1 axes becomes a Reshape (the data order is unchanged);
 *   <li>a Flatten/Reshape of a Flatten/Reshape reads the first one's input directly;
 *   <li>a Flatten/Reshape that keeps the shape is removed;
 *   <li>a Reshape to a 2-D shape that a Flatten gives becomes that Flatten (axis 1 preferred).
 * </ul>
 */
public final class CanonicalizeFlattenPass extends RewritePass {

  @Override
  public String name() {
    return "canonicalize-flatten";
  }

  @Override
  public String description() {
    return "collapse Reshape/Flatten chains, drop no-op reshapes, write Reshape-to-2-D as Flatten(axis=1)";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      Optional<Graph> r = rewrite(g, n);
      if (r.isPresent()) return r;
    }
    return Optional.empty();
  }

  private static Optional<Graph> rewrite(Graph g, Node n) {
    Shape in = g.shape(n.input(0)), out = g.shape(n.output());
    if (n.op() instanceof Op.Transpose t && t.isLayoutNoOp(in)) return Optional.of(withOp(g, n, new Op.Reshape(out.dims()), n.input(0)));
    if (!isView(n.op())) return Optional.empty();
    Node producer = g.producer(n.input(0));
    if (producer != null && isView(producer.op())) {
      // read the chain's start; the earlier view goes away if this was its only reader
      GraphEditor e = new GraphEditor(g);
      e.replace(n, new Node(n.name(), new Op.Reshape(out.dims()), List.of(producer.input(0)), n.outputs()));
      if (g.consumers(producer.output()).size() == 1 && !g.outputs().contains(producer.output())) e.remove(producer);
      return Optional.of(e.build());
    }
    if (in.equals(out)) {
      GraphEditor e = new GraphEditor(g);
      return e.bypass(n) ? Optional.of(e.build()) : Optional.empty();
    }
    if (n.op() instanceof Op.Reshape) {
      int axis = flattenAxis(in, out);
      if (axis >= 0) return Optional.of(withOp(g, n, new Op.Flatten(axis), n.input(0)));
    }
    return Optional.empty();
  }

  private static boolean isView(Op op) {
    return op instanceof Op.Flatten || op instanceof Op.Reshape;
  }

  /** An axis a with Flatten(a)(in) of shape {@code out}, trying 1 first; -1 if none. */
  private static int flattenAxis(Shape in, Shape out) {
    if (out.rank() != 2) return -1;
    for (int k = 1; k <= in.rank() + 1; k++) {
      int a = k % (in.rank() + 1); // 1, 2, ..., rank, then 0
      if (in.product(0, a) == out.dim(0) && in.product(a, in.rank()) == out.dim(1)) return a;
    }
    return -1;
  }

  private static Graph withOp(Graph g, Node n, Op op, String input) {
    return new GraphEditor(g).replace(n, new Node(n.name(), op, List.of(input), n.outputs())).build();
  }
}
