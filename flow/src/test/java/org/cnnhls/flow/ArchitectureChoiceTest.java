package org.cnnhls.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cnnhls.dse.Objective;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.frontend.ReferenceModels;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `compile --arch overlay|dataflow|auto`: auto's choice by objective, its reason, refusals, and the dataflow project's report. */
class ArchitectureChoiceTest {
  @TempDir Path tmp;

  static Graph imported(String name) {
    return switch (name) {
      case "digits" -> OnnxImporter.load(ReferenceModels.DIGITS_DIR.resolve("digits_cnn.onnx"));
      case "jet_mlp" -> OnnxImporter.fromProto(OnnxModelBuilder.jetMlp(11).build(), "jet_mlp.onnx", null);
      case "lenet5" -> OnnxImporter.fromProto(OnnxModelBuilder.lenet5(11).build(), "lenet5.onnx", null);
      case "cnv" -> OnnxImporter.fromProto(OnnxModelBuilder.cnv(11).build(), "cnv.onnx", null);
      case "resnet_block" -> OnnxImporter.fromProto(OnnxModelBuilder.resnetBlock(11).build(), "resnet_block.onnx", null);
      default -> throw new IllegalArgumentException(name);
    };
  }

  static CompileFlow.Options options(String name, String board, String precision) {
    Graph g = imported(name);
    List<Map<String, float[]>> calib = ReferenceModels.samples(g, name, 8);
    return CompileFlow.options(Path.of(name + ".onnx"), board).graph(g).precision(precision).calibration(calib);
  }

  /**
   * The target: on ultra96 the dataflow accelerator's modeled throughput is at least 10x the
   * overlay's simulated one on the digits CNN and the jet MLP, so auto (objective throughput) builds it.
   */
  @ParameterizedTest(name = "{0} at {1} bit on ultra96")
  @CsvSource({"digits, 8", "digits, 16", "jet_mlp, 8", "jet_mlp, 16"})
  void autoPicksDataflowForSmallModelsAndItIsTenTimesFaster(String model, String precision) {
    CompileFlow.Result r = options(model, "ultra96", precision).arch(CompileFlow.Arch.AUTO).objective(Objective.THROUGHPUT).run();
    assertEquals(CompileFlow.Arch.DATAFLOW, r.arch(), r.choice());
    assertTrue(r.choice().startsWith("dataflow (auto, objective throughput): "), r.choice());
    double ratio = r.dataflow().imagesPerSecond() * r.timing().latencySeconds();
    assertTrue(ratio >= 10, model + ": dataflow/overlay throughput " + ratio);
    assertTrue(r.dataflow().fit().fits());
  }

  @Test
  void autoFallsBackToTheOverlayNamingWhyAndDataflowRefusesByNode() {
    CompileFlow.Result r = options("resnet_block", "ultra96", "8").arch(CompileFlow.Arch.AUTO).output(tmp.resolve("rb")).run();
    assertEquals(CompileFlow.Arch.OVERLAY, r.arch());
    assertTrue(r.choice().startsWith("overlay (auto): node '") && r.choice().contains("(branches)")
        && !r.choice().contains("use --arch"), r.choice());
    assertNotNull(r.project());
    assertTrue(readString(tmp.resolve("rb/report.md")).contains("Architecture: overlay (auto): node"));
    ModelException e = assertThrows(ModelException.class,
        () -> options("resnet_block", "ultra96", "8").arch(CompileFlow.Arch.DATAFLOW).run());
    assertTrue(e.getMessage().contains("(use --arch overlay)"), e.getMessage());
  }

  @Test
  void aDataflowDesignOverTheCapsIsRefusedNamingTheResource() {
    FlowException e = assertThrows(FlowException.class, () -> options("cnv", "ultra96", "8").arch(CompileFlow.Arch.DATAFLOW).run());
    assertTrue(e.getMessage().startsWith("the dataflow design does not fit ultra96v2: BRAM18 "), e.getMessage());
  }

  @Test
  void dataflowProjectHasItsPerStageReport() throws Exception {
    CompileFlow.Result r = options("digits", "ultra96", "8").arch(CompileFlow.Arch.DATAFLOW).output(tmp.resolve("d")).run();
    assertNull(r.project());
    assertEquals(8, r.dataflowProject().images());
    String md = readString(tmp.resolve("d/report.md"));
    assertTrue(md.contains("Architecture: dataflow (--arch dataflow)") && md.contains("| # | stage | op | in | out | PE | SIMD | cycles | DSP | BRAM18 |"), md);
    JsonNode j = new ObjectMapper().readTree(tmp.resolve("d/report.json").toFile());
    assertEquals("dataflow", j.get("architecture").asText());
    assertEquals(r.dataflow().stages().size(), j.get("stages").size());
    assertEquals(r.dataflow().intervalCycles(), j.get("intervalCycles").asLong());
    assertTrue(Files.exists(tmp.resolve("d/hls/cnnhls_df_top.cpp")) && Files.exists(tmp.resolve("d/hls/run_hls.tcl")));
    assertTrue(readString(tmp.resolve("d/hls/run_hls.tcl")).contains("set_part {xczu3eg-sbva484-1-i}"));
  }

  /**
   * The benchmark table (printed, for the report): modeled dataflow vs simulated overlay per
   * model and board, and what auto picks by each objective. Holds only what must be true of any
   * such comparison: auto's pick is the better one of the two by its objective.
   */
  @ParameterizedTest(name = "{0} at {2} bit on {1}")
  @CsvSource({"digits, ultra96, 8", "jet_mlp, ultra96, 8", "digits, ultra96, 16", "jet_mlp, ultra96, 16", "lenet5, ultra96, 8", "cnv, ultra96, 8", "digits, pynq-z2, 8", "jet_mlp, pynq-z2, 8",
      "lenet5, pynq-z2, 16", "digits, zcu104, 16", "jet_mlp, zcu104, 16", "lenet5, zcu104, 8", "cnv, zcu104, 8"})
  void benchmarkTable(String model, String board, String precision) {
    CompileFlow.Result t = options(model, board, precision).arch(CompileFlow.Arch.AUTO).objective(Objective.THROUGHPUT).run();
    CompileFlow.Result l = options(model, board, precision).arch(CompileFlow.Arch.AUTO).objective(Objective.LATENCY).run();
    var df = t.dataflow() != null ? t.dataflow() : l.dataflow();
    String dfText = df == null ? "dataflow does not fit" : String.format(java.util.Locale.ROOT, "dataflow %,.0f img/s %.2f us", df.imagesPerSecond(),
        df.latencySeconds() * 1e6);
    System.out.printf(java.util.Locale.ROOT, "BENCH %s %s-bit %s: %s; overlay %,.0f img/s %.2f us; auto: throughput -> %s, latency -> %s%n", model,
        precision, board, dfText, 1 / t.timing().latencySeconds(), t.timing().latencySeconds() * 1e6, t.arch(), l.arch());
    System.out.println("BENCH   " + t.choice());
    if (t.arch() == CompileFlow.Arch.DATAFLOW) assertTrue(t.dataflow().imagesPerSecond() >= 1 / t.timing().latencySeconds());
    if (l.arch() == CompileFlow.Arch.DATAFLOW) assertTrue(l.dataflow().latencySeconds() <= l.timing().latencySeconds());
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
