package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnnhls.engine.DdrModel;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.engine.TraceCycles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A whole compiled project's traced C-sim against its report: builds {@code hls/} with
 * {@code -DCNNHLS_TRACE}, runs it (bit-exact), costs every layer's trace by {@link TraceCycles} and
 * compares with the report's per-layer cycles (sim/). On demand, for models too large for the suite:
 * {@code mvn -pl codegen-hls test -Dtest=TracedProjectBenchmark -Dcnnhls.excludedGroups=none
 * -Dcnnhls.project=DIR} (DIR written by {@code cnnhls compile}).
 */
@Tag("benchmark")
class TracedProjectBenchmark {
  @Test
  void traceOfTheWholeProjectMatchesItsReport() throws Exception {
    String dir = System.getProperty("cnnhls.project");
    if (dir == null) throw new IllegalArgumentException("set -Dcnnhls.project=DIR to a compiled project");
    Path prj = Path.of(dir), hls = prj.resolve("hls");
    TracedCsimTest.sh(hls, "g++", "-std=c++14", "-O2", "-DCNNHLS_STANDALONE", "-DCNNHLS_TRACE", "-I.", "-o", "csim_trace.bin",
        "cnnhls_top.cpp", "cnnhls_tb.cpp");
    long t0 = System.nanoTime();
    String out = TracedCsimTest.sh(hls, "./csim_trace.bin", "data");
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(out.contains("PASS: "), out.lines().filter(l -> !l.startsWith("TRACE")).toList().toString());
    HardwareConfig hw = HardwareConfigFile.read(prj.resolve("hardware.json")).hw();
    DdrModel ddr = DdrModel.of(hw);
    List<TraceCycles.LayerTrace> traces = TraceCycles.parse(out);
    JsonNode layers = new ObjectMapper().readTree(prj.resolve("report.json").toFile()).get("layers");
    double max = 0;
    for (int i = 0; i < traces.size(); i++) {
      long t = TraceCycles.layer(traces.get(i), hw, ddr), s = layers.get(i).get("cycles").asLong();
      double dev = (s - t) / (double) t;
      if (Math.abs(dev) > 0.001) {
        System.out.printf("layer %d %s (%s): sim %d, trace %d (%+.2f%%)%n", i, layers.get(i).get("node").asText(),
            layers.get(i).get("engineOp").asText(), s, t, 100 * dev);
      }
      max = Math.max(max, Math.abs(dev));
    }
    System.out.printf("%s: %d layers bit-exact, traced C-sim %.1f s, max |sim - trace| / trace %.2f%%%n", prj, traces.size(),
        seconds, 100 * max);
    assertTrue(max <= TracedCsimTest.TOLERANCE, "a layer is off the trace by more than 5%");
  }
}
