package org.cnnhls.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.ops.Op;

/**
 * An immutable, typed dataflow graph. Nodes are in topological order; every value has a static
 * shape; constants (weights) are named tensors. Edits build a new graph through {@link #rebuild}.
 */
public record Graph(
    String name,
    List<ValueInfo> inputs,
    List<String> outputs,
    Map<String, Tensor> constants,
    List<Node> nodes,
    Map<String, Shape> shapes) {

  public Graph {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    nodes = List.copyOf(nodes);
    shapes = Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
  }

  /**
   * Builds a graph from nodes in topological order, inferring every shape, then verifies it.
   * Throws {@link ModelException} naming the offending node.
   */
  public static Graph build(
      String name, List<ValueInfo> inputs, List<String> outputs, Map<String, Tensor> constants, List<Node> nodes) {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    for (ValueInfo in : inputs) shapes.put(in.name(), in.shape());
    for (Map.Entry<String, Tensor> c : constants.entrySet()) shapes.put(c.getKey(), c.getValue().shape());
    for (Node n : nodes) {
      List<Shape> outs = inferNode(n, shapes);
      for (int i = 0; i < n.outputs().size(); i++) shapes.put(n.outputs().get(i), outs.get(i));
    }
    Graph g = new Graph(name, inputs, outputs, constants, nodes, shapes);
    Verifier.verify(g);
    return g;
  }

  /** Infers one node's output shapes from already known input shapes. */
  static List<Shape> inferNode(Node n, Map<String, Shape> shapes) {
    List<Shape> ins = new ArrayList<>();
    for (String in : n.inputs()) {
      if (in.isEmpty()) {
        ins.add(null);
        continue;
      }
      Shape s = shapes.get(in);
      if (s == null) {
        throw new ModelException("node '" + n.name() + "' (" + n.op().type() + ") reads '" + in
            + "', which no input, initializer or earlier node provides");
      }
      ins.add(s);
    }
    try {
      List<Shape> outs = n.op().inferShapes(ins);
      if (outs.size() != n.outputs().size()) {
        throw new ModelException(n.op().type() + " produces " + outs.size() + " outputs but the node lists " + n.outputs().size());
      }
      return outs;
    } catch (ModelException e) {
      throw new ModelException("node '" + n.name() + "' (" + n.op().type() + "): " + e.getMessage(), e);
    }
  }

  /** A new graph with other nodes/constants/outputs, re-inferred and verified. */
  public Graph rebuild(List<Node> newNodes, Map<String, Tensor> newConstants, List<String> newOutputs) {
    return build(name, inputs, newOutputs, newConstants, newNodes);
  }

  public Shape shape(String value) {
    Shape s = shapes.get(value);
    if (s == null) throw new IllegalArgumentException("unknown value " + value);
    return s;
  }

  public boolean isConstant(String value) {
    return constants.containsKey(value);
  }

  public List<Shape> inputShapes(Node n) {
    List<Shape> out = new ArrayList<>();
    for (String in : n.inputs()) out.add(in.isEmpty() ? null : shape(in));
    return out;
  }

  public List<Shape> outputShapes(Node n) {
    List<Shape> out = new ArrayList<>();
    for (String o : n.outputs()) out.add(shape(o));
    return out;
  }

  /** Multiply-accumulates of a node. */
  public long macs(Node n) {
    return n.op().macs(inputShapes(n), outputShapes(n));
  }

  /** Parameters of a node: elements of all its constant inputs. */
  public long params(Node n) {
    long p = 0;
    for (String in : n.inputs()) {
      Tensor t = constants.get(in);
      if (t != null) p += t.size();
    }
    return p;
  }

  public long totalMacs() {
    long t = 0;
    for (Node n : nodes) t += macs(n);
    return t;
  }

  /**
   * Parameters summed over nodes, so a tensor shared by two layers (exporters merge identical
   * initializers, e.g. all-zero biases) counts once per layer, as frameworks count them.
   */
  public long totalParams() {
    long t = 0;
    for (Node n : nodes) t += params(n);
    return t;
  }

  /** The node producing a value, or null for inputs and constants. */
  public Node producer(String value) {
    return index().producers.get(value);
  }

  /** The nodes reading a value, in node order (a node reading it twice is listed once). */
  public List<Node> consumers(String value) {
    List<Node> c = index().consumers.get(value);
    return c == null ? new ArrayList<>() : new ArrayList<>(c);
  }

  /** Who produces and who reads each value. */
  private record Index(Graph graph, Map<String, Node> producers, Map<String, List<Node>> consumers) {}

  /**
   * The last graph's index, per thread: rewrite passes ask the same graph about many values, and a
   * scan per question made them cubic in the node count (a 2,000-layer chain took minutes).
   * Graphs are immutable, so an index stays valid for its graph (matched by identity).
   */
  private static final ThreadLocal<Index> LAST_INDEX = new ThreadLocal<>();

  private Index index() {
    Index i = LAST_INDEX.get();
    if (i != null && i.graph() == this) return i;
    Map<String, Node> producers = new java.util.HashMap<>();
    Map<String, List<Node>> consumers = new java.util.HashMap<>();
    for (Node n : nodes) {
      for (String o : n.outputs()) producers.putIfAbsent(o, n);
      for (String in : new java.util.LinkedHashSet<>(n.inputs())) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
    }
    i = new Index(this, producers, consumers);
    LAST_INDEX.set(i);
    return i;
  }

  /** Readable text dump; see {@link GraphPrinter}. */
  public String dump() {
    return GraphPrinter.print(this);
  }

  /** Convenience for ops lookups in passes and tests. */
  public Op op(String nodeName) {
    for (Node n : nodes) if (n.name().equals(nodeName)) return n.op();
    throw new IllegalArgumentException("no node " + nodeName);
  }
}
