package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * collect on a sweep whose tasks hold real tool reports (the shared fixtures, copied into the
 * temporary sweep where Vitis and Vivado would write them): measured next to modeled, error %,
 * and a broken report as "missing" with its one-line reason.
 */
class CollectReportsTest {
  @Test
  void reportsNextToModel(@TempDir Path tmp) throws Exception {
    Path fx = Fixtures.reports();
    assumeTrue(Files.isDirectory(fx), "report fixtures absent: " + fx);
    Path dir = tmp.resolve("sw");
    Sweep.write(LocalSweepTest.request(dir, 2, "csynth,impl"), s -> { }, w -> { });
    for (String task : new String[] {"task-000", "task-001"}) {
      Path report = dir.resolve(task + "/project/hls/digits_cnn/solution1/syn/report");
      Files.createDirectories(report);
      Path impl = dir.resolve(task + "/project/vivado/digits_cnn_bd/digits_cnn_bd.runs/impl_1");
      Files.createDirectories(impl);
      Files.copy(fx.resolve("CG4002-2021-B03-Audition__Ultra96__CNN_imp_wrapper_utilization_placed.rpt"),
          impl.resolve("digits_cnn_bd_wrapper_utilization_placed.rpt"));
      Files.writeString(dir.resolve(task + "/status.json"), "{\"task\": \"" + task + "\", \"finished\": true, \"steps\": ["
          + "{\"step\": \"csynth\", \"status\": \"ok\", \"exitCode\": 0, \"seconds\": 1200.5, \"log\": \"logs/csynth.log\"},"
          + "{\"step\": \"impl\", \"status\": \"ok\", \"exitCode\": 0, \"seconds\": 3600.25, \"log\": \"logs/impl.log\"}]}\n");
    }
    Files.copy(fx.resolve("dolvlod__gemm-beto-kv260__csynth.xml"),
        dir.resolve("task-000/project/hls/digits_cnn/solution1/syn/report/csynth.xml"));
    String xml = Files.readString(fx.resolve("dolvlod__gemm-beto-kv260__csynth.xml"));
    Files.writeString(dir.resolve("task-001/project/hls/digits_cnn/solution1/syn/report/csynth.xml"),
        xml.replaceAll("(?s)<AreaEstimates>.*?</AreaEstimates>", ""));

    Collector.Table t = Collector.write(dir);
    Map<String, Object> a = t.rows().get(0);
    assertEquals(17L, a.get("hls_dsp"));
    assertEquals(64L, a.get("hls_bram18"));
    assertEquals(11573L, a.get("hls_lut"));
    assertEquals(7482L, a.get("hls_ff"));
    assertEquals(29.45582, (Double) a.get("hls_latency_ms"), 1e-9);
    assertEquals(193L, a.get("impl_dsp"));
    assertEquals(233L, a.get("impl_bram18"));
    assertEquals(6149L, a.get("impl_lut"));
    assertEquals(10203L, a.get("impl_ff"));
    long modelDsp = (Long) a.get("model_dsp");
    assertEquals(Math.round(1000.0 * (modelDsp - 193) / 193) / 10.0, a.get("impl_dsp_err_pct"));
    assertEquals(1200.5, a.get("csynth_s"));
    assertEquals("n/a", a.get("csim"));
    assertEquals("", a.get("notes"));

    Map<String, Object> b = t.rows().get(1);
    assertEquals("missing", b.get("hls_dsp"));
    assertEquals("missing", b.get("hls_latency_ms"));
    assertEquals("missing", b.get("hls_dsp_err_pct"));
    assertEquals(193L, b.get("impl_dsp"));
    assertEquals("task-001/project/hls/digits_cnn/solution1/syn/report/csynth.xml: no <AreaEstimates>", b.get("notes"));
    String csv = Files.readString(dir.resolve("sweep.csv"));
    assertTrue(csv.contains(",missing,"), csv);
    assertTrue(csv.contains("\"task-001/project/hls/digits_cnn/solution1/syn/report/csynth.xml: no <AreaEstimates>\"")
        || csv.contains("task-001/project/hls/digits_cnn/solution1/syn/report/csynth.xml: no <AreaEstimates>"), csv);
  }
}
