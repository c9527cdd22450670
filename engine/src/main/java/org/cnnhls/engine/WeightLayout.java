package org.cnnhls.engine;

import org.cnnhls.ir.ModelException;

/**
 * How weights lie in weights.bin: the order in which the engine's loaders read them, so that every
 * load is one contiguous burst of whole AXI beats (cnnhls_engine.h, conv_load_weights and
 * gemm_layer). A beat holds {@link #perBeat} weights at their storage width; every layer's weights
 * start on a beat boundary.
 *
 * <ul>
 *   <li>Conv: one block per (channel tile, input-channel step), in the order the engine visits
 *       them. MAC lane {@code m * Tn + n} (output channel m0 + m, input slot n) is element
 *       {@code lane % WE} of row {@code lane / WE}; a block holds, for each window tap k, its
 *       {@link #rows} beats ({@code [k][row]}); in Winograd mode, for each row, its 9 taps
 *       ({@code [row][k]}), which the loader transforms on chip. Lanes outside the layer's channels,
 *       and in depthwise mode off the diagonal, are zeros.</li>
 *   <li>Fully connected: [N][K] (trans_b = 0 models transposed), each row padded to whole beats.</li>
 * </ul>
 *
 * The C++ side of this contract is checked by every C-simulation of a compiled model (a wrong
 * order gives wrong outputs); {@code cnnhls::weight_elems} sizes the same regions.
 */
public final class WeightLayout {
  private WeightLayout() {}

  /** Weights per AXI beat (also CNNHLS_FC_LANES). */
  public static int perBeat(HardwareConfig hw) {
    return hw.fcLanes();
  }

  /** Beats per window tap of a conv weight block: ceil(Tm * Tn / perBeat). */
  public static int rows(HardwareConfig hw) {
    int we = perBeat(hw);
    return (hw.tm() * hw.tn() + we - 1) / we;
  }

  /** {@code n} rounded up to whole beats. */
  public static int align(int n, HardwareConfig hw) {
    int we = perBeat(hw);
    return (n + we - 1) / we * we;
  }

  /**
   * Conv weights in ONNX order [M][C/groups][kh][kw] laid out as the engine's blocks.
   *
   * @param wino whether the layer runs in Winograd mode ({@link HardwareConfig#winogradFor})
   */
  public static int[] conv(int[] w, int outC, int inC, int groups, int kH, int kW, boolean wino, HardwareConfig hw) {
    int g = Math.max(1, groups), cg = inC / g, mg = outC / g, kk = kH * kW, tm = hw.tm(), tn = hw.tn();
    boolean dw = cg == 1 && g > 1;
    int td = Math.min(tm, tn), mtPerGroup = (mg + tm - 1) / tm;
    int chTiles = dw ? (outC + td - 1) / td : g * mtPerGroup, nTiles = dw ? 1 : (cg + tn - 1) / tn;
    int we = perBeat(hw), rows = rows(hw), taps = wino ? 9 : kk;
    long size = (long) chTiles * nTiles * taps * rows * we;
    if (size > Integer.MAX_VALUE - 8) throw new ModelException("conv weights laid out for the engine exceed 2^31 elements");
    int[] out = new int[(int) size];
    for (int ct = 0; ct < chTiles; ct++) {
      int m0, mc;
      if (dw) {
        m0 = ct * td;
        mc = Math.min(td, outC - m0);
      } else {
        int grp = ct / mtPerGroup, mt = ct % mtPerGroup;
        m0 = grp * mg + mt * tm;
        mc = Math.min(tm, mg - mt * tm);
      }
      for (int nt = 0; nt < nTiles; nt++) {
        long base = (long) (ct * nTiles + nt) * taps * rows * we;
        for (int m = 0; m < mc; m++) {
          for (int n = 0; n < tn; n++) {
            int ic = dw ? 0 : nt * tn + n;
            if (dw ? m != n : ic >= cg) continue;
            int lane = m * tn + n, u = lane % we, j = lane / we;
            int src = ((m0 + m) * cg + ic) * kk;
            for (int k = 0; k < kk; k++) {
              long pos = base + (wino ? (long) j * 9 + k : (long) k * rows + j) * we + u;
              out[(int) pos] = w[src + k];
            }
          }
        }
      }
    }
    return out;
  }

  /** Fully connected weights ([N][K] when transB, else [K][N]) as [N][K] rows padded to whole beats. */
  public static int[] fc(int[] w, int k, int n, boolean transB, HardwareConfig hw) {
    int kp = align(k, hw);
    long size = (long) n * kp;
    if (size > Integer.MAX_VALUE - 8) throw new ModelException("fully connected weights laid out for the engine exceed 2^31 elements");
    int[] out = new int[(int) size];
    for (int o = 0; o < n; o++) {
      for (int i = 0; i < k; i++) out[o * kp + i] = transB ? w[o * k + i] : w[i * n + o];
    }
    return out;
  }
}
