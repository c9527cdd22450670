package org.cnnhls.ir.quant;

import java.util.Map;
import org.cnnhls.ir.Graph;

/**
 * A graph with its fixed-point decisions as data: a format per value, integer parameters per
 * linear layer, activation clamps per node. Emitters and the bit-accurate interpreter read only
 * this; nothing here is C++ text.
 */
public record QuantizedGraph(Graph graph, Map<String, FixedType> formats, Map<String, LinearQuant> linear,
    Map<String, ActivationQuant> activations, ValueRanges ranges, QuantOptions options) {

  public QuantizedGraph {
    formats = Map.copyOf(formats);
    linear = Map.copyOf(linear);
    activations = Map.copyOf(activations);
  }

  public FixedType format(String value) {
    FixedType f = formats.get(value);
    if (f == null) throw new IllegalArgumentException("no format for value " + value);
    return f;
  }

  /** Quantizes a float input (round half to even, saturate) in the format of graph input {@code name}. */
  public int[] quantizeInput(String name, float[] x) {
    FixedType f = format(name);
    int[] raw = new int[x.length];
    for (int i = 0; i < x.length; i++) raw[i] = f.quantize(x[i]);
    return raw;
  }

  public float[] dequantize(String value, int[] raw) {
    FixedType f = format(value);
    float[] out = new float[raw.length];
    for (int i = 0; i < raw.length; i++) out[i] = (float) f.toReal(raw[i]);
    return out;
  }
}
