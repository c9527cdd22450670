package org.cnnhls.frontend;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;

/** What a converter sees of one ONNX node: attributes, resolved inputs, their shapes, constants. */
final class NodeContext {
  final NodeProto node;
  final String name;
  final int opset;
  private final ImportState state;

  NodeContext(NodeProto node, String name, int opset, ImportState state) {
    this.node = node;
    this.name = name;
    this.opset = opset;
    this.state = state;
  }

  // ---- inputs

  int inputCount() {
    return node.getInputCount();
  }

  boolean hasInput(int i) {
    return i < node.getInputCount() && !node.getInput(i).isEmpty();
  }

  /** The value name of input i after Identity/Dropout aliasing, or "" if absent. */
  String input(int i) {
    return hasInput(i) ? state.resolve(node.getInput(i)) : "";
  }

  Shape shape(int i) {
    return state.shape(input(i));
  }

  /** Value inputs [0, n), keeping absent optional ones as "". */
  List<String> inputs(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(n, inputCount()); i++) out.add(input(i));
    while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
    return out;
  }

  /** A constant integer input (Reshape shape, Pad pads, Resize sizes ...), or null if absent. */
  long[] constInts(int i) {
    if (!hasInput(i)) return null;
    long[] v = state.intConstant(input(i));
    if (v == null) throw unsupported("input " + i + " ('" + input(i) + "') must be a constant integer tensor");
    return v;
  }

  /**
   * An op's {@code axes}: the attribute before opset {@code inputSince}, the constant input 1 from
   * it on (Squeeze/Unsqueeze from 13, the Reduce ops from 18); null when absent.
   */
  long[] axes(int inputSince) {
    if (opset >= inputSince) return constInts(1);
    int[] a = ints("axes", null);
    return a == null ? null : java.util.Arrays.stream(a).asLongStream().toArray();
  }

  /** A constant float input (Clip bounds, Resize scales ...), or null if absent. */
  float[] constFloats(int i) {
    if (!hasInput(i)) return null;
    float[] v = state.floatConstant(input(i));
    if (v == null) throw unsupported("input " + i + " ('" + input(i) + "') must be a constant float tensor");
    return v;
  }

  // ---- attributes

  AttributeProto attr(String key) {
    for (AttributeProto a : node.getAttributeList()) if (a.getName().equals(key)) return a;
    return null;
  }

  boolean has(String key) {
    return attr(key) != null;
  }

  long i(String key, long dflt) {
    AttributeProto a = attr(key);
    return a == null ? dflt : a.getI();
  }

  float f(String key, float dflt) {
    AttributeProto a = attr(key);
    return a == null ? dflt : a.getF();
  }

  String s(String key, String dflt) {
    AttributeProto a = attr(key);
    return a == null ? dflt : a.getS().toStringUtf8();
  }

  int[] ints(String key, int[] dflt) {
    AttributeProto a = attr(key);
    if (a == null) return dflt;
    int[] out = new int[a.getIntsCount()];
    for (int k = 0; k < out.length; k++) out[k] = Math.toIntExact(a.getInts(k));
    return out;
  }

  float[] floats(String key) {
    AttributeProto a = attr(key);
    if (a == null) return null;
    float[] out = new float[a.getFloatsCount()];
    for (int k = 0; k < out.length; k++) out[k] = a.getFloats(k);
    return out;
  }

  // ---- errors

  ModelException invalid(String what) {
    return new ModelException("node '" + name + "' (" + node.getOpType() + "): " + what);
  }

  UnsupportedFeatureException unsupported(String what) {
    return new UnsupportedFeatureException("node '" + name + "' (" + node.getOpType() + "): " + what);
  }
}
