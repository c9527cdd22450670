package org.cnnhls.engine;

import org.cnnhls.boards.Board;

/**
 * Resource estimate of the overlay engine for a hardware configuration. Every coefficient is here,
 * with where it comes from:
 *
 * <ul>
 *   <li>DSP: one DSP48 per MAC; on Zynq UltraScale+ (DSP48E2, 27-bit pre-adder) the 8-bit direct-mode
 *       array computes two products sharing an input per multiplier ({@link HardwareConfig#packsMacs},
 *       cnnhls_pack.h), Tn x ceil(Tm / 2); not on Zynq-7000 (DSP48E1). The output stage's
 *       requantize multiplies the accumulator (accWidth bits) by M (multWidth bits) in each of its
 *       Tm lanes, split into 24 x 17-bit partial products ({@link #multiplierDsp}): none when every M
 *       is 1 (power-of-two scaling). Yosys maps the Chisel core exactly so: 2 per lane at 48 x 16 and
 *       at 32 x 16 bits (rtl/bench/resources.md). The fully connected datapath (gemm_layer) has its
 *       own multipliers, one AXI beat of weights wide ({@link HardwareConfig#fcLanes}), never packed,
 *       and one requantize lane. LeakyReLU
 *       multiplies ({@link #LEAK_V_W} x {@link #LEAK_M_W}) in the Tm + 3 activation lanes when the
 *       engine is built with them, and two pooling requantizes ({@link #POOL_SUM_W} x
 *       {@link #AVG_M_W}) and the average pool's window count (9 x 9 bits). {@link #DSP_FIXED} is a
 *       margin: the kernels have no address multiplies (counters; products by mul_add loops).
 *   <li>BRAM18: the engine's on-chip buffers (cnnhls_engine.h), each partitioned along its
 *       parallel dimension into banks; a bank of depth x width bits takes BRAM18s by the block's
 *       aspect ratios (512x36 ... 16Kx1); banks of at most {@link #LUTRAM_BITS} bits go to LUTRAM.
 *       Input, weight and output tiles are double-buffered (ping-pong) and banked so that one AXI
 *       beat's elements reach different banks in one cycle: Tn x AE input banks, Tm x AE output
 *       banks (AE activations per beat), one weight bank per MAC lane.
 *   <li>LUT and FF: the compute core as Yosys synthesizes it ({@link CoreResourceModel}: adder
 *       trees, accumulators, requantize lanes), plus what the HLS engine adds around it: a fixed
 *       AXI/control cost, a per-MAC cost for operand muxing and HLS pipeline registers, and
 *       per-bank steering logic for the partitioned buffers. The engine terms are calibrated so
 *       the CNNA16 configuration (192 MACs, 16 bit, ZU3EG) lands on its published 42.5k LUT and
 *       74k FF. Held out, the yolov2_xilinx_fpga design (Tm 32 x Tn 4, 16 bit, Zedboard and
 *       ZCU102) comes out at DSP +25/+36% (-6/+3% without the LeakyReLU and pooling multipliers that design lacks), BRAM18 +10/+15%, LUT +15/+13%, FF +49/+91% (dse tests,
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

  /**
   * One component's share: multipliers, BRAM18 blocks, partitioned buffer banks (each costs
   * {@link #LUT_PER_BANK} / {@link #FF_PER_BANK} of steering logic) and fabric of its own.
   */
  public record Part(long dsp, long bram18, long banks, long lut, long ff) {}

  /** The engine's resources: the fixed AXI/control cost plus each component's {@link EngineComponent#resources}. */
  public static Estimate estimate(HardwareConfig hw, EngineLimits limits) {
    long dsp = DSP_FIXED, bram = 0, banks = 0, lut = LUT_FIXED, ff = FF_FIXED;
    for (EngineComponent c : EngineComponent.ALL) {
      Part p = c.resources(hw, limits);
      dsp += p.dsp();
      bram += p.bram18();
      banks += p.banks();
      lut += p.lut();
      ff += p.ff();
    }
    Estimate e = new Estimate((int) dsp, (int) bram, (int) (lut + banks * LUT_PER_BANK), (int) (ff + banks * FF_PER_BANK));
    return calibrated(e, hw.board().modelCalibration());
  }

  /** {@code e} times the measured / modeled factors of a refit ({@code cal} null: unchanged), rounded. */
  public static Estimate calibrated(Estimate e, org.cnnhls.boards.ModelCalibration cal) {
    if (cal == null) return e;
    return new Estimate((int) Math.round(e.dsp() * cal.scale("dsp")), (int) Math.round(e.bram18() * cal.scale("bram18")),
        (int) Math.round(e.lut() * cal.scale("lut")), (int) Math.round(e.ff() * cal.scale("ff")));
  }

  /** DSP48s of one signed x unsigned multiplier, split into 24 x 17-bit partial products. */
  public static int multiplierDsp(int signedBits, int unsignedBits) {
    return ((signedBits + 23) / 24) * ((unsignedBits + 16) / 17);
  }

  /** Bits of the LeakyReLU multiply in each activation lane (LEAK_V_W x LEAK_M_W in cnnhls_requant.h). */
  public static final int LEAK_V_W = 16, LEAK_M_W = 16;

  /** DSP48s of one activation lane's LeakyReLU multiply, 0 when the engine is built without it. */
  public static int leakDspPerLane(EngineLimits limits) {
    return limits.leaky() ? multiplierDsp(LEAK_V_W, LEAK_M_W) : 0;
  }
  /**
   * The table-activation unit (issue 14; ACT_* in cnnhls_engine.h): one lane in the element-wise
   * unary path, a table of ACT_TAB_MAX entries of ACT_T_W bits (Wo + guard at the widest output) in
   * one dual-port BRAM18 (both ends of a segment per cycle), and the interpolation multiply of the
   * segment's difference (ACT_D_W signed bits) by the interpolation bits (ACT_F_W unsigned).
   */
  public static final int ACT_T_W = 16 + org.cnnhls.ir.quant.ActTable.GUARD, ACT_D_W = ACT_T_W + 1, ACT_F_W = 8,
      ACT_TAB_MAX = 257;

  /** DSP48s of the table activations' interpolation multiply, 0 when the engine is built without them. */
  public static int actTableDsp(EngineLimits limits) {
    return limits.actTables() ? multiplierDsp(ACT_D_W, ACT_F_W) : 0;
  }

  /** BRAM18s of the activation table (ACT_TAB_MAX x ACT_T_W bits, one block), 0 without table activations. */
  public static int actTableBram(EngineLimits limits) {
    return limits.actTables() ? (int) Math.ceil(ACT_TAB_MAX * (double) ACT_T_W / 18432) : 0;
  }

  /** Bits of the pooling requantize operands: the 64-bit window sum (sum_t) x AVG_M_W (cnnhls_desc.h). */
  public static final int POOL_SUM_W = 64, AVG_M_W = org.cnnhls.ir.quant.IntKernels.AVG_SHIFT + 1;

  /** Bits of a Winograd block accumulator (wino_acc_t in cnnhls_engine.h): W_x + W_w + 8 + ceil(log2 Tn), at most 64. */
  public static int winogradAccWidth(int actWidth, int wgtWidth, int tn) {
    int log2 = 32 - Integer.numberOfLeadingZeros(Math.max(tn, 1) - 1);
    return Math.min(64, actWidth + wgtWidth + 8 + log2);
  }

  static int ceil(int a, int b) {
    return (a + b - 1) / b;
  }

  /** DSP48s of one requantize lane: accWidth x multWidth bits, 0 when M is always 1. */
  public static int requantDspPerLane(EngineLimits limits) {
    if (limits.multWidth() <= 1) return 0;
    return multiplierDsp(limits.accWidth(), limits.multWidth());
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

}
