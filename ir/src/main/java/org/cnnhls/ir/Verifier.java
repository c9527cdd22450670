package org.cnnhls.ir;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the graph invariants every pass must keep: one producer per value, every use after its
 * definition (so the graph is acyclic and topologically ordered), stored shapes equal re-inferred
 * shapes, all dimensions positive, outputs defined.
 */
public final class Verifier {
  private Verifier() {}

  public static void verify(Graph g) {
    Map<String, String> producer = new HashMap<>();
    for (ValueInfo in : g.inputs()) define(producer, in.name(), "graph input");
    for (String c : g.constants().keySet()) define(producer, c, "constant");
    Set<String> nodeNames = new HashSet<>();
    for (Node n : g.nodes()) {
      if (!nodeNames.add(n.name())) throw new ModelException("two nodes are named '" + n.name() + "'");
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !producer.containsKey(in)) {
          throw new ModelException("node '" + n.name() + "' reads '" + in + "' before it is defined (missing or cyclic)");
        }
      }
      List<Shape> expected = Graph.inferNode(n, g.shapes());
      for (int i = 0; i < n.outputs().size(); i++) {
        String out = n.outputs().get(i);
        define(producer, out, "node '" + n.name() + "'");
        Shape stored = g.shapes().get(out);
        if (!expected.get(i).equals(stored)) {
          throw new ModelException("value '" + out + "' has shape " + stored + " but node '" + n.name() + "' gives " + expected.get(i));
        }
      }
    }
    for (Map.Entry<String, Shape> e : g.shapes().entrySet()) {
      if (!e.getValue().isPositive()) {
        throw new ModelException("value '" + e.getKey() + "' has a zero or negative dimension " + e.getValue());
      }
    }
    for (String out : g.outputs()) {
      if (!producer.containsKey(out)) throw new ModelException("graph output '" + out + "' is never produced");
    }
  }

  private static void define(Map<String, String> producer, String value, String by) {
    String old = producer.putIfAbsent(value, by);
    if (old != null) throw new ModelException("value '" + value + "' is produced twice (by " + old + " and " + by + ")");
  }
}
