package org.cnnhls.engine.dataflow;

/**
 * One stage's resource estimate. {@code multipliers} are the MAC products (PE x SIMD), each one
 * DSP48 (never packed: the kernels multiply each weight alone); {@code weightBits} the on-chip
 * weight ROM's contents.
 */
public record StageResources(int dsp, int bram18, int lut, int ff, int multipliers, long weightBits) {
  public static final StageResources NONE = new StageResources(0, 0, 0, 0, 0, 0);

  public StageResources plus(StageResources o) {
    return new StageResources(dsp + o.dsp, bram18 + o.bram18, lut + o.lut, ff + o.ff, multipliers + o.multipliers,
        weightBits + o.weightBits);
  }
}
