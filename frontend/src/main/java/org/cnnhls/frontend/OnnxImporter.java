package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ValueInfo;

/**
 * ONNX model to IR graph. Steps: check the opset; list every unsupported op at once; order nodes
 * topologically (refusing cycles); evaluate Constant nodes and drop Identity/Dropout; convert each
 * node with its input shapes known; build and verify the graph.
 */
public final class OnnxImporter {
  /** Older opsets are accepted too: the ops we support kept their meaning since opset 1. */
  public static final int MIN_OPSET = 1;
  public static final int MAX_OPSET = 18;

  private final String source;
  private final TensorDecoder decoder;
  /** Clip's min/max and Pad's constant_value inputs, where an infinite constant is meaningful (no bound, -inf padding before MaxPool). */
  private final Set<String> boundInputs = new HashSet<>();
  private final ImportState state = new ImportState();

  private OnnxImporter(String source, Path baseDir) {
    this.source = source;
    this.decoder = new TensorDecoder(baseDir);
  }

  /** Reads and imports a model file; external data is resolved inside the file's folder. */
  public static Graph load(Path file) {
    ModelProto model = OnnxReader.read(file);
    Path dir = file.toAbsolutePath().getParent();
    return new OnnxImporter(file.getFileName().toString(), dir).convert(model);
  }

  /** Imports an in-memory model; {@code baseDir} may be null when it has no external data. */
  public static Graph fromProto(ModelProto model, String source, Path baseDir) {
    return new OnnxImporter(source, baseDir).convert(model);
  }

  /** The op types the importer understands, sorted. */
  public static List<String> supportedOps() {
    List<String> out = new ArrayList<>(OpConverters.BY_TYPE.keySet());
    out.addAll(OpConverters.STRUCTURAL);
    out.addAll(IntFolding.SHAPE_ONLY);
    out.sort(null);
    return out;
  }

