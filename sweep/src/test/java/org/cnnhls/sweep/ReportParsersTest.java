package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parsers on real reports of public designs (../shared/fixtures/vitis-reports, see its SOURCES.md); values read by eye. */
class ReportParsersTest {
  static Path dir;

  @BeforeAll
  static void fixtures() {
    dir = Fixtures.reports();
    assumeTrue(Files.isDirectory(dir), "report fixtures absent: " + dir);
  }

  static HlsReport hls(String repo) {
    return HlsReport.parse(dir.resolve(repo + "__csynth.xml"), repo + "/csynth.xml");
  }

  static UtilizationReport util(String file) {
    return UtilizationReport.parse(dir.resolve(file), file);
  }

  static HlsReport.Loop loop(HlsReport r, String path) {
    return r.loops().stream().filter(l -> l.path().equals(path)).findFirst().orElseThrow(() -> new AssertionError("no loop " + path));
  }

  @Test
  void gemmKv260() {
    HlsReport r = hls("dolvlod__gemm-beto-kv260");
    assertEquals("2023.1", r.version());
    assertEquals("xck26-sfvc784-2LV-c", r.part());
    assertEquals("gemm_int8", r.top());
    assertEquals(10.0, r.targetClockNs());
    assertEquals(7.3, r.estimatedClockNs());
    assertEquals(2945582, r.bestLatency());
    assertEquals(2945582, r.worstLatency());
    assertEquals(2945583, r.intervalMin());
    assertEquals(2945583, r.intervalMax());
    assertEquals(new Resources(11573, 7482, 64, 17, 0), r.used());
    assertEquals(new Resources(117120, 234240, 288, 1248, 64), r.available());
    HlsReport.Loop outer = loop(r, "tile_m_tile_n");
    assertEquals("gemm_int8", outer.module());
    assertEquals(48, outer.tripCount());
    assertEquals(2896416, outer.latency());
    assertEquals(-1, outer.ii());
    assertEquals(24, loop(r, "tile_m_tile_n/tile_k").tripCount());
    assertEquals(32, loop(r, "tile_m_tile_n/tile_k/compute").tripCount());
    HlsReport.Loop load = loop(r, "load_X_VITIS_LOOP_30_1");
    assertEquals("gemm_int8_Pipeline_load_X_VITIS_LOOP_30_1", load.module());
    assertEquals(49152, load.tripCount());
    assertEquals(49153, load.latency());
    assertEquals(1, load.ii());
    assertEquals(3, load.depth());
    assertEquals(6, r.loops().stream().filter(l -> l.ii() > 0).count(), "6 PipelineII tags");
    assertEquals(29.456, r.worstLatencyMs(), 0.01, "at the 10 ns target (the estimate is faster)");
  }

  @Test
  void tiledConvZynq() {
    HlsReport r = hls("devanshj1996__FPGA-Final-project-Federated-Learning");
    assertEquals("xc7z020-clg400-1", r.part());
    assertEquals("tiled_conv", r.top());
    assertEquals(5920, r.worstLatency());
    assertEquals(5921, r.intervalMax());
    assertEquals(new Resources(8037, 6639, 14, 26, 0), r.used());
    HlsReport.Loop l = loop(r, "VITIS_LOOP_40_2_VITIS_LOOP_42_3");
    assertEquals(2, l.ii());
    assertEquals(31, l.depth());
    assertEquals(1, loop(r, "INPUT_BUFFER_HEIGHT_INPUT_BUFFER_WIDTH").ii());
    assertEquals(11, loop(r, "INPUT_BUFFER_HEIGHT_INPUT_BUFFER_WIDTH").depth());
    assertEquals(7, r.loops().stream().filter(x -> x.ii() > 0).count());
  }

  @Test
  void conv2dVitis2025() {
    HlsReport r = hls("Farhan-wrld__Real-Time-Object-Detection-Using-Hardware-Accelerated-CNN-on-Xilinx-Zynq-FPGA-with-Arm-Processor");
    assertEquals("conv2d", r.top());
    assertEquals(912528, r.worstLatency());
    assertEquals(new Resources(10228, 9321, 34, 12, 0), r.used());
    HlsReport.Loop l = loop(r, "VITIS_LOOP_38_2_VITIS_LOOP_39_3");
    assertEquals(9, l.ii());
    assertEquals(63, l.depth());
    assertEquals(6, r.loops().stream().filter(x -> x.ii() > 0).count());
  }

