package org.cnnhls.engine;

import java.util.Locale;
import org.cnnhls.boards.Board;

/**
 * The one fit verdict: the resource estimate of a hardware configuration built with given buffer
 * limits, against its board's utilization caps. dse, compile (with or without --config), simulate
 * and the report all come here, so they agree to the unit.
 */
public record Fit(ResourceModel.Estimate estimate, Board board) {

  public static Fit of(HardwareConfig hw, EngineLimits limits) {
    return new Fit(ResourceModel.estimate(hw, limits), hw.board());
  }

  /** The verdict for a lowered program: its layer table and accumulator widths set the limits. */
  public static Fit of(HardwareConfig hw, EngineProgram p) {
    return of(hw, EngineLimits.of(p));
  }

  public boolean fits() {
    var r = board.resources();
    var c = board.utilizationCaps();
    return estimate.dsp() <= cap(r.dsp(), c.dsp()) && estimate.bram18() <= cap(r.bram18(), c.bram())
        && estimate.lut() <= cap(r.lut(), c.lut()) && estimate.ff() <= cap(r.ff(), c.ff());
  }

  /** Null when the estimate fits, else each resource over its cap and by how much, e.g. "LUT 50760 > 49392 (70% of 70560) by 1368". */
  public String overflow() {
    var r = board.resources();
    var c = board.utilizationCaps();
    StringBuilder sb = new StringBuilder();
    over(sb, "DSP", estimate.dsp(), r.dsp(), c.dsp());
    over(sb, "BRAM18", estimate.bram18(), r.bram18(), c.bram());
    over(sb, "LUT", estimate.lut(), r.lut(), c.lut());
    over(sb, "FF", estimate.ff(), r.ff(), c.ff());
    return sb.length() == 0 ? null : sb.toString();
  }

  /** The cap of one resource: floor(available x utilization cap). */
  public static int cap(int available, double utilization) {
    return (int) Math.floor(available * utilization);
  }

  private static void over(StringBuilder sb, String what, int used, int available, double utilization) {
    int limit = cap(available, utilization);
    if (used <= limit) return;
    if (sb.length() > 0) sb.append("; ");
    sb.append(String.format(Locale.ROOT, "%s %d > %d (%.0f%% of %d) by %d", what, used, limit, utilization * 100, available,
        used - limit));
  }
}
