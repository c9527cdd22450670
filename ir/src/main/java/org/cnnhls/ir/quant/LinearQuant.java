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

  /**
   * The contract's worst |acc| of each output channel for inputs of {@code inputWidth} bits:
   * |bias| + sum |w| 2^(Wx-1) (clamped to Long.MAX_VALUE). {@code op} (conv or gemm) gives the
   * weights' layout.
   */
  public long[] accumulatorBounds(org.cnnhls.ir.ops.Op op, int inputWidth) {
    int outs = outChannels(), k = outs == 0 ? 0 : weights.length / outs;
    boolean rows = FixedPointOps.isConv(op) || FixedPointOps.transB(op);
    long[] b = new long[outs];
    for (int c = 0; c < outs; c++) b[c] = absBias(bias[c]);
    for (int c = 0; c < outs; c++) {
      long s = b[c];
      for (int i = 0; i < k; i++) s = addSat(s, Math.abs((long) weights[rows ? c * k + i : i * outs + c]) << (inputWidth - 1));
      b[c] = s;
    }
    return b;
  }

  /** One channel's bound as {@link #accumulatorBounds}, for weights laid out [outs][k] or [k][outs]. */
  static long accumulatorBound(int[] w, long bias, int c, int outs, int k, boolean rowsPerOutput, int inputWidth) {
    long s = absBias(bias);
    for (int i = 0; i < k; i++) s = addSat(s, Math.abs((long) w[rowsPerOutput ? c * k + i : i * outs + c]) << (inputWidth - 1));
    return s;
  }

  private static long absBias(long b) {
    return b == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(b);
  }

  private static long addSat(long a, long b) {
    return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }

  public boolean perChannel() {
    for (int m : multiplier) if (m != 1) return true;
    return false;
  }
}
