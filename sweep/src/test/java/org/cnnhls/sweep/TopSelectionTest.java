package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.dse.DesignPoint;
import org.cnnhls.dse.Evaluation;
import org.cnnhls.dse.Objective;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.ResourceModel;
import org.junit.jupiter.api.Test;

/** `sweep --top N` skips points an already chosen point dominates (no faster, no smaller in anything). */
class TopSelectionTest {
  static final HardwareConfig HW = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));

  static Evaluation point(double ms, int dsp, int bram, int lut, int ff) {
    return new Evaluation(new DesignPoint(HW), 1, ms / 1e3, 1, new ResourceModel.Estimate(dsp, bram, lut, ff), true);
  }

  @Test
  void dominatedPointsAreSkippedInObjectiveOrder() {
    Evaluation a = point(1.0, 100, 20, 1000, 2000);
    Evaluation aBiggerTile = point(1.0, 100, 84, 1000, 2000); // same latency, more BRAM: dominated by a
    Evaluation b = point(1.1, 60, 20, 800, 1500);             // slower but smaller: kept
    Evaluation bMoreLut = point(1.2, 60, 20, 900, 1500);      // dominated by b
    Evaluation c = point(1.3, 50, 90, 700, 1400);             // fewer DSP than b: kept
    List<Evaluation> fitting = List.of(a, aBiggerTile, b, bMoreLut, c);
    assertEquals(List.of(a, b, c), Sweep.topDistinct(fitting, Objective.LATENCY, 5));
    assertEquals(List.of(a, b), Sweep.topDistinct(fitting, Objective.LATENCY, 2));
    assertEquals(List.of(a), Sweep.topDistinct(fitting, Objective.LATENCY, 1));
  }

  @Test
  void equalPointsCountOnce() {
    Evaluation a = point(1.0, 100, 20, 1000, 2000), twin = point(1.0, 100, 20, 1000, 2000);
    List<Evaluation> fitting = new ArrayList<>(List.of(a, twin));
    assertEquals(List.of(a), Sweep.topDistinct(fitting, Objective.LATENCY, 2));
  }
}
