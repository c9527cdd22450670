package org.cnnhls.ir.quant;

/**
 * The integer parameters of one Conv or Gemm layer: raw weights, bias at the accumulator scale, and
 * the per-output-channel requantize multiplier and shift. With per-layer power-of-two scaling every
 * multiplier is 1 and every shift is F_x + F_w - F_out.
 *
 * @param weightFormat storage format of the weights (per layer); with per-channel scaling its
 *     fraction is nominal and {@code channelScale} holds the real scale of each channel
 * @param channelScale real value of one weight LSB per output channel
 */
public record LinearQuant(FixedType weightFormat, int[] weights, long[] bias, int[] multiplier, int[] shift,
    double[] channelScale, int accumulatorBits, double weightMaxAbs) {

  public int outChannels() {
    return multiplier.length;
  }

  public boolean perChannel() {
    for (int m : multiplier) if (m != 1) return true;
    return false;
  }
}
