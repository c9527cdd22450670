package org.cnnhls.engine;

import org.cnnhls.boards.Board;
import org.cnnhls.ir.ModelException;

/**
 * The one record that configures the generated hardware (Gemmini/Tensil style): MAC array Tm x Tn,
 * output tile Tr x Tc, AXI data width, clock, board, and whether the MAC array also has its
 * Winograd F(2x2, 3x3) mode for 3x3 stride-1 convs (input and output transforms around the same
 * multipliers). The config header, the Tcl scripts and the report are all derived from it.
 */
public record HardwareConfig(Board board, int tm, int tn, int tr, int tc, int axiDataWidth, double clockMHz,
    boolean winograd) {

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

  /** A direct-mode engine (no Winograd transforms). */
  public HardwareConfig(Board board, int tm, int tn, int tr, int tc, int axiDataWidth, double clockMHz) {
    this(board, tm, tn, tr, tc, axiDataWidth, clockMHz, false);
  }

  /**
   * A safe starting point for a board: the largest of a few MAC-array shapes whose 16-bit
   * resource estimate fits the board's caps, 14 x 14 tiles, the board's default clock.
   * {@code cnnhls dse} searches properly; this is what tests and `--no-dse` use.
   */
  public static HardwareConfig defaults(Board board) {
    int axi = Math.min(128, board.hpPorts().widthBits());
    int[][] shapes = {{32, 16}, {16, 16}, {16, 14}, {16, 12}, {16, 8}, {12, 8}, {8, 8}, {8, 4}, {4, 4}};
    for (int[] s : shapes) {
      HardwareConfig hw = new HardwareConfig(board, s[0], s[1], 14, 14, axi, board.clock().defaultMHz());
      if (ResourceModel.fits(ResourceModel.estimate(hw, 16, 16, ResourceModel.defaultLimits()), board)) return hw;
    }
    return new HardwareConfig(board, 2, 2, 14, 14, axi, board.clock().defaultMHz());
  }

  public HardwareConfig withTiles(int m, int n, int r, int c) {
    return new HardwareConfig(board, m, n, r, c, axiDataWidth, clockMHz, winograd);
  }

  public HardwareConfig withAxiDataWidth(int bits) {
    return new HardwareConfig(board, tm, tn, tr, tc, bits, clockMHz, winograd);
  }

  public HardwareConfig withClock(double mhz) {
    return new HardwareConfig(board, tm, tn, tr, tc, axiDataWidth, mhz, winograd);
  }

  public HardwareConfig withWinograd(boolean on) {
    return new HardwareConfig(board, tm, tn, tr, tc, axiDataWidth, clockMHz, on);
  }

  /**
   * Whether the engine runs conv layer {@code d} in Winograd mode (as conv_plan decides in
   * cnnhls_engine.h): the mode is built in, the layer is not depthwise, 3x3, stride 1, dilation 1.
   */
  public boolean winogradFor(LayerDescriptor d) {
    boolean depthwise = d.groups() > 1 && d.inC() / d.groups() == 1;
    return winograd && d.op() == LayerDescriptor.OP_CONV && !depthwise && d.kH() == 3 && d.kW() == 3 && d.sH() == 1
        && d.sW() == 1 && d.dH() == 1 && d.dW() == 1;
  }

  public int macs() {
    return tm * tn;
  }

  /** Weights a fully connected layer consumes per cycle: one AXI beat of {@code wgtWidth}-bit weights (stored in 1 or 2 bytes). */
  public int fcLanes(int wgtWidth) {
    return Math.max(1, axiDataWidth / (wgtWidth <= 8 ? 8 : 16));
  }
}