  @Test
  void utilizationUltra96OldLayout() {
    UtilizationReport r = util("CG4002-2021-B03-Audition__Ultra96__CNN_imp_wrapper_utilization_placed.rpt");
    assertEquals("xczu3egsbva484-1", r.device());
    assertEquals("Fully Placed", r.designState());
    assertEquals(new Resources(6149, 10203, 233, 193, -1), r.used(), "116.5 Block RAM tiles are 233 BRAM18");
    assertEquals(new Resources(70560, 141120, 432, 360, -1), r.available());
  }

  @Test
  void utilizationKv260ProhibitedColumn() {
    UtilizationReport r = util("dolvlod__gemm-beto-kv260__prototipo_1_wrapper_utilization_placed.rpt");
    assertEquals("xck26-sfvc784-2LV-c", r.device());
    assertEquals(new Resources(13867, 19781, 27, 32, 0), r.used());
    assertEquals(new Resources(117120, 234240, 288, 1248, 64), r.available());
  }

  @Test
  void utilizationSevenSeriesSliceLabels() {
    UtilizationReport r = util(
        "Farhan-wrld__Real-Time-Object-Detection-Using-Hardware-Accelerated-CNN-on-Xilinx-Zynq-FPGA-with-Arm-Processor__system_wrapper_utilization_placed.rpt");
    assertEquals("xc7z020clg484-1", r.device());
    assertEquals(new Resources(6171, 10490, 32, 10, -1), r.used());
    assertEquals(new Resources(53200, 106400, 280, 220, -1), r.available());
  }

  @Test
  void brokenReportsAreOneLine(@TempDir Path tmp) throws Exception {
    ReportException e = assertThrows(ReportException.class, () -> HlsReport.parse(tmp.resolve("none.xml"), "hls/x/csynth.xml"));
    assertEquals("hls/x/csynth.xml: missing", e.getMessage());
    Path noArea = tmp.resolve("a.xml");
    String full = Files.readString(dir.resolve("dolvlod__gemm-beto-kv260__csynth.xml"));
    Files.writeString(noArea, full.replaceAll("(?s)<AreaEstimates>.*?</AreaEstimates>", ""));
    // the module-level AreaEstimates are inside <ModuleInformation>; the top one is what must be there
    e = assertThrows(ReportException.class, () -> HlsReport.parse(noArea, "hls/s/csynth.xml"));
    assertEquals("hls/s/csynth.xml: no <AreaEstimates>", e.getMessage());
    Path truncated = tmp.resolve("t.xml");
    Files.writeString(truncated, full.substring(0, 5000));
    e = assertThrows(ReportException.class, () -> HlsReport.parse(truncated, "t.xml"));
    assertTrue(e.getMessage().startsWith("t.xml: malformed XML ("), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"));
    Path badCount = tmp.resolve("b.xml");
    Files.writeString(badCount, full.replaceFirst("<DSP>17</DSP>", "<DSP>lots</DSP>"));
    e = assertThrows(ReportException.class, () -> HlsReport.parse(badCount, "b.xml"));
    assertEquals("b.xml: <DSP> is 'lots', not a count", e.getMessage());

    Path rpt = tmp.resolve("u.rpt");
    String u = Files.readString(dir.resolve("CG4002-2021-B03-Audition__Ultra96__CNN_imp_wrapper_utilization_placed.rpt"));
    Files.writeString(rpt, u.replace("| DSPs ", "| DSPx "));
    e = assertThrows(ReportException.class, () -> UtilizationReport.parse(rpt, "vivado/u.rpt"));
    assertEquals("vivado/u.rpt: no 'DSPs' row", e.getMessage());
    Files.writeString(rpt, u.replace("116.5", "11x.5"));
    e = assertThrows(ReportException.class, () -> UtilizationReport.parse(rpt, "vivado/u.rpt"));
    assertEquals("vivado/u.rpt: 'Block RAM Tile' Used is '11x.5', not a tile count", e.getMessage());
    Files.writeString(rpt, "hello\n");
    e = assertThrows(ReportException.class, () -> UtilizationReport.parse(rpt, "vivado/u.rpt"));
    assertTrue(e.getMessage().startsWith("vivado/u.rpt: no '| Device :' line"), e.getMessage());
  }
}
