package org.cnnhls.ir.quant;

import java.util.Map;
import org.cnnhls.ir.ModelException;

/**
 * What the quantizer is asked for: weight and activation formats (presets "16", "8" or "W,I"), per
 * layer overrides by node name, and whether weights get per-output-channel multipliers.
 */
public record QuantOptions(FormatSpec weights, FormatSpec activations, Map<String, LayerOverride> overrides,
    boolean perChannel) {

  /** Overrides for one layer (node name); null fields keep the global choice. */
  public record LayerOverride(FormatSpec weights, FormatSpec output) {}

  public QuantOptions {
    overrides = Map.copyOf(overrides);
  }

  /**
   * Presets: "16" (default; per-layer auto-scaled formats like the CNNA paper's Q2.14), "8"
   * (per-channel weight multipliers), or "W,I" for one fixed format everywhere.
   */
  public static QuantOptions preset(String precision) {
    String p = precision.trim();
    return switch (p) {
      case "16" -> new QuantOptions(new FormatSpec(16, null), new FormatSpec(16, null), Map.of(), false);
      case "8" -> new QuantOptions(new FormatSpec(8, null), new FormatSpec(8, null), Map.of(), true);
      default -> {
        if (!p.contains(",")) {
          try {
            int w = Integer.parseInt(p);
            yield new QuantOptions(new FormatSpec(w, null), new FormatSpec(w, null), Map.of(), w <= 8);
          } catch (NumberFormatException e) {
            throw new ModelException("precision '" + precision + "' is not 16, 8, W or W,I");
          }
        }
        FormatSpec f = FormatSpec.parse(p);
        yield new QuantOptions(f, f, Map.of(), false);
      }
    };
  }

  public QuantOptions withOverrides(Map<String, LayerOverride> o) {
    return new QuantOptions(weights, activations, o, perChannel);
  }

  public QuantOptions withPerChannel(boolean pc) {
    return new QuantOptions(weights, activations, overrides, pc);
  }

  FormatSpec weightsFor(String node) {
    LayerOverride o = overrides.get(node);
    return o != null && o.weights() != null ? o.weights() : weights;
  }

  FormatSpec outputFor(String node) {
    LayerOverride o = overrides.get(node);
    return o != null && o.output() != null ? o.output() : activations;
  }
}
