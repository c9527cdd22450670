package org.cnnhls.dse;

import java.util.ArrayList;
import java.util.List;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.HardwareConfig;

/**
 * The grid searched: Tm, Tn, the output tile (Tr x Tc), AXI width, precision, clock (the board's
 * default up to its maximum in 25 MHz steps) and whether the MAC array has its Winograd mode. Points
 * are addressed by a mixed-radix index so search strategies can move between neighbours.
 */
public record DesignSpace(Board board, int[] tm, int[] tn, int[][] tiles, int[] axi, int[] precisions, double[] clocks,
    boolean[] winograd) {

  public static final int[] ARRAY_SIDES = {2, 4, 6, 8, 9, 10, 12, 14, 16, 18, 20, 24, 28, 32, 36, 40, 48, 56, 64};
  /** Square tiles, and wide ones: a tile that spans whole input rows loads each channel in one burst. */
  public static final int[][] TILE_SHAPES = {{7, 7}, {8, 8}, {13, 13}, {14, 14}, {16, 16}, {26, 26}, {28, 28}, {32, 32},
      {56, 56}, {4, 56}, {8, 56}, {2, 112}, {4, 112}, {2, 224}};

  /** Square tiles of the given sides. */
  public static int[][] squares(int... sides) {
    int[][] t = new int[sides.length][];
    for (int i = 0; i < sides.length; i++) t[i] = new int[] {sides[i], sides[i]};
    return t;
  }

  public static DesignSpace of(Board board, int[] precisions) {
    List<Double> clocks = new ArrayList<>();
    for (double f = board.clock().defaultMHz(); f <= board.clock().maxMHz() + 1e-9; f += 25) clocks.add(f);
    int maxAxi = Math.min(128, board.hpPorts().widthBits());
    int[] axi = maxAxi >= 128 ? new int[] {64, 128} : new int[] {maxAxi};
    return new DesignSpace(board, ARRAY_SIDES, ARRAY_SIDES, TILE_SHAPES, axi, precisions,
        clocks.stream().mapToDouble(Double::doubleValue).toArray(), new boolean[] {false, true});
  }

  /** A smaller grid (for tests and quick runs). */
  public DesignSpace restrict(int[] tmSides, int[] tnSides, int[][] tileShapes, double[] clockList) {
    return new DesignSpace(board, tmSides, tnSides, tileShapes, axi, precisions, clockList, winograd);
  }

  /** The same grid with the Winograd choices given (e.g. only {false}: direct-mode engines). */
  public DesignSpace withWinograd(boolean... choices) {
    return new DesignSpace(board, tm, tn, tiles, axi, precisions, clocks, choices);
  }

  public int[] radices() {
    return new int[] {tm.length, tn.length, tiles.length, axi.length, precisions.length, clocks.length, winograd.length};
  }

  public long size() {
    long n = 1;
    for (int r : radices()) n *= r;
    return n;
  }

  public DesignPoint point(int[] digits) {
    HardwareConfig hw = new HardwareConfig(board, tm[digits[0]], tn[digits[1]], tiles[digits[2]][0], tiles[digits[2]][1],
        axi[digits[3]], clocks[digits[5]], winograd[digits[6]], precisions[digits[4]], precisions[digits[4]]);
    return new DesignPoint(hw);
  }

  public int[] digits(long index) {
    int[] r = radices();
    int[] d = new int[r.length];
    for (int i = r.length - 1; i >= 0; i--) {
      d[i] = (int) (index % r[i]);
      index /= r[i];
    }
    return d;
  }
}
