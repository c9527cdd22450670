package org.cnnhls.engine;

import org.cnnhls.boards.Board;
import org.cnnhls.boards.ModelCalibration;

/**
 * Resources of the compute core alone (the Tm x Tn MAC array with its requantize/activation output
 * lanes), as Yosys 0.23 synthesizes the Chisel core of rtl/ (rtl/bench/resources.csv). Per
 * precision, each resource is a * MACs + b * Tm (output lanes) + c, fitted to the 4x4, 8x8 and
 * 16x16 UltraScale+ syntheses; the Zynq-7000 and unpacked syntheses are held out as checks
 * (CoreResourceModelTest prints the error per size).
 *
 * <p>Differences from {@link ResourceModel}'s DSP rule: the core packs two 8-bit MACs per DSP on
 * both families (its 25 x 8 packed product fits DSP48E1 too), and on Zynq-7000 Yosys absorbs the
 * multiplier output register into the DSP (no fabric FF per MAC).
 */
public final class CoreResourceModel {
  private CoreResourceModel() {}

  /** {per MAC, per output lane, fixed} for 16-bit and 8-bit cores. */
  static final double[] LUT16 = {34.1, 428.9, 166}, FF16 = {32.1, 148.0, 178};
  static final double[] LUT8 = {17.0, 306.1, 116}, FF8 = {16.1, 100.0, 178};

  /** The built-in {per MAC, per output lane, fixed} of {@code resource} ("lut" or "ff") at {@code bits}. */
  public static double[] coefficients(String resource, int bits) {
    boolean eight = bits <= 8;
    return (resource.equals("lut") ? (eight ? LUT8 : LUT16) : (eight ? FF8 : FF16)).clone();
  }

  public static ResourceModel.Estimate estimate(int tm, int tn, int bits, Board.Family family) {
    return estimate(tm, tn, bits, family, null);
  }

  /** The same with coefficients refitted to measured syntheses where {@code cal} has them (null: the built-in ones). */
  public static ResourceModel.Estimate estimate(int tm, int tn, int bits, Board.Family family, ModelCalibration cal) {
    boolean eight = bits <= 8;
    int macs = tm * tn;
    int dsp = (eight ? (macs + 1) / 2 : macs) + 2 * tm;
    double[] lut = eight ? LUT8 : LUT16, ff = eight ? FF8 : FF16;
    if (cal != null) {
      lut = cal.core(eight ? "lut8" : "lut16", lut);
      ff = cal.core(eight ? "ff8" : "ff16", ff);
    }
    double ffPerMac = family == Board.Family.ZYNQ_7000 ? 0 : ff[0];
    return new ResourceModel.Estimate(dsp, 0, (int) Math.round(lut[0] * macs + lut[1] * tm + lut[2]),
        (int) Math.round(ffPerMac * macs + ff[1] * tm + ff[2]));
  }
}
