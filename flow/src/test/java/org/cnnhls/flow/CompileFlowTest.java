package org.cnnhls.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.codegen.ProjectEmitter;
import org.cnnhls.dse.DesignPoint;
import org.cnnhls.dse.DesignSpace;
import org.cnnhls.dse.Evaluation;
import org.cnnhls.dse.Evaluator;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.engine.Lowering;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.frontend.ReferenceModels;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile flow as a library: one fit verdict everywhere, the precision round trip, each step's results. */
class CompileFlowTest {
  @TempDir Path tmp;

  /** A GoogLeNet-like net: stem conv, one inception block (1x1, 3x3, 5x5 and 3x3-reduce branches, channel Concat), global pool, FC. */
  static Graph inception() {
    OnnxModelBuilder b = new OnnxModelBuilder("inception_net", 13, 21);
    String x = b.input("input", 1, 3, 32, 32);
    String stem = b.maxPool(b.relu(b.conv(x, 3, 32, 3, 1, 1, 1, true)), 2, 2);
    String b1 = b.relu(b.conv(stem, 32, 16, 1, 1, 0, 1, true));
    String b2 = b.relu(b.conv(b.relu(b.conv(stem, 32, 24, 1, 1, 0, 1, true)), 24, 32, 3, 1, 1, 1, true));
    String b3 = b.relu(b.conv(b.relu(b.conv(stem, 32, 8, 1, 1, 0, 1, true)), 8, 16, 5, 1, 2, 1, true));
    String b4 = b.relu(b.conv(stem, 32, 16, 3, 1, 1, 1, true));
    String cat = b.op("Concat", b1, b2, b3, b4);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.i("axis", 1));
    String pooled = b.op("GlobalAveragePool", cat);
    String y = b.linear(b.flatten(pooled), 80, 10);
    b.rename(y, "logits");
    b.output("logits", 1, 10);
    return OnnxImporter.fromProto(b.build(), "inception_net.onnx", null);
  }

  static List<Map<String, float[]>> samples(Graph g, int n) {
    return ReferenceModels.samples(PassManager.defaultPipeline().run(g), "inception_net", n);
  }

  @Test
  void dseCompileConfigAndReportGiveOneFitVerdictAtTheCap() throws Exception {
    Graph raw = inception();
    Graph g = PassManager.defaultPipeline().run(raw);
    Board b = BoardCatalog.byName("ultra96");
    List<Map<String, float[]>> calib = samples(raw, 4);
    for (int width : new int[] {16, 8}) {
      QuantizedGraph q = CompileFlow.quantize(g, QuantOptions.preset(String.valueOf(width)), calib, 100, 1, w -> { });
      int[] widths = CompileFlow.engineWidths(q, b);
      Evaluator eval = new Evaluator(g, p -> p == width ? widths : null);
      // the fitting point nearest the LUT cap, and the cheapest point over it
      DesignSpace space = DesignSpace.of(b, new int[] {width});
      List<Evaluation> all = new ArrayList<>();
      for (long i = 0; i < space.size(); i += 7) all.add(eval.evaluate(space.point(space.digits(i))));
      int lutCap = Fit.cap(b.resources().lut(), b.utilizationCaps().lut());
      Evaluation atCap = all.stream().filter(Evaluation::fits).max(Comparator.comparingInt(e -> e.resources().lut())).orElseThrow();
      Evaluation overCap = all.stream().filter(e -> !e.fits() && e.resources().lut() > lutCap)
          .min(Comparator.comparingInt(e -> e.resources().lut())).orElseThrow();
      assertTrue(atCap.resources().lut() > 0.9 * lutCap, "a point near the cap: " + atCap.resources());

      // compile with the point as --config: the same numbers, to the unit, in the result and in report.json
      Path dir = tmp.resolve("at_cap_" + width);
      CompileFlow.Result r = CompileFlow.options(null, b).graph(raw).calibration(calib).config(atCap.point().hw()).output(dir).run();
      assertEquals(atCap.resources(), r.fit().estimate(), "compile --config vs dse at " + width + " bit");
      assertTrue(r.fit().fits());
      JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
      assertEquals(atCap.resources().lut(), report.at("/resources/lut/used").asInt());
      assertEquals(atCap.resources().dsp(), report.at("/resources/dsp/used").asInt());
      assertTrue(report.at("/resources/fits").asBoolean());
      // simulate (timing-only lowering of the quantized model) and the emitted hardware.json agree too
      assertEquals(atCap.resources(), Fit.of(r.hw(), Lowering.forTiming(r.quantized(), r.hw())).estimate());
      assertEquals(r.hw(), HardwareConfigFile.read(dir.resolve(ProjectEmitter.HARDWARE_FILE)).hw());

      // over the cap: refused naming the resource, nothing written; forced: written, warned, and the report says so
      Path over = tmp.resolve("over_" + width);
      FlowException e = assertThrows(FlowException.class, () -> CompileFlow.options(null, b).graph(raw).calibration(calib)
          .config(overCap.point().hw()).output(over).run());
      assertTrue(e.getMessage().contains("LUT " + overCap.resources().lut() + " > " + lutCap), e.getMessage());
      assertFalse(Files.exists(over));
      List<String> warnings = new ArrayList<>();
      CompileFlow.Result forced = CompileFlow.options(null, b).graph(raw).calibration(calib).config(overCap.point().hw())
          .output(over).force(true).warnings(warnings::add).run();
      assertEquals(overCap.resources(), forced.fit().estimate());
      assertTrue(warnings.stream().anyMatch(w -> w.contains("does not fit") && w.contains("--force")), warnings.toString());
      JsonNode overReport = new ObjectMapper().readTree(over.resolve("report.json").toFile());
      assertFalse(overReport.at("/resources/fits").asBoolean());
      assertTrue(overReport.at("/forced").asBoolean());
      assertTrue(Files.readString(over.resolve("report.md")).contains("written because of --force"));
    }
  }

  @Test
  void theFlowsOwnSearchSizesTheEngineAsTheProjectIsSized() {
    Graph raw = inception();
    Board b = BoardCatalog.byName("ultra96");
    CompileFlow.Result r = CompileFlow.options(null, b).graph(raw).calibration(samples(raw, 4)).precision("8").run();
    assertNotNull(r.search());
    assertEquals(r.search().best().point().hw(), r.hw());
    assertEquals(r.search().best().resources(), r.fit().estimate());
    assertEquals(r.search().best().cycles(), r.timing().totalCycles());
    assertEquals(8, r.hw().actWidth());
    assertNull(r.project(), "nothing is written without an output folder");
  }

  @Test
  void aConfigurationKeepsItsPrecisionAndAContradictingPrecisionIsRefused() {
    Graph raw = inception();
    Board b = BoardCatalog.byName("ultra96");
    HardwareConfig eight = HardwareConfig.defaults(b, 8).withTiles(8, 8, 14, 14);
    CompileFlow.Result r = CompileFlow.options(null, b).graph(raw).config(eight).run();
    assertEquals(8, r.program().actWidth());
    assertEquals(8, r.quantized().formats().values().stream().mapToInt(f -> f.width()).max().orElseThrow());
    FlowException e = assertThrows(FlowException.class, () -> CompileFlow.options(null, b).graph(raw).config(eight).precision("16").run());
    assertTrue(e.getMessage().contains("8-bit") && e.getMessage().contains("16"), e.getMessage());
    FlowException other = assertThrows(FlowException.class,
        () -> CompileFlow.options(null, BoardCatalog.byName("zcu104")).graph(raw).config(eight).run());
    assertTrue(other.getMessage().contains("ultra96v2"), other.getMessage());
  }

  @Test
  void aProjectTheFlowWritesCSimulatesBitExact() {
    Graph raw = inception();
    Board b = BoardCatalog.byName("ultra96");
    Path dir = tmp.resolve("inception");
    CompileFlow.Result r = CompileFlow.options(null, b).graph(raw).calibration(samples(raw, 4))
        .config(HardwareConfig.defaults(b).withTiles(8, 8, 14, 14)).output(dir).run();
    ProjectSimulation.Outcome c = ProjectSimulation.csim(r.project().dir());
    assertTrue(c.bitExact(), String.join("\n", c.lines()));
    assertTrue(c.lastLine().contains("PASS: " + r.program().layers().size() + " layers"), c.lastLine());
  }
}
