package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnnhls.engine.dataflow.DataflowPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The dataflow project's SystemC model (systemc/), built against libsystemc-dev: the HLS kernels as
 * timed stages joined by sc_fifo, waiting by the timing table written from DataflowStage.loops().
 * Rules: every output value equals the golden model's (integer equality); the steady-state interval
 * equals the Java model's (the slowest stage's cycles) whenever no stage waits on a full FIFO (the
 * plan's depth for these nets; a whole image per FIFO for LeNet-5, whose depth-2 FIFOs stall); the
 * first image's latency is within {@link #LATENCY_TOLERANCE} of the model's. That bound is the
 * observed spread (-29% .. +21% over eight foldings of digits, LeNet-5, the jet MLP and the strided
 * net), not a derived one: the model's formula (every stage's fill plus the slowest stage) counts
 * the slowest stage twice when its fill is its whole image (an FC stage: the jet MLP's model is
 * high), costs each fill as if input came as fast as the stage takes it (a slower producer paces it:
 * the CNNs' model is low), and ignores that a conv zero-pads its top rows before its input arrives.
 */
class DataflowSystemCTest {
  @TempDir Path tmp;

  static final double LATENCY_TOLERANCE = 0.30;
  static final Pattern SYSTEMC = Pattern.compile("SYSTEMC latency=(\\d+) interval=(\\d+) images=(\\d+)");
  static final Pattern FIFOS = Pattern.compile("FIFOS depths=([\\d,]+) max=([\\d,]+) bits=(\\d+) max_bits=(\\d+)");

  record Run(long latency, long interval, String depths, String max, long bits, long maxBits, String out) {}

  @ParameterizedTest(name = "{0} at {1} bit on {2}, refolded {3}")
  @CsvSource({"digits, 8, ultra96, false", "jet_mlp, 16, ultra96, false"})
  void systemcIsBitExactAndCycleMatched(String model, String precision, String board, boolean refolded) throws IOException, InterruptedException {
    int images = 4;
    DataflowProjects.Emitted e = refolded ? DataflowProjects.emitRefolded(dir(model + precision + "r"), model, precision, images)
        : DataflowProjects.emit(dir(model + precision), model, precision, board, images);
    Run r = run(e, "plan"), image = run(e, "image");
    DataflowPlan plan = e.plan();
    System.out.printf("dataflow SystemC %s %s-bit on %s%s %s: %d values bit-exact; latency %d (model %d), interval %d (model %d); "
        + "whole-image FIFOs: interval %d, max occupancy %s%n", model, precision, board, refolded ? " refolded" : "",
        plan.macStages().stream().map(s -> s.pe() + "x" + s.simd()).toList(), e.result().checkedValues(), r.latency, plan.latencyCycles(), r.interval,
        plan.intervalCycles(), image.interval, image.max);
    assertEquals(plan.intervalCycles(), r.interval, "steady-state interval at the plan's FIFO depth: SystemC vs DataflowPlan\n" + r.out);
    assertEquals(plan.intervalCycles(), image.interval, "steady-state interval with whole-image FIFOs: SystemC vs DataflowPlan\n" + image.out);
    assertTrue(Math.abs(r.latency - plan.latencyCycles()) <= LATENCY_TOLERANCE * plan.latencyCycles(),
        "latency: SystemC " + r.latency + ", model " + plan.latencyCycles() + "\n" + r.out);
  }

  /**
   * LeNet-5's FC stage reads its whole input vector before its MACs, so with the plan's depth-2
   * FIFOs the conv before it cannot run ahead and the pipeline is slower than its slowest stage.
   * With a whole image per FIFO it is not; the largest occupancies of that run, as depths, reproduce
   * it cycle for cycle (no write then finds its FIFO full) at a fraction of the bits.
   */
  @Test
  void fifoDepthsSizedBySimulation() throws IOException, InterruptedException {
    DataflowProjects.Emitted e = DataflowProjects.emit(dir("lenet5"), "lenet5", "8", "ultra96", 3);
    long model = e.plan().intervalCycles();
    Run plan = run(e, "plan"), image = run(e, "image"), sized = run(e, image.max);
    System.out.printf("dataflow SystemC lenet5 8-bit: interval model %d; depth %d: %d (%d FIFO bits); whole images: %d (%d bits); "
        + "sized %s: %d, latency %d (%d bits)%n", model, DataflowPlan.FIFO_DEPTH, plan.interval, plan.bits, image.interval, image.bits, image.max,
        sized.interval, sized.latency, sized.bits);
    assertTrue(plan.interval > model, "depth-2 FIFOs were expected to stall LeNet-5:\n" + plan.out);
    assertEquals(model, image.interval, image.out);
    assertEquals(image.interval, sized.interval, sized.out);
    assertEquals(image.latency, sized.latency, sized.out);
    assertEquals(image.max, sized.max, sized.out);
    assertTrue(sized.bits < image.bits, sized.out);
    // make size: bisected per FIFO down from those depths, keeping the interval
    String size = make(e.result().dir().resolve("systemc"), "size", "plan", 0);
    Matcher m = Pattern.compile("SIZED depths=([\\d,]+) interval=(\\d+) latency=(\\d+) bits=(\\d+)").matcher(size);
    assertTrue(m.find(), size);
    Run smallest = run(e, m.group(1));
    System.out.printf("dataflow SystemC lenet5 8-bit: make size %s: interval %d, latency %d, %d FIFO bits%n", m.group(1), smallest.interval,
        smallest.latency, smallest.bits);
    assertEquals(model, smallest.interval, smallest.out);
    assertTrue(smallest.bits <= sized.bits, smallest.out);
  }

  /**
   * A refolded jet MLP (SIMD below the input length, several output folds) passes, interval equal to
   * the model's; then the testbench fails on a changed golden value, and on a timing table whose
   * trips are not the kernel's.
   */
  @Test
  void refoldedPassesAndAWrongGoldenValueOrTimingTableFails() throws IOException, InterruptedException {
    DataflowProjects.Emitted e = DataflowProjects.emitRefolded(dir("mlp"), "jet_mlp", "8", 2);
    Run ok = run(e, "plan");
    System.out.printf("dataflow SystemC jet_mlp 8-bit refolded %s: latency %d (model %d), interval %d (model %d)%n",
        e.plan().macStages().stream().map(s -> s.pe() + "x" + s.simd()).toList(), ok.latency, e.plan().latencyCycles(), ok.interval,
        e.plan().intervalCycles());
    assertEquals(e.plan().intervalCycles(), ok.interval, ok.out);
    assertTrue(Math.abs(ok.latency - e.plan().latencyCycles()) <= LATENCY_TOLERANCE * e.plan().latencyCycles(), ok.out);
    Path golden = e.result().dir().resolve("hls/data/golden.bin");
    byte[] b = Files.readAllBytes(golden);
    b[7] ^= 1;
    Files.write(golden, b);
    String out = make(e.result().dir().resolve("systemc"), "plan", 1);
    assertTrue(out.contains("MISMATCH image 1 value 2") && out.contains("FAIL: 1 of 10 values"), out);
    b[7] ^= 1;
    Files.write(golden, b);
    Path timing = e.result().dir().resolve("systemc/cnnhls_df_sc_timing.h");
    String t = Files.readString(timing);
    String row = "{1, \"fc_mac\", 1, ";
    int at = t.indexOf(row);
    assertTrue(at >= 0, t);
    int end = t.indexOf(',', at + row.length());
    long trips = Long.parseLong(t.substring(at + row.length(), end));
    Files.writeString(timing, t.substring(0, at + row.length()) + (trips + 1) + t.substring(end));
    out = make(e.result().dir().resolve("systemc"), "plan", 1);
    assertTrue(out.contains("stage 1 loop fc_mac: 1 entries, " + trips + " trips; the timing table has 1, " + (trips + 1)), out);
  }

  /** A fresh folder for one project (under -Dcnnhls.keepDir=DIR when given, to look at it afterwards). */
  Path dir(String name) {
    String keep = System.getProperty("cnnhls.keepDir");
    return keep == null ? tmp.resolve(name) : Path.of(keep).resolve(name);
  }

  static Run run(DataflowProjects.Emitted e, String fifos) throws IOException, InterruptedException {
    String out = make(e.result().dir().resolve("systemc"), fifos, 0);
    assertTrue(out.contains("PASS: " + e.result().images() + " images, " + e.result().checkedValues() + " values bit-exact"), out);
    Matcher m = SYSTEMC.matcher(out), f = FIFOS.matcher(out);
    assertTrue(m.find() && f.find(), out);
    return new Run(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), f.group(1), f.group(2), Long.parseLong(f.group(3)),
        Long.parseLong(f.group(4)), out);
  }

  static String make(Path systemc, String fifos, int expectedExit) throws IOException, InterruptedException {
    return make(systemc, "run", fifos, expectedExit);
  }

  static String make(Path systemc, String target, String fifos, int expectedExit) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("make", "--no-print-directory", "-C", systemc.toString(), target, "FIFOS=" + fifos));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (expectedExit == 0) assertEquals(0, rc, "SystemC build or run failed:\n" + out);
    else assertTrue(rc != 0, "expected a failure:\n" + out);
    return out;
  }
}
