package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.Simulator;
import org.cnnhls.frontend.ReferenceModels;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The emitted SystemC model, built against libsystemc-dev and run on the golden input: its values
 * must be bit-exact and every layer's cycle count must agree with the Java simulator's for the same
 * program (the two are independent implementations of the engine's schedule): equal for layers
 * other than conv, and within {@link #CONV_TOLERANCE} for conv layers, which SystemC walks step by
 * step with exact burst addresses and sim/ class by class with burst alignment averaged.
 */
class SystemCCrossCheckTest {
  @TempDir Path tmp;

  static final double CONV_TOLERANCE = 0.02;

  /** The structural ops (issue 14): SPREAD, channel-split aliases, the shuffle's COPY layers. */
  @ParameterizedTest(name = "{0} {1}-bit on {2}")
  @CsvSource({"unet_block, 16, ultra96", "unet_block, 8, pynq-z2", "shufflenetv2_unit, 8, zcu104"})
  void structuralOpsInSystemC(String model, String precision, String board) throws IOException, InterruptedException {
    systemcIsBitExactAndAgreesWithTheSimulatorPerLayer(model, precision, board, false);
  }

  @ParameterizedTest(name = "{0} {1}-bit on {2}, winograd {3}")
  @CsvSource({
    "lenet5, 16, ultra96, false", "digits, 16, ultra96, false", "resnet_block, 16, ultra96, false",
    "mobilenetv2_block, 16, ultra96, false", "resnet_block, 8, pynq-z2, false", "mobilenetv2_block, 8, zcu104, false",
    "digits, 16, ultra96, true", "resnet_block, 8, zcu104, true", "mobilenetv2_block, 16, ultra96, true",
    "se_block, 16, ultra96, false", "se_block, 8, zcu104, false", "resize_block, 16, ultra96, false",
    "resize_block, 8, pynq-z2, false",
    "activation_block, 16, ultra96, false", "activation_block, 8, zcu104, false",
    "yolo_tiny_block, 16, ultra96, false", "yolo_tiny_block, 8, pynq-z2, false"
  })
  void systemcIsBitExactAndAgreesWithTheSimulatorPerLayer(String model, String precision, String board, boolean winograd)
      throws IOException, InterruptedException {
    Graph g = model(model);
    List<Map<String, float[]>> samples = samples(g, model, 9);
    QuantizedGraph q = Quantizer.quantize(g, QuantOptions.preset(precision), ValueRanges.calibrate(g, samples.subList(0, 8), 100));
    HardwareConfig hw = Projects.config(BoardCatalog.byName(board), precision).withWinograd(winograd);
    ProjectEmitter.Result r = Projects.emit(tmp.resolve(model), model, q, hw, samples.get(8).get(g.inputs().get(0).name()));
    String out = run(r.dir().resolve("systemc"));
    assertTrue(out.contains("PASS: " + r.program().layers().size() + " layers"), out);
    SimResult sim = Simulator.simulate(r.program(), hw);
    Matcher m = Pattern.compile("SYSTEMC layer (\\d+) cycles=(\\d+)").matcher(out);
    int layers = 0;
    StringBuilder diff = new StringBuilder();
    while (m.find()) {
      int i = Integer.parseInt(m.group(1));
      assertEquals(layers++, i, out);
      long systemc = Long.parseLong(m.group(2)), java = sim.layers().get(i).cycles();
      boolean conv = r.program().layers().get(i).opName().equals("CONV");
      if (conv ? Math.abs(systemc - java) > CONV_TOLERANCE * systemc : systemc != java) {
        diff.append(String.format("  layer %d %s (%s): SystemC %d, sim %d%n", i, r.program().layerNodes().get(i),
            r.program().layers().get(i).opName(), systemc, java));
      }
    }
    assertEquals(r.program().layers().size(), layers, out);
    Matcher total = Pattern.compile("SYSTEMC cycles=(\\d+)").matcher(out);
    assertTrue(total.find(), out);
    System.out.printf("SystemC vs sim/ %s %s-bit %s winograd %s: %s vs %d cycles%n", model, precision, board, winograd,
        total.group(1), sim.totalCycles());
    assertTrue(diff.isEmpty(), "per-layer cycles differ:\n" + diff);
    long sc = Long.parseLong(total.group(1));
    assertTrue(Math.abs(sc - sim.totalCycles()) <= CONV_TOLERANCE * sc, "total cycles: SystemC " + sc + ", sim " + sim.totalCycles());
  }

  static String run(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("make", "--no-print-directory", "-C", dir.toString(), "run").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "SystemC build or run failed:\n" + out);
    return out;
  }

  static Graph model(String name) {
    return ReferenceModels.pipelined(name);
  }

  static List<Map<String, float[]>> samples(Graph g, String name, int count) {
    return ReferenceModels.samples(g, name, count);
  }
}
