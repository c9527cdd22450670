package org.cnnhls.ir.quant;

import java.util.Map;
import org.cnnhls.ir.QuantSpec;

/**
 * What a pre-quantized model decided and the quantizer kept: the model's quantization per value
 * (so inputs are quantized and outputs dequantized at the model's real scales, which need not be
 * powers of two), and per Conv/Gemm layer the worst relative error of its requantize multipliers
 * M 2^-s against the model's real multipliers s_x s_w[c] / s_y.
 *
 * @param values the model's quantization of each value that carried one
 * @param multiplierError per layer: max over channels of |M 2^-s / r - 1| (0 when every r is a power of two)
 */
public record CarriedQuant(Map<String, QuantSpec> values, Map<String, Double> multiplierError) {
  public static final CarriedQuant NONE = new CarriedQuant(Map.of(), Map.of());

  public CarriedQuant {
    // graph order, for deterministic reports
    values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    multiplierError = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(multiplierError));
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }
}
