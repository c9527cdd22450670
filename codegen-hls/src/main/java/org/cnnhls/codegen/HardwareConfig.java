package org.cnnhls.codegen;

import org.cnnhls.boards.Board;
import org.cnnhls.ir.ModelException;

/**
 * The one record that configures the generated hardware (Gemmini/Tensil style): MAC array Tm x Tn,
 * output tile Tr x Tc, AXI data width, clock and board. The config header, the Tcl scripts and the
 * report are all derived from it.
 */
public record HardwareConfig(Board board, int tm, int tn, int tr, int tc, int axiDataWidth, double clockMHz) {

  public HardwareConfig {
    if (tm < 1 || tn < 1 || tr < 1 || tc < 1) throw new ModelException("tile sizes must be positive");
    if (axiDataWidth != 32 && axiDataWidth != 64 && axiDataWidth != 128 && axiDataWidth != 256) {
      throw new ModelException("AXI data width must be 32, 64, 128 or 256 bits, got " + axiDataWidth);
    }
    if (!(clockMHz > 0)) throw new ModelException("clock must be positive, got " + clockMHz + " MHz");
    if (clockMHz > board.clock().maxMHz()) {
      throw new ModelException("clock " + clockMHz + " MHz is above " + board.name() + "'s maximum of " + board.clock().maxMHz() + " MHz");
    }
  }

  /** Defaults for a board: a 16 x 16 MAC array (fits Ultra96's 360 DSP with room for the output stage), 14 x 14 tiles. */
  public static HardwareConfig defaults(Board board) {
    return new HardwareConfig(board, 16, 16, 14, 14, Math.min(128, board.hpPorts().widthBits()), board.clock().defaultMHz());
  }

  public HardwareConfig withTiles(int m, int n, int r, int c) {
    return new HardwareConfig(board, m, n, r, c, axiDataWidth, clockMHz);
  }

  public HardwareConfig withClock(double mhz) {
    return new HardwareConfig(board, tm, tn, tr, tc, axiDataWidth, mhz);
  }

  public int macs() {
    return tm * tn;
  }
}
