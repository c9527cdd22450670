package org.cnnhls.engine;

import org.cnnhls.boards.Board;

/**
 * Resource estimate of the overlay engine for a hardware configuration. Every coefficient is here,
 * with where it comes from:
 *
 * <ul>
 *   <li>DSP: one DSP48 per 16-bit MAC; on Zynq UltraScale+ (DSP48E2, 27x18 multiplier) two 8-bit
 *       MACs sharing an input pack into one DSP, not on Zynq-7000 (DSP48E1). The output stage's
 *       requantize multiplies the accumulator (accWidth bits) by M (multWidth bits) in each of its
 *       Tm lanes, split into 24 x 17-bit partial products: ceil(accWidth / 24) * ceil(multWidth / 17)
 *       DSPs per lane, none when every M is 1 (power-of-two scaling). Yosys maps the Chisel core
 *       exactly so: 2 per lane at 48 x 16 and at 32 x 16 bits (rtl/bench/resources.md). The fully
 *       connected datapath (gemm_layer) has its own multipliers, one AXI beat of weights wide
 *       ({@link HardwareConfig#fcLanes}) in each of its two loops (trans_b = 1 and 0), packed like
 *       the array's at 8 bit, and one requantize lane per loop. {@link #DSP_FIXED} for address
 *       generation.
 *   <li>BRAM18: the engine's on-chip buffers (cnnhls_engine.h), each partitioned along its
 *       parallel dimension into banks; a bank of depth x width bits takes BRAM18s by the block's
 *       aspect ratios (512x36 ... 16Kx1); banks of at most {@link #LUTRAM_BITS} bits go to LUTRAM.
 *       Input, weight and output tiles are double-buffered (ping-pong).
 *   <li>LUT and FF: the compute core as Yosys synthesizes it ({@link CoreResourceModel}: adder
 *       trees, accumulators, requantize lanes), plus what the HLS engine adds around it: a fixed
 *       AXI/control cost, a per-MAC cost for operand muxing and HLS pipeline registers, and
 *       per-bank steering logic for the partitioned buffers. The engine terms are calibrated so
 *       the CNNA16 configuration (192 MACs, 16 bit, ZU3EG) lands on its published 42.5k LUT and
 *       74k FF. Held out, the yolov2_xilinx_fpga design (Tm 32 x Tn 4, 16 bit, Zedboard and
 *       ZCU102) comes out at DSP -6/+3%, BRAM18 +10/+15%, LUT +15/+13%, FF +49/+91% (dse tests,
 *       PublishedDesigns). CNNA16's own DSP (360) and BRAM18 (277) are far above this engine's
 *       count for its array (-40%, -59%): DEVELOPERS.md says why.
 *   <li>Winograd mode ({@link HardwareConfig#winograd}): the same Tm x Tn multipliers (both modes
 *       drive one mac_array instance) take transformed operands, (W_x + 2) x (W_w + 4) bits, one
 *       DSP48 each at 16 bit (18 x 20 fits 27 x 18 and 25 x 18);
 *       the 8-bit packing no longer fits (two 12-bit weights and their products overflow the 27-bit
 *       port), so the array is unpacked. Fabric, counted as one LUT per adder bit and one FF per
 *       register bit of the adders and registers cnnhls_engine.h's conv_compute_winograd and
 *       conv_load_weights add: per input lane the 4 x 4 patch register and V (16 x W_x + 16 x
 *       (W_x + 2) FF) and V's 32 adders of W_x + 2 bits; per output lane four signed block
 *       accumulators of {@link #winogradAccWidth} bits and three more adds into the accumulator
 *       buffer; per MAC the adder tree 6 bits wider; the weight transform in the loader (16 adders
 *       of W_w + 4 bits, 25 registers). Weight-tile banks are 4 bits wider and at least 16 deep.
 * </ul>
 */
public final class ResourceModel {
  private ResourceModel() {}

  public static final int DSP_FIXED = 8;
  public static final int LUT_FIXED = 8_730, LUT_PER_MAC16 = 56, LUT_PER_MAC8 = 28, LUT_PER_BANK = 20;
  public static final int FF_FIXED = 11_580, FF_PER_MAC16 = 206, FF_PER_MAC8 = 103, FF_PER_BANK = 30;
  public static final int LUTRAM_BITS = 1024;
  /** Outputs per block of a trans_b = 0 fully connected layer (CNNHLS_FC_NB). */
  public static final int FC_BLOCK = 256;

  public record Estimate(int dsp, int bram18, int lut, int ff) {}

