package org.cnnhls.ir.pass;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Tensor;

/**
 * A working copy of a graph for one rewrite: replace, remove and rename nodes and values, then
 * {@link #build()} a new, re-inferred and verified {@link Graph}. Constants that nothing reads any
 * more are dropped on build, so rewrites never clean up after themselves.
 */
public final class GraphEditor {
  private final Graph original;
  private final List<Node> nodes;
  private final Map<String, Tensor> constants;
  private final List<String> outputs;
  /** Every value and node name in use, so fresh names never collide. */
  private final Set<String> taken = new HashSet<>();

  public GraphEditor(Graph g) {
    this.original = g;
    this.nodes = new ArrayList<>(g.nodes());
    this.constants = new LinkedHashMap<>(g.constants());
    this.outputs = new ArrayList<>(g.outputs());
    taken.addAll(g.shapes().keySet());
    for (Node n : g.nodes()) taken.add(n.name());
  }

  /** Puts {@code replacement} where the node named like {@code old} is. */
  public GraphEditor replace(Node old, Node replacement) {
    nodes.set(indexOf(old), replacement);
    taken.add(replacement.name());
    taken.addAll(replacement.outputs());
    return this;
  }

  /** Puts {@code n} just before the node named like {@code at}. */
  public GraphEditor insertBefore(Node at, Node n) {
    nodes.add(indexOf(at), n);
    taken.add(n.name());
    taken.addAll(n.outputs());
    return this;
  }

  public GraphEditor remove(Node n) {
    nodes.remove(indexOf(n));
    return this;
  }

  /** Every node input reading {@code from} reads {@code to} instead; graph outputs are left alone. */
  public GraphEditor redirectUses(String from, String to) {
    nodes.replaceAll(n -> n.inputs().contains(from) ? n.withInputs(n.inputs().stream().map(i -> i.equals(from) ? to : i).toList()) : n);
    return this;
  }

  /** Renames a value everywhere: its producer's output, every read and the graph outputs. */
  public GraphEditor renameValue(String from, String to) {
    redirectUses(from, to);
    nodes.replaceAll(n -> n.outputs().contains(from)
        ? new Node(n.name(), n.op(), n.inputs(), n.outputs().stream().map(o -> o.equals(from) ? to : o).toList()) : n);
    outputs.replaceAll(o -> o.equals(from) ? to : o);
    taken.add(to);
    return this;
  }

  /**
   * Removes a node {@code y = f(x)} that passes {@code x} through unchanged (same shape and data).
   * Readers of {@code y} read {@code x}; when {@code y} is a graph output, {@code x}'s producer is
   * renamed to produce {@code y} so the output keeps its name. Returns false, changing nothing, when
   * that is impossible ({@code x} is a graph input, constant or another graph output).
   */
  public boolean bypass(Node n) {
    String x = n.input(0), y = n.output();
    if (!outputs.contains(y)) {
      remove(n);
      redirectUses(y, x);
      return true;
    }
    boolean producedByNode = nodes.stream().anyMatch(m -> m.outputs().contains(x));
    if (!producedByNode || outputs.contains(x)) return false;
    remove(n);
    renameValue(x, y);
    return true;
  }

  /** Adds a constant under {@code base} or, if taken, {@code base_1}, {@code base_2}, ...; returns the name. */
  public String addConstant(String base, Tensor t) {
    String name = fresh(base);
    constants.put(name, t);
    return name;
  }

  /** Adds or overwrites a constant under exactly {@code name} (e.g. a folded node's output value). */
  public GraphEditor putConstant(String name, Tensor t) {
    constants.put(name, t);
    taken.add(name);
    return this;
  }

  /**
   * New data for constant {@code name} as {@code user} sees it: overwritten in place (keeping the
   * dump readable) when only {@code user} reads it, else added under a fresh name so other readers
   * keep the old data. Returns the name {@code user} should read.
   */
  public String updateConstant(String name, Tensor t, Node user) {
    boolean shared = outputs.contains(name)
        || nodes.stream().anyMatch(n -> !n.name().equals(user.name()) && n.inputs().contains(name));
    if (shared) return addConstant(name, t);
    constants.put(name, t);
    return name;
  }

  /** {@code base}, or {@code base_k} for the smallest k that is unused. */
  public String fresh(String base) {
    String name = base;
    for (int k = 1; taken.contains(name); k++) name = base + "_" + k;
    taken.add(name);
    return name;
  }

  /** The graph with all edits applied; unused constants dropped. */
  public Graph build() {
    Set<String> read = new HashSet<>(outputs);
    for (Node n : nodes) read.addAll(n.inputs());
    constants.keySet().retainAll(read);
    return original.rebuild(nodes, constants, outputs);
  }

  private int indexOf(Node n) {
    for (int i = 0; i < nodes.size(); i++) if (nodes.get(i).name().equals(n.name())) return i;
    throw new IllegalArgumentException("no node named " + n.name());
  }
}