  private Graph convert(ModelProto model) {
    int opset = opset(model);
    GraphProto g = model.getGraph();
    rejectUnsupportedOps(g);

    // every name the model uses, so values the importer adds never collide with one
    for (NodeProto np : g.getNodeList()) {
      state.valueNames.addAll(np.getInputList());
      state.valueNames.addAll(np.getOutputList());
    }
    for (ValueInfoProto v : g.getInputList()) state.valueNames.add(v.getName());
    for (ValueInfoProto v : g.getOutputList()) state.valueNames.add(v.getName());
    for (TensorProto t : g.getInitializerList()) state.valueNames.add(t.getName());
    for (NodeProto np : g.getNodeList()) {
      if (np.getOpType().equals("Clip")) for (int i = 1; i < np.getInputCount(); i++) boundInputs.add(np.getInput(i));
      if (np.getOpType().equals("Pad") && np.getInputCount() > 2) boundInputs.add(np.getInput(2));
    }
    for (TensorProto init : g.getInitializerList()) addConstant(init.getName(), init);
    List<ValueInfo> inputs = new ArrayList<>();
    if (g.getOutputCount() == 0) throw new ModelException(source + ": the graph has no outputs");
    Set<String> inputNames = new HashSet<>();
    for (ValueInfoProto in : g.getInputList()) {
      if (!inputNames.add(in.getName())) throw new ModelException(source + ": graph input '" + in.getName() + "' is listed twice");
      if (in.getName().isEmpty()) throw new ModelException(source + ": a graph input has no name");
      if (state.isDefined(in.getName())) continue; // an initializer also listed as input (IR < 4)
      Shape shape = inputShape(in);
      inputs.add(new ValueInfo(in.getName(), shape));
      state.shapes.put(in.getName(), shape);
    }

    List<Node> nodes = new ArrayList<>();
    Set<String> usedNames = new HashSet<>();
    List<NodeProto> ordered = topologicalOrder(g);
    for (int idx = 0; idx < ordered.size(); idx++) {
      NodeProto np = ordered.get(idx);
      String name = uniqueName(np, idx, usedNames);
      NodeContext ctx = new NodeContext(np, name, opset, state);
      if (np.getOutputCount() == 0 || np.getOutput(0).isEmpty()) {
        throw new ModelException(source + ": node '" + name + "' (" + np.getOpType() + ") has no output");
      }
      for (int i = 0; i < np.getInputCount(); i++) {
        if (ctx.hasInput(i) && !state.isDefined(ctx.input(i))) {
          throw new ModelException(source + ": node '" + name + "' (" + np.getOpType() + ") reads '" + np.getInput(i)
              + "', which is not an initializer, a graph input or a node output (missing initializer?)");
        }
      }
      switch (np.getOpType()) {
        case "Constant" -> {
          try {
            constantNode(ctx);
          } catch (ModelException e) {
            throw e.getMessage().startsWith(source) ? e : new ModelException(source + ": " + e.getMessage(), e);
          }
        }
        case "Identity", "Dropout" -> {
          if (np.getOpType().equals("Dropout") && np.getOutputCount() > 1 && !np.getOutput(1).isEmpty()
              && isConsumed(g, np.getOutput(1))) {
            throw ctx.unsupported("the Dropout mask output is used; export the model in eval mode");
          }
          if (state.floatConstants.containsKey(ctx.input(0)) || state.intConstants.containsKey(ctx.input(0))) {
            // exporters alias shared weights through Identity: a constant under another name
            state.aliases.put(np.getOutput(0), ctx.input(0));
          } else {
            // data passes through an Identity node; the remove-identity pass drops it
            nodes.add(identityNode(ctx, np));
          }
        }
        case "Split" -> nodes.addAll(splitNode(ctx, np, usedNames));
        default -> {
          if (QuantImport.handles(np.getDomain(), np.getOpType())) {
            nodes.addAll(quantNode(ctx));
            break;
          }
          if (IntFolding.OPS.contains(np.getOpType()) && foldInts(ctx)) break;
          if (IntFolding.SHAPE_ONLY.contains(np.getOpType())) {
            if (np.getOpType().equals("Cast") && ctx.i("to", 1) == TensorProto.DataType.FLOAT_VALUE) {
              nodes.add(identityNode(ctx, np)); // float data cast to float
              break;
            }
            throw new UnsupportedFeatureException(source + ": node '" + name + "' (" + np.getOpType()
                + ") works on run-time data; cnnhls folds it only on constant shapes");
          }
          nodes.addAll(convertNode(ctx, np));
        }
      }
    }

    List<String> outputs = new ArrayList<>();
    for (ValueInfoProto out : g.getOutputList()) {
      String resolved = state.resolve(out.getName());
      if (!state.isDefined(resolved)) throw new ModelException(source + ": graph output '" + out.getName() + "' is never produced");
      if (state.intConstants.containsKey(resolved)) {
        throw new UnsupportedFeatureException(source + ": graph output '" + out.getName() + "' is an integer constant");
      }
      if (state.integerValues.contains(out.getName())) {
        // a QuantizeLinear / QLinear* output is integers in ONNX; the IR holds its dequantized floats
        throw new UnsupportedFeatureException(source + ": graph output '" + out.getName() + "' is a quantized (integer) tensor;"
            + " end the model with a DequantizeLinear");
      }
      outputs.add(resolved);
    }

    nodes = keepOutputNames(g, nodes, outputs);
    Map<String, Tensor> constants = usedConstants(nodes, outputs);
    // the file name says more than exporters' generic graph names (torch_jit, main_graph)
    String name = stripExtension(source);
    try {
      return Graph.build(name, inputs, outputs, constants, nodes);
    } catch (ModelException e) {
      throw new ModelException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * A graph output that a DequantizeLinear aliased to its quantized value keeps the model's name:
   * the quantized value (a FakeQuant output no one else names) is renamed to it.
   */
  private static List<Node> keepOutputNames(GraphProto g, List<Node> nodes, List<String> outputs) {
    Map<String, String> rename = new HashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      String want = g.getOutput(i).getName(), have = outputs.get(i);
      if (want.equals(have) || outputs.contains(want) || rename.containsKey(have)) continue;
      for (Node n : nodes) {
        if (n.outputs().contains(have) && n.op() instanceof org.cnnhls.ir.ops.Op.FakeQuant) rename.put(have, want);
      }
    }
    if (rename.isEmpty()) return nodes;
    for (int i = 0; i < outputs.size(); i++) outputs.set(i, rename.getOrDefault(outputs.get(i), outputs.get(i)));
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) {
      out.add(new Node(n.name(), n.op(), n.inputs().stream().map(x -> rename.getOrDefault(x, x)).toList(),
          n.outputs().stream().map(x -> rename.getOrDefault(x, x)).toList()));
    }
    return out;
  }