  public static Estimate estimate(HardwareConfig hw, int actWidth, int wgtWidth, EngineLimits limits) {
    boolean eightBit = actWidth <= 8 && wgtWidth <= 8;
    boolean packs = eightBit && hw.board().family() == Board.Family.ZYNQ_ULTRASCALE_PLUS;
    boolean arrayPacks = packs && !hw.winograd();
    int macs = hw.macs();
    int fcLanes = hw.fcLanes(wgtWidth);
    int fcMultipliers = 2 * (packs ? (fcLanes + 1) / 2 : fcLanes);
    int dsp = (arrayPacks ? (macs + 1) / 2 : macs) + requantDspPerLane(limits) * (hw.tm() + 2) + fcMultipliers + DSP_FIXED;
    int inTr = limits.inputTileRows(hw), inTc = limits.inputTileCols(hw), kk = limits.maxK() * limits.maxK();
    int wTileWidth = wgtWidth;
    if (hw.winograd()) {
      kk = Math.max(kk, 16);
      wTileWidth += 4;
    }
    int trc = hw.tr() * hw.tc();
    long banks = 0;
    long bram = 0;
    bram += 2L * hw.tn() * bram18(inTr * inTc, actWidth);      // input tile, ping-pong, one bank per Tn
    bram += 2L * hw.tm() * hw.tn() * bram18(kk, wTileWidth);   // weight tile, one bank per MAC
    bram += (long) hw.tm() * bram18(trc, limits.accWidth());  // accumulators
    bram += 2L * hw.tm() * bram18(trc, actWidth);             // output tile, ping-pong
    bram += (long) fcLanes * bram18(ceil(limits.maxFcIn(), fcLanes), actWidth);  // FC input vector, a bank per lane
    bram += (long) fcLanes * bram18(ceil(FC_BLOCK, fcLanes), limits.accWidth());  // FC accumulators (trans_b = 0)
    bram += 2L * bram18(limits.maxW(), actWidth);             // pooling line buffers
    banks += 2L * hw.tn() + 2L * hw.tm() * hw.tn() + 3L * hw.tm() + 2L * fcLanes;
    Estimate core = CoreResourceModel.estimate(hw.tm(), hw.tn(), eightBit ? 8 : 16, hw.board().family());
    int lut = LUT_FIXED + core.lut() + macs * (eightBit ? LUT_PER_MAC8 : LUT_PER_MAC16) + (int) banks * LUT_PER_BANK;
    int ff = FF_FIXED + core.ff() + macs * (eightBit ? FF_PER_MAC8 : FF_PER_MAC16) + (int) banks * FF_PER_BANK;
    if (hw.winograd()) {
      int yW = winogradAccWidth(actWidth, wgtWidth, hw.tn()), accW = limits.accWidth(), wW = wgtWidth + 4;
      lut += hw.tn() * 32 * (actWidth + 2) + hw.tm() * (4 * yW + 3 * accW) + macs * 6 + 16 * wW;
      ff += hw.tn() * (16 * actWidth + 16 * (actWidth + 2)) + hw.tm() * 4 * yW + macs * 6 + 9 * wgtWidth + 16 * wW;
    }
    return new Estimate(dsp, (int) bram, lut, ff);
  }

  /** Bits of a Winograd block accumulator (wino_acc_t in cnnhls_engine.h): W_x + W_w + 8 + ceil(log2 Tn), at most 64. */
  public static int winogradAccWidth(int actWidth, int wgtWidth, int tn) {
    int log2 = 32 - Integer.numberOfLeadingZeros(Math.max(tn, 1) - 1);
    return Math.min(64, actWidth + wgtWidth + 8 + log2);
  }

  private static int ceil(int a, int b) {
    return (a + b - 1) / b;
  }

  /** DSP48s of one requantize lane: accWidth x multWidth bits, 0 when M is always 1. */
  public static int requantDspPerLane(EngineLimits limits) {
    if (limits.multWidth() <= 1) return 0;
    return ((limits.accWidth() + 23) / 24) * ((limits.multWidth() + 16) / 17);
  }

  /** BRAM18 blocks for one bank of {@code depth} words of {@code width} bits (0 when small enough for LUTRAM). */
  public static int bram18(int depth, int width) {
    if ((long) depth * width <= LUTRAM_BITS) return 0;
    int[][] shapes = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}};
    int best = Integer.MAX_VALUE;
    for (int[] s : shapes) {
      int n = ((depth + s[0] - 1) / s[0]) * ((width + s[1] - 1) / s[1]);
      best = Math.min(best, n);
    }
    return best;
  }

  /** Null when the estimate fits the board's utilization caps, else which resources overflow and by how much. */
  public static String overCaps(Estimate e, Board b) {
    StringBuilder sb = new StringBuilder();
    over(sb, "DSP", e.dsp(), b.resources().dsp(), b.utilizationCaps().dsp());
    over(sb, "BRAM18", e.bram18(), b.resources().bram18(), b.utilizationCaps().bram());
    over(sb, "LUT", e.lut(), b.resources().lut(), b.utilizationCaps().lut());
    over(sb, "FF", e.ff(), b.resources().ff(), b.utilizationCaps().ff());
    return sb.length() == 0 ? null : sb.toString();
  }

  public static boolean fits(Estimate e, Board b) {
    var c = b.utilizationCaps();
    var r = b.resources();
    return e.dsp() <= r.dsp() * c.dsp() && e.bram18() <= r.bram18() * c.bram() && e.lut() <= r.lut() * c.lut()
        && e.ff() <= r.ff() * c.ff();
  }

  private static void over(StringBuilder sb, String what, int used, int available, double cap) {
    int limit = (int) Math.floor(available * cap);
    if (used <= limit) return;
    if (sb.length() > 0) sb.append("; ");
    sb.append(String.format(java.util.Locale.ROOT, "%s %d > %d (%.0f%% of %d) by %d", what, used, limit, cap * 100, available,
        used - limit));
  }

  /**
   * Limits for a configuration checked before a model is known (3x3 windows, stride 2, 4096-long
   * FC input), with the accumulator and multiplier widths of the 16-bit preset (power-of-two
   * scaling) or the 8-bit preset (15-bit per-channel multipliers).
   */
  public static EngineLimits defaultLimits(int actWidth, int wgtWidth) {
    int acc = actWidth + wgtWidth + 13 + 1;
    return new EngineLimits(3, 2, 1, 4096, 224, 49, acc, wgtWidth <= 8 ? 15 : 1);
  }

  public static EngineLimits defaultLimits() {
    return defaultLimits(16, 16);
  }
}
