package org.cnnhls.ir.quant;

import java.util.Map;
import org.cnnhls.ir.Graph;

/**
 * A graph with its fixed-point decisions as data: a format per value, integer parameters per
 * linear layer, activation clamps per node. Emitters and the bit-accurate interpreter read only
 * this; nothing here is C++ text.
 */
public record QuantizedGraph(Graph graph, Map<String, FixedType> formats, Map<String, LinearQuant> linear,
    Map<String, ActivationQuant> activations, ValueRanges ranges, QuantOptions options, CarriedQuant carried) {

  public QuantizedGraph(Graph graph, Map<String, FixedType> formats, Map<String, LinearQuant> linear,
      Map<String, ActivationQuant> activations, ValueRanges ranges, QuantOptions options) {
    this(graph, formats, linear, activations, ranges, options, CarriedQuant.NONE);
  }

  public QuantizedGraph {
    if (carried == null) carried = CarriedQuant.NONE;
    formats = Map.copyOf(formats);
    linear = Map.copyOf(linear);
    activations = Map.copyOf(activations);
  }

  public FixedType format(String value) {
    FixedType f = formats.get(value);
    if (f == null) throw new IllegalArgumentException("no format for value " + value);
    return f;
  }

  /**
   * The real value of one raw LSB of {@code value}: 2^-F, or the model's own (per-tensor, zero point
   * 0) scale when a pre-quantized model carried one.
   */
  public double realScale(String value) {
    org.cnnhls.ir.QuantSpec s = carried.values().get(value);
    return s != null ? s.scale(0) : format(value).scale();
  }

  /**
   * Quantizes a float input (round half to even, saturate) in the format of graph input {@code name};
   * at the model's scale as the model's QuantizeLinear does when it carried one (raw = q - zero point).
   */
  public int[] quantizeInput(String name, float[] x) {
    FixedType f = format(name);
    org.cnnhls.ir.QuantSpec s = carried.values().get(name);
    int[] raw = new int[x.length];
    if (s != null) {
      for (int i = 0; i < x.length; i++) raw[i] = (int) Math.max(f.minRaw(), Math.min(f.maxRaw(), s.quantize(x[i], 0) - s.zeroPoint(0)));
      return raw;
    }
    for (int i = 0; i < x.length; i++) raw[i] = f.quantize(x[i]);
    return raw;
  }

  /** The raw range {@link #quantizeInput} saturates graph input {@code name} to: the format's, narrowed to a carried quantization's. */
  public int[] inputRawRange(String name) {
    FixedType f = format(name);
    org.cnnhls.ir.QuantSpec s = carried.values().get(name);
    long lo = f.minRaw(), hi = f.maxRaw();
    if (s != null) {
      lo = Math.max(lo, s.rawMin());
      hi = Math.min(hi, s.rawMax());
    }
    return new int[] {(int) lo, (int) hi};
  }

  public float[] dequantize(String value, int[] raw) {
    double scale = realScale(value);
    float[] out = new float[raw.length];
    for (int i = 0; i < raw.length; i++) out[i] = (float) (raw[i] * scale);
    return out;
  }
}
