package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.dse.Objective;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A digits sweep written, run with the local pool (csim, systemc; the Vitis/Vivado steps skipped as tools not found) and collected. */
class LocalSweepTest {
  static final Path DIGITS = Fixtures.repoRoot().resolve("examples/digits/digits_cnn.onnx");

  static Sweep.Request request(Path out, int top, String steps) {
    return new Sweep.Request(DIGITS, BoardCatalog.byName("ultra96v2"), List.of(), 16, Objective.LATENCY, top, out, Step.parse(steps),
        Scripts.Slurm.NONE, null);
  }

  @Test
  void writeRunCollect(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("sw");
    Sweep.Result r = Sweep.write(request(dir, 2, "csim,systemc,csynth,yosys"), s -> { }, w -> { });
    assertEquals(2, r.points().size());
    // run one task only (the Slurm test runs three): task-001 stays unrun and must collect as "missing"
    JsonNode m = new ObjectMapper().readTree(dir.resolve(Sweep.MANIFEST).toFile());
    assertEquals(64, m.path("model").path("sha256").asText().length());
    assertEquals("dev", m.path("cnnhlsVersion").asText());
    assertEquals(1, m.path("points").get(0).path("config").path("format").asInt());
    assertTrue(m.path("points").get(0).path("config").path("modeled").has("latencyMs"));
    String sbatch = Files.readString(dir.resolve(Sweep.SBATCH));
    assertTrue(sbatch.contains("#SBATCH --array=0-1\n"), sbatch);
    assertTrue(sbatch.contains("task=$(printf 'task-%03d' \"$SLURM_ARRAY_TASK_ID\")"), sbatch);
    assertTrue(Files.isRegularFile(dir.resolve("task-001/project/hls/Makefile")));

    long t0 = System.nanoTime();
    Files.move(dir.resolve("task-001/run.sh"), dir.resolve("task-001/run.sh.off"));
    List<LocalRunner.TaskRun> runs = LocalRunner.run(dir, 2, s -> { });
    assertEquals(1, runs.size());
    Files.move(dir.resolve("task-001/run.sh.off"), dir.resolve("task-001/run.sh"));
    System.out.printf("local sweep task of digits (csim,systemc): %.1f s%n", (System.nanoTime() - t0) / 1e9);
    for (LocalRunner.TaskRun t : runs) assertEquals(0, t.exitCode(), t.task() + ": " + Files.readString(dir.resolve(t.task() + "/logs/run.out")));

    JsonNode st = new ObjectMapper().readTree(dir.resolve("task-000/status.json").toFile());
    assertTrue(st.path("finished").asBoolean());
    assertEquals("ok", st.path("steps").get(0).path("status").asText());
    assertEquals(0, st.path("steps").get(0).path("exitCode").asInt());
    boolean vitis = Files.exists(Path.of("/usr/bin/vitis-run")) || Files.exists(Path.of("/usr/bin/vitis_hls"));
    if (!vitis) assertEquals("skipped", st.path("steps").get(2).path("status").asText());

    Collector.Table t = Collector.write(dir);
    assertEquals(2, t.rows().size());
    for (Map<String, Object> row : t.rows().subList(0, 1)) {
      assertEquals("bit-exact", row.get("csim"), row.toString());
      assertEquals("bit-exact", row.get("systemc"), row.toString());
      // the SystemC schedule and the simulator agree cycle for cycle
      assertEquals(0.0, ((Number) row.get("systemc_latency_err_pct")).doubleValue(), 0.05, row.toString());
      if (!vitis) assertEquals("missing", row.get("hls_dsp"));
      assertEquals("missing", row.get("yosys_lut"), "no RTL writer given");
      assertEquals("n/a", row.get("impl_lut"));
    }
    String csv = Files.readString(dir.resolve("sweep.csv"));
    assertTrue(csv.startsWith("task,label,csim,systemc,"), csv);
    assertTrue(Files.isRegularFile(dir.resolve("sweep.json")));

    // the task not run: "missing", no crash
    Map<String, Object> row = t.rows().get(1);
    assertEquals("missing", row.get("csim"));
    assertEquals("missing", row.get("systemc_latency_ms"));
    assertTrue(row.get("notes").toString().contains("task-001/status.json: missing"), row.toString());
  }

  @Test
  void refusesFullFolderAndBadSteps(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("x"), "x");
    SweepException e = assertThrows(SweepException.class, () -> Sweep.write(request(tmp, 1, "csim"), s -> { }, w -> { }));
    assertTrue(e.getMessage().endsWith("exists and is not an empty folder (choose a new one)"), e.getMessage());
    IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> Step.parse("csim,synth"));
    assertEquals("unknown step 'synth' (csim, systemc, csynth, impl, yosys)", b.getMessage());
    e = assertThrows(SweepException.class, () -> Collector.collect(tmp));
    assertTrue(e.getMessage().endsWith("no manifest.json (not a folder written by `cnnhls sweep`)"));
  }
}
