package org.cnnhls.ir.quant;

import java.util.Map;
import org.cnnhls.ir.ModelException;

/**
 * What the quantizer is asked for: weight and activation formats (presets "16", "8" or "W,I"), per
 * layer overrides by node name, whether weights get per-output-channel multipliers, how weight
 * scales are chosen ({@link WeightClipping}) and whether biases are corrected for the weights'
 * rounding (needs calibration data: {@link ValueRanges#channelMeans}).
 */
public record QuantOptions(FormatSpec weights, FormatSpec activations, Map<String, LayerOverride> overrides,
    boolean perChannel, WeightClipping weightClipping, boolean biasCorrection, int headroomBits) {

  /** Most integer bits of headroom an activation format may be given above its calibrated range. */
  public static final int MAX_HEADROOM_BITS = 4;

  public QuantOptions(FormatSpec weights, FormatSpec activations, Map<String, LayerOverride> overrides, boolean perChannel,
      WeightClipping weightClipping, boolean biasCorrection) {
    this(weights, activations, overrides, perChannel, weightClipping, biasCorrection, 0);
  }

  /**
   * How a weight scale is chosen. MAX: the largest |w| (of the channel, or of the layer) is
   * representable. MSE: among the scales 2^-j/64 below it (j = 0..{@link Quantizer#CLIP_CANDIDATES}
   * - 1, per channel) or one and two fraction bits finer (per layer, power-of-two), the one with the
   * least squared rounding-and-clipping error over the weights, as {@code Math.rint} rounds them
   * (Banner et al., "Post-training 4-bit quantization", 2019, search instead of their closed form).
   */
  public enum WeightClipping { MAX, MSE }

  /** Overrides for one layer (node name); null fields keep the global choice. */
  public record LayerOverride(FormatSpec weights, FormatSpec output) {}

  public QuantOptions {
    overrides = Map.copyOf(overrides);
    if (weightClipping == null) weightClipping = WeightClipping.MAX;
    if (headroomBits < 0 || headroomBits > MAX_HEADROOM_BITS) {
      throw new ModelException("headroom of " + headroomBits + " bits is outside [0, " + MAX_HEADROOM_BITS + "]");
    }
  }

  public QuantOptions(FormatSpec weights, FormatSpec activations, Map<String, LayerOverride> overrides, boolean perChannel) {
    this(weights, activations, overrides, perChannel, WeightClipping.MAX, false);
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
    return new QuantOptions(weights, activations, o, perChannel, weightClipping, biasCorrection, headroomBits);
  }

  public QuantOptions withPerChannel(boolean pc) {
    return new QuantOptions(weights, activations, overrides, pc, weightClipping, biasCorrection, headroomBits);
  }

  public QuantOptions withWeightClipping(WeightClipping c) {
    return new QuantOptions(weights, activations, overrides, perChannel, c, biasCorrection, headroomBits);
  }

  /**
   * Activation formats chosen from the range times 2^bits: that many integer bits of headroom above
   * what calibration saw, against saturating unseen inputs (default 0).
   */
  public QuantOptions withHeadroom(int bits) {
    return new QuantOptions(weights, activations, overrides, perChannel, weightClipping, biasCorrection, bits);
  }

  public QuantOptions withBiasCorrection(boolean on) {
    return new QuantOptions(weights, activations, overrides, perChannel, weightClipping, on, headroomBits);
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
