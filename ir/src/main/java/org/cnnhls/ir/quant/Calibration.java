package org.cnnhls.ir.quant;

import java.util.Locale;
import org.cnnhls.ir.ModelException;

/**
 * How calibration turns measured activations into ranges, per tensor (value). Formats are signed,
 * symmetric and power-of-two scaled, so every method ends in one choice per tensor: how many
 * fraction bits, i.e. how far below the measured maximum the format's range is clipped.
 * <ul>
 *   <li>{@code max}: the largest |x| over the calibration set (no clipping).
 *   <li>{@code percentile}: per sample the given percentile of |x|, maximised over samples.
 *   <li>{@code mse}: among the formats from no clipping down to 2^-{@link #MAX_CLIP_BITS} of the
 *       maximum, the one with the least squared quantization error (rounding and clipping, exactly
 *       as the format quantizes) summed over all calibration values (the MSE-optimal clipping of
 *       Banner et al., "Post training 4-bit quantization", 2019, searched over the formats the
 *       engine can hold, so the search is exact rather than over a histogram).
 *   <li>{@code entropy}: TensorRT's KL-divergence calibration (Migacz, "8-bit inference with
 *       TensorRT", GTC 2017) over a 2048-bin histogram of |x|, evaluated at the same candidate
 *       formats; with more than 2^7 magnitude levels (formats wider than 8 bits) it keeps the max.
 * </ul>
 */
public record Calibration(Method method, double percentile) {
  public enum Method { MAX, PERCENTILE, MSE, ENTROPY }

  /** Clipping considered by mse and entropy: the range may shrink to 2^-MAX_CLIP_BITS of the max. */
  public static final int MAX_CLIP_BITS = 7;

  public static final Calibration MAX = new Calibration(Method.MAX, 100);

  public Calibration {
    if (!(percentile > 0 && percentile <= 100)) throw new ModelException("percentile must be in (0, 100], got " + percentile);
    if (method == Method.PERCENTILE && percentile >= 100) method = Method.MAX;
  }

  public static Calibration percentile(double p) {
    return new Calibration(p >= 100 ? Method.MAX : Method.PERCENTILE, p);
  }

  /** From a command-line name (max, percentile, mse, entropy) and the percentile option. */
  public static Calibration parse(String name, double percentile) {
    Method m;
    try {
      m = Method.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelException("calibration method '" + name + "' is not max, percentile, mse or entropy");
    }
    if (m == Method.PERCENTILE && percentile >= 100) {
      throw new ModelException("calibration method percentile needs a percentile below 100 (e.g. 99.99)");
    }
    if (m != Method.PERCENTILE && m != Method.MAX && percentile < 100) {
      throw new ModelException("a percentile (" + percentile + ") applies only to the percentile method, not " + name);
    }
    return new Calibration(m, m == Method.PERCENTILE ? percentile : 100);
  }

  public String describe() {
    return switch (method) {
      case MAX -> "max";
      case PERCENTILE -> "p" + percentile;
      case MSE -> "mse";
      case ENTROPY -> "entropy";
    };
  }
}
