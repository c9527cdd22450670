package org.cnnhls.engine;

import org.cnnhls.boards.Board;
import org.cnnhls.ir.ModelException;

/**
 * The one record that configures the generated hardware (Gemmini/Tensil style): MAC array Tm x Tn,
 * output tile Tr x Tc, AXI data width, clock, board, whether the MAC array also has its Winograd
 * F(2x2, 3x3) mode for 3x3 stride-1 convs, and the storage widths of activations and weights (the
 * precision the engine is built for). The config header, the Tcl scripts, the report, the
 * simulator, the DSE and the RTL core all derive from it; {@link HardwareConfigFile} is its one
 * file format.
 */
public record HardwareConfig(Board board, int tm, int tn, int tr, int tc, int axiDataWidth, double clockMHz,
    boolean winograd, int actWidth, int wgtWidth) {

  /** Largest array side and tile side the engine's templates are sized and tested for. */
  public static final int MAX_ARRAY_SIDE = 128, MAX_TILE_SIDE = 256;
  /** Storage widths the engine stores in DDR (1 or 2 bytes per element). */
  public static final int MIN_WIDTH = 2, MAX_WIDTH = 16;

  public HardwareConfig {
    if (board == null) throw new ModelException("a hardware configuration needs a board");
    range("tm", tm, 1, MAX_ARRAY_SIDE);
    range("tn", tn, 1, MAX_ARRAY_SIDE);
    range("tr", tr, 1, MAX_TILE_SIDE);
    range("tc", tc, 1, MAX_TILE_SIDE);
    range("actWidth", actWidth, MIN_WIDTH, MAX_WIDTH);
    range("wgtWidth", wgtWidth, MIN_WIDTH, MAX_WIDTH);
    if (axiDataWidth != 32 && axiDataWidth != 64 && axiDataWidth != 128 && axiDataWidth != 256) {
      throw new ModelException("AXI data width must be 32, 64, 128 or 256 bits, got " + axiDataWidth);
    }
    if (!(clockMHz >= 1)) throw new ModelException("clock must be at least 1 MHz, got " + clockMHz + " MHz");
    if (clockMHz > board.clock().maxMHz()) {
      throw new ModelException("clock " + clockMHz + " MHz is above " + board.name() + "'s maximum of " + board.clock().maxMHz() + " MHz");
    }
  }

  /** A direct-mode, 16-bit engine (no Winograd transforms). */
  public HardwareConfig(Board board, int tm, int tn, int tr, int tc, int axiDataWidth, double clockMHz) {
    this(board, tm, tn, tr, tc, axiDataWidth, clockMHz, false, 16, 16);
  }

  /**
   * A safe starting point for a board: the largest of a few MAC-array shapes whose resource
   * estimate at this precision fits the board's caps, 14 x 14 tiles, the board's default clock.
   * {@code cnnhls dse} searches properly; this is what tests and `--no-dse` use.
   */
  public static HardwareConfig defaults(Board board, int width) {
    int axi = Math.min(128, board.hpPorts().widthBits());
    int[][] shapes = {{32, 16}, {16, 16}, {16, 14}, {16, 12}, {16, 8}, {12, 8}, {8, 8}, {8, 4}, {4, 4}};
    for (int[] s : shapes) {
      HardwareConfig hw = new HardwareConfig(board, s[0], s[1], 14, 14, axi, board.clock().defaultMHz(), false, width, width);
      if (Fit.of(hw, EngineLimits.nominal(width, width)).fits()) return hw;
    }
    return new HardwareConfig(board, 2, 2, 14, 14, axi, board.clock().defaultMHz(), false, width, width);
  }

  /** {@link #defaults(Board, int)} at 16 bit: shapes chosen so they fit at either precision. */
  public static HardwareConfig defaults(Board board) {
    return defaults(board, 16);
  }

  public HardwareConfig withTiles(int m, int n, int r, int c) {
    return new HardwareConfig(board, m, n, r, c, axiDataWidth, clockMHz, winograd, actWidth, wgtWidth);
  }

  public HardwareConfig withAxiDataWidth(int bits) {
    return new HardwareConfig(board, tm, tn, tr, tc, bits, clockMHz, winograd, actWidth, wgtWidth);
  }

  public HardwareConfig withClock(double mhz) {
    return new HardwareConfig(board, tm, tn, tr, tc, axiDataWidth, mhz, winograd, actWidth, wgtWidth);
  }

  public HardwareConfig withWinograd(boolean on) {
    return new HardwareConfig(board, tm, tn, tr, tc, axiDataWidth, clockMHz, on, actWidth, wgtWidth);
  }

  public HardwareConfig withPrecision(int act, int wgt) {
    return new HardwareConfig(board, tm, tn, tr, tc, axiDataWidth, clockMHz, winograd, act, wgt);
  }

  /** The wider of the two storage widths: what `--precision` names for the presets (16 or 8). */
  public int precision() {
    return Math.max(actWidth, wgtWidth);
  }

  /**
   * Whether the MAC array packs two 8-bit products per multiplier (cnnhls_pack.h, CNNHLS_PACK_MACS
   * in the config header): 8-bit operands (not Winograd's widened ones) on a DSP48E2 (Zynq
   * UltraScale+), whose 27-bit pre-adder holds (a << 18) + b; DSP48E1's 25 bits do not.
   */
  public boolean packsMacs() {
    return eightBit() && !winograd && board.family() == Board.Family.ZYNQ_ULTRASCALE_PLUS;
  }

  /** Both storage widths at most 8 bits: one byte per element. */
  public boolean eightBit() {
    return actWidth <= 8 && wgtWidth <= 8;
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

  /** Activations one AXI beat carries at their storage width (AE in cnnhls_engine.h). */
  public int actPerBeat() {
    return axiDataWidth / (8 * EngineProgram.storageBytes(actWidth));
  }

  /** Weights a fully connected layer consumes per cycle: one AXI beat of weights (stored in 1 or 2 bytes). */
  public int fcLanes() {
    return Math.max(1, axiDataWidth / (8 * EngineProgram.storageBytes(wgtWidth)));
  }

  /** One line for messages and tables, e.g. "16x16 tiles 14x14 axi128 16bit 200MHz". */
  public String label() {
    return String.format(java.util.Locale.ROOT, "%dx%d tiles %dx%d axi%d %s %.0fMHz%s", tm, tn, tr, tc, axiDataWidth,
        actWidth == wgtWidth ? actWidth + "bit" : actWidth + "/" + wgtWidth + "bit", clockMHz, winograd ? " winograd" : "");
  }

  private static void range(String key, int v, int lo, int hi) {
    if (v < lo || v > hi) throw new ModelException(key + " must be " + lo + ".." + hi + ", got " + v);
  }
}
