package org.cnnhls.frontend;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;

/** Mutable bookkeeping while one model is imported; never escapes the importer. */
final class ImportState {
  final Map<String, Tensor> floatConstants = new LinkedHashMap<>();
  final Map<String, long[]> intConstants = new HashMap<>();
  final Map<String, Shape> intConstantShapes = new HashMap<>();
  final Map<String, String> aliases = new HashMap<>();
  /** ONNX element type of each integer constant (int8 ... int64), for the quantized ops' zero points and weights. */
  final Map<String, Integer> intConstantTypes = new HashMap<>();
  /**
   * Quantized activations (QuantizeLinear and QLinear* outputs): the value holds their dequantized
   * floats (a FakeQuant output), quantized as given here.
   */
  final Map<String, org.cnnhls.ir.QuantSpec> quantized = new HashMap<>();
  /** Of those, the ones ONNX types as integers (QuantizeLinear, QLinear* outputs; QONNX Quant outputs are floats). */
  final java.util.Set<String> integerValues = new java.util.HashSet<>();
  final Map<String, Shape> shapes = new HashMap<>();
  /** Every value name of the model, and those the importer added. */
  final java.util.Set<String> valueNames = new java.util.HashSet<>();

  /** A value name not used anywhere in the model: {@code base}, else base_1, base_2 ... */
  String freshName(String base) {
    String name = base;
    for (int i = 1; valueNames.contains(name); i++) name = base + "_" + i;
    valueNames.add(name);
    return name;
  }

  String resolve(String name) {
    String cur = name;
    while (aliases.containsKey(cur)) cur = aliases.get(cur);
    return cur;
  }

  Shape shape(String value) {
    Shape s = shapes.get(value);
    if (s == null && floatConstants.containsKey(value)) s = floatConstants.get(value).shape();
    if (s == null) s = intConstantShapes.get(value);
    return s;
  }

  long[] intConstant(String value) {
    return intConstants.get(value);
  }

  float[] floatConstant(String value) {
    Tensor t = floatConstants.get(value);
    return t == null ? null : t.toFloatArray();
  }

  boolean isDefined(String value) {
    return shapes.containsKey(value) || floatConstants.containsKey(value) || intConstants.containsKey(value);
  }
}
