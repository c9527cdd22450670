package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Collect's reading of Yosys `stat` (this text is Yosys 0.23's output for a 16x16 multiply-accumulate, synth_xilinx -family xcup). */
class YosysStatTest {
  static final String STAT = """

      3. Printing statistics.

      === m ===

         Number of wires:                 10
         Number of wire bits:            242
         Number of public wires:           4
         Number of public wire bits:      65
         Number of memories:               0
         Number of memory bits:            0
         Number of processes:              0
         Number of cells:                 74
           BUFG                            1
           CARRY4                          8
           DSP48E2                         1
           FDRE                           32
           LUT2                           32
      """;

  @Test
  void cellsAsSynthSizesCountsThem() {
    Map<String, Long> cells = Collector.yosysCells(STAT);
    assertEquals(Map.of("BUFG", 1L, "CARRY4", 8L, "DSP48E2", 1L, "FDRE", 32L, "LUT2", 32L), cells);
    assertEquals(1, Collector.yosys(cells, "dsp"));
    assertEquals(32, Collector.yosys(cells, "lut"));
    assertEquals(32, Collector.yosys(cells, "ff"));
    // newer Yosys prints the count first
    assertEquals(Map.of("LUT2", 32L, "FDRE", 3L), Collector.yosysCells("   Number of cells: 35\n        32   LUT2\n         3   FDRE\n"));
  }

  @Test
  void errorPercent() {
    assertEquals(10.0, Collector.err(110, 100L));
    assertEquals("missing", Collector.err(110, "missing"));
    assertEquals("n/a", Collector.err(110, 0L));
  }
}