  private int opset(ModelProto model) {
    int opset = -1;
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = (int) o.getVersion();
    }
    if (opset < 0) throw new ModelException(source + " imports no default ONNX opset");
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new UnsupportedFeatureException(source + " uses opset " + opset + "; cnnhls supports opsets " + MIN_OPSET + " to "
          + MAX_OPSET + " (re-export with opset_version=13)");
    }
    return opset;
  }

  /** One message for every unsupported op, with the nodes that use it. */
  private void rejectUnsupportedOps(GraphProto g) {
    Map<String, List<String>> unsupported = new TreeMap<>();
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
      String type = defaultDomain ? n.getOpType() : n.getDomain() + "." + n.getOpType();
      if (QuantImport.handles(n.getDomain(), n.getOpType())) continue;
      if (defaultDomain && (OpConverters.BY_TYPE.containsKey(type) || OpConverters.STRUCTURAL.contains(type)
          || IntFolding.SHAPE_ONLY.contains(type))) {
        continue;
      }
      unsupported.computeIfAbsent(type, k -> new ArrayList<>()).add(n.getName().isEmpty() ? "#" + i : n.getName());
    }
    if (unsupported.isEmpty()) return;
    StringBuilder sb = new StringBuilder(source).append(": unsupported ops: ");
    boolean first = true;
    for (Map.Entry<String, List<String>> e : unsupported.entrySet()) {
      if (!first) sb.append("; ");
      first = false;
      List<String> names = e.getValue();
      sb.append(e.getKey()).append(" (").append(String.join(", ", names.subList(0, Math.min(5, names.size()))));
      if (names.size() > 5) sb.append(" and ").append(names.size() - 5).append(" more");
      sb.append(')');
    }
    sb.append(". Supported: ").append(String.join(", ", OpConverters.BY_TYPE.keySet()));
    throw new UnsupportedFeatureException(sb.toString());
  }

  private Shape inputShape(ValueInfoProto in) {
    TypeProto type = in.getType();
    if (!type.hasTensorType()) throw new UnsupportedFeatureException(source + ": graph input '" + in.getName() + "' is not a tensor");
    if (type.getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new UnsupportedFeatureException(source + ": graph input '" + in.getName() + "' has element type "
          + TensorProto.DataType.forNumber(type.getTensorType().getElemType()) + "; only float32 inputs are supported");
    }
    if (!type.getTensorType().hasShape()) {
      throw new ModelException(source + ": graph input '" + in.getName() + "' has no shape; re-export with a fixed input shape");
    }
    TensorShapeProto sp = type.getTensorType().getShape();
    int[] dims = new int[sp.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      TensorShapeProto.Dimension d = sp.getDim(i);
      if (!d.hasDimValue()) {
        String label = d.hasDimParam() ? " '" + d.getDimParam() + "'" : "";
        throw new ModelException(source + ": graph input '" + in.getName() + "' has a dynamic dimension" + label + " at axis " + i
            + "; re-export with fixed shapes (e.g. no dynamic_axes in torch.onnx.export)");
      }
      if (d.getDimValue() <= 0) {
        throw new UnsupportedFeatureException(source + ": graph input '" + in.getName() + "' has dimension " + d.getDimValue() + " at axis " + i
            + "; every dimension must be positive");
      }
      if (d.getDimValue() > Integer.MAX_VALUE) {
        throw new UnsupportedFeatureException(source + ": graph input '" + in.getName() + "' has dimension " + d.getDimValue()
            + " at axis " + i + ", beyond 2^31");
      }
      dims[i] = (int) d.getDimValue();
    }
    Shape shape = new Shape(dims);
    try {
      shape.size();
    } catch (ModelException e) {
      throw new UnsupportedFeatureException(source + ": graph input '" + in.getName() + "': " + e.getMessage());
    }
    return shape;
  }

  private void addConstant(String name, TensorProto t) {
    try {
      if (TensorDecoder.isInteger(t) || TensorDecoder.isSmallInteger(t)) {
        state.intConstants.put(name, TensorDecoder.isInteger(t) ? decoder.integers(t) : decoder.smallIntegers(t));
        state.intConstantShapes.put(name, TensorDecoder.shapeOf(t));
        state.intConstantTypes.put(name, t.getDataType());
      } else {
        Tensor v = decoder.floatTensor(t);
        checkFinite(name, v);
        state.floatConstants.put(name, v);
      }
    } catch (ModelException e) {
      throw new ModelException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Weights and constants must be finite: a NaN or infinite weight would quantize to a silently
   * wrong value. Refused naming the tensor and the first bad (flat, row-major) index. An infinite
   * Clip bound or Pad value is meaningful and allowed; NaN never is.
   */
  private void checkFinite(String name, Tensor t) {
    java.nio.FloatBuffer b = t.buffer();
    boolean infOk = boundInputs.contains(name);
    for (int i = 0, n = b.remaining(), base = b.position(); i < n; i++) {
      float v = b.get(base + i);
      if (Float.isNaN(v) || (!infOk && Float.isInfinite(v))) {
        throw new ModelException("tensor '" + name + "' " + (t.shape().rank() > 0 ? "of shape " + t.shape() + " " : "")
            + "holds " + v + " at flat index " + i + "; weights and constants must be finite");
      }
    }
  }

  private void constantNode(NodeContext ctx) {
    String out = ctx.node.getOutput(0);
    AttributeProto a = ctx.node.getAttributeCount() == 1 ? ctx.node.getAttribute(0) : null;
    if (a == null) throw ctx.invalid("needs exactly one value attribute");
    switch (a.getName()) {
      case "value" -> addConstant(out, a.getT());
      case "value_float" -> {
        checkFinite(out, Tensor.scalar(a.getF()));
        state.floatConstants.put(out, Tensor.scalar(a.getF()));
      }
      case "value_floats" -> {
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getFloats(i);
        checkFinite(out, Tensor.wrap(Shape.of(v.length), v));
        state.floatConstants.put(out, Tensor.wrap(Shape.of(v.length), v));
      }
      case "value_int" -> {
        state.intConstants.put(out, new long[] {a.getI()});
        state.intConstantShapes.put(out, Shape.of());
      }
      case "value_ints" -> {
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getInts(i);
        state.intConstants.put(out, v);
        state.intConstantShapes.put(out, Shape.of(v.length));
      }
      default -> throw ctx.unsupported("Constant with attribute '" + a.getName() + "' is not supported");
    }
  }

  private List<Node> convertNode(NodeContext ctx, NodeProto np) {
    try {
      for (int i = 0; i < np.getInputCount(); i++) {
        if (ctx.hasInput(i) && state.intConstants.containsKey(ctx.input(i)) && !takesIntegerInput(np.getOpType(), i)) {
          throw ctx.unsupported("input " + i + " is an integer tensor; only float32 data is supported");
        }
      }
      int required = OpConverters.requiredInputs(np.getOpType());
      for (int i = 0; i < required; i++) {
        if (!ctx.hasInput(i)) throw ctx.invalid("needs at least " + required + " input(s); input " + i + " is missing");
      }
      OpConverters.Converted c = OpConverters.BY_TYPE.get(np.getOpType()).convert(ctx);
      // a node that is two IR ops writes its first op's result to a value of its own
      String first = c.after() == null ? np.getOutput(0) : state.freshName(np.getOutput(0) + "_pooled");
      Node node = new Node(ctx.name, c.op(), c.inputs(), List.of(first));
      List<Shape> inShapes = new ArrayList<>();
      for (String in : c.inputs()) inShapes.add(in.isEmpty() ? null : state.shape(in));
      List<Shape> outShapes = c.op().inferShapes(inShapes);
      if (!outShapes.get(0).isPositive()) throw ctx.invalid("produces an empty tensor " + outShapes.get(0));
      outShapes.get(0).size(); // refuses tensors beyond 2^31 elements
      state.shapes.put(first, outShapes.get(0));
      if (c.after() == null) return List.of(node);
      Node then = new Node(ctx.name + "_reshape", c.after(), List.of(first), List.of(np.getOutput(0)));
      state.shapes.put(np.getOutput(0), c.after().inferShapes(List.of(outShapes.get(0))).get(0));
      return List.of(node, then);
    } catch (UnsupportedFeatureException e) {
      throw new UnsupportedFeatureException(source + ": " + e.getMessage());
    } catch (ModelException e) {
      String msg = e.getMessage().startsWith("node '") ? e.getMessage() : "node '" + ctx.name + "' (" + np.getOpType() + "): " + e.getMessage();
      throw new ModelException(source + ": " + msg, e);
    } catch (ArithmeticException e) {
      throw new ModelException(source + ": node '" + ctx.name + "' (" + np.getOpType() + "): an attribute value is out of range");
    }
  }

  /** Split: one Slice node per (used or not) output, named after the node and the output index. */
  private List<Node> splitNode(NodeContext ctx, NodeProto np, Set<String> usedNames) {
    try {
      if (state.intConstants.containsKey(ctx.input(0))) throw ctx.unsupported("input 0 is an integer tensor; only float32 data is supported");
      List<org.cnnhls.ir.ops.Op.Slice> parts = OpConverters.split(ctx);
      List<Node> out = new ArrayList<>();
      for (int i = 0; i < parts.size(); i++) {
        String value = np.getOutput(i);
        if (value.isEmpty()) continue;
        String name = ctx.name;
        if (i > 0 || np.getOutputCount() > 1) {
          name = ctx.name + "_" + i;
          for (int k = 1; !usedNames.add(name); k++) name = ctx.name + "_" + i + "_" + k;
        }
        Node node = new Node(name, parts.get(i), List.of(ctx.input(0)), List.of(value));
        state.shapes.put(value, parts.get(i).inferShapes(List.of(state.shape(ctx.input(0)))).get(0));
        out.add(node);
      }
      return out;
    } catch (UnsupportedFeatureException e) {
      throw new UnsupportedFeatureException(source + ": " + e.getMessage());
    } catch (ModelException e) {
      String msg = e.getMessage().startsWith("node '") ? e.getMessage() : "node '" + ctx.name + "' (Split): " + e.getMessage();
      throw new ModelException(source + ": " + msg, e);
    }
  }

  /** A QDQ, QOperator or QONNX node (see {@link QuantImport}). */
  private List<Node> quantNode(NodeContext ctx) {
    try {
      return QuantImport.convert(ctx, state, c -> convertNode(c, c.node));
    } catch (UnsupportedFeatureException e) {
      throw e.getMessage().startsWith(source) ? e : new UnsupportedFeatureException(source + ": " + e.getMessage());
    } catch (ModelException e) {
      throw e.getMessage().startsWith(source) ? e : new ModelException(source + ": " + e.getMessage(), e);
    }
  }

  private boolean foldInts(NodeContext ctx) {
    try {
      return IntFolding.tryFold(ctx, state);
    } catch (UnsupportedFeatureException e) {
      throw new UnsupportedFeatureException(source + ": " + e.getMessage());
    } catch (ModelException e) {
      throw new ModelException(source + ": " + e.getMessage(), e);
    }
  }

  private Node identityNode(NodeContext ctx, NodeProto np) {
    state.shapes.put(np.getOutput(0), state.shape(ctx.input(0)));
    return new Node(ctx.name, new org.cnnhls.ir.ops.Op.Identity(), List.of(ctx.input(0)), List.of(np.getOutput(0)));
  }

  /** Inputs that are shapes, pads or sizes rather than data. */
  private static boolean takesIntegerInput(String op, int i) {
    return switch (op) {
      case "Reshape", "Squeeze", "Unsqueeze" -> i == 1;
      case "Pad" -> i == 1 || i == 3;
      case "Resize" -> i == 3;
      case "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "Split" -> i == 1;
      case "Slice" -> i >= 1;
      default -> false;
    };
  }

  /** Kahn's algorithm in file order; a cycle is reported with the nodes on it. */
  private List<NodeProto> topologicalOrder(GraphProto g) {
    int n = g.getNodeCount();
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (String out : g.getNode(i).getOutputList()) {
        if (out.isEmpty()) continue;
        Integer old = producer.put(out, i);
        if (old != null) {
          throw new ModelException(source + ": value '" + out + "' is produced by two nodes ('" + g.getNode(old).getName()
              + "' and '" + g.getNode(i).getName() + "')");
        }
      }
    }
    int[] pending = new int[n];
    List<List<Integer>> users = new ArrayList<>();
    for (int i = 0; i < n; i++) users.add(new ArrayList<>());
    for (int i = 0; i < n; i++) {
      for (String in : g.getNode(i).getInputList()) {
        Integer p = producer.get(in);
        if (p != null) {
          pending[i]++;
          users.get(p).add(i);
        }
      }
    }
    ArrayDeque<Integer> ready = new ArrayDeque<>();
    for (int i = 0; i < n; i++) if (pending[i] == 0) ready.add(i);
    List<NodeProto> out = new ArrayList<>();
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(g.getNode(i));
      for (int u : users.get(i)) if (--pending[u] == 0) ready.add(u);
    }
    if (out.size() < n) {
      List<String> stuck = new ArrayList<>();
      for (int i = 0; i < n && stuck.size() < 8; i++) {
        if (pending[i] > 0) stuck.add(g.getNode(i).getName().isEmpty() ? "#" + i : g.getNode(i).getName());
      }
      throw new ModelException(source + ": the graph has a cycle through nodes " + String.join(", ", stuck));
    }
    return out;
  }

  private static boolean isConsumed(GraphProto g, String value) {
    for (NodeProto n : g.getNodeList()) if (n.getInputList().contains(value)) return true;
    for (ValueInfoProto o : g.getOutputList()) if (o.getName().equals(value)) return true;
    return false;
  }

  private static String uniqueName(NodeProto np, int idx, Set<String> used) {
    String base = np.getName().isEmpty() ? np.getOpType() + "_" + idx : np.getName();
    String name = base;
    for (int k = 1; !used.add(name); k++) name = base + "_" + k;
    return name;
  }

  private Map<String, Tensor> usedConstants(List<Node> nodes, List<String> outputs) {
    Set<String> used = new HashSet<>(outputs);
    for (Node n : nodes) used.addAll(n.inputs());
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : state.floatConstants.entrySet()) {
      if (used.contains(e.getKey())) out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  private static String stripExtension(String s) {
    int dot = s.lastIndexOf('.');
    return dot > 0 ? s.substring(0, dot) : s;
  }
}
