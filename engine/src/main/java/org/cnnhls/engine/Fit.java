package org.cnnhls.engine;

import java.util.Locale;
import org.cnnhls.boards.Board;

/**
 * The one fit verdict: the resource estimate of a hardware configuration built with given buffer
 * limits, against its board's utilization caps. dse, compile (with or without --config), simulate
 * and the report all come here, so they agree to the unit.
 *
 * @param overflow null when the estimate fits, else each resource over its cap and by how much
 */
public record Fit(ResourceModel.Estimate estimate, Board board, String overflow) {

  public static Fit of(HardwareConfig hw, EngineLimits limits) {
    ResourceModel.Estimate e = ResourceModel.estimate(hw, limits);
    Board b = hw.board();
    StringBuilder sb = new StringBuilder();
    over(sb, "DSP", e.dsp(), b.resources().dsp(), b.utilizationCaps().dsp());
    over(sb, "BRAM18", e.bram18(), b.resources().bram18(), b.utilizationCaps().bram());
    over(sb, "LUT", e.lut(), b.resources().lut(), b.utilizationCaps().lut());
    over(sb, "FF", e.ff(), b.resources().ff(), b.utilizationCaps().ff());
    return new Fit(e, b, sb.length() == 0 ? null : sb.toString());
  }

  /** The verdict for a lowered program: its layer table and accumulator widths set the limits. */
  public static Fit of(HardwareConfig hw, EngineProgram p) {
    return of(hw, EngineLimits.of(p));
  }

  public boolean fits() {
    return overflow == null;
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
