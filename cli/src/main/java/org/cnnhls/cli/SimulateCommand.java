package org.cnnhls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.Lowering;
import org.cnnhls.flow.CompileFlow;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.engine.LayerTiming;
import org.cnnhls.sim.RooflineSvg;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Cycle-approximate timing of the overlay engine for a model on a board; with --input, the bit-accurate "
        + "values alongside.")
final class SimulateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Mixin HardwareOptions hardware;

  @Mixin FixedPointOptions fixed;

  @Option(names = "--input", paramLabel = "X.npy", description = "also run the bit-accurate model on the first sample")
  Path input;

  @Option(names = "--config", paramLabel = "FILE.json", description = "hardware configuration from `cnnhls dse --emit-config`")
  Path config;

  @Option(names = "--json", paramLabel = "FILE", description = "write the timing as JSON")
  Path json;

  @Option(names = "--svg", paramLabel = "FILE", description = "write a roofline chart as SVG")
  Path svg;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (json != null) OutputFiles.checkFile(json, "--json", model, input, config, fixed.calibration);
    if (svg != null) OutputFiles.checkFile(svg, "--svg", model, input, config, fixed.calibration, json);
    Graph g = Pipelines.standard(fixed.prepare(ModelLoader.load(model)));
    HardwareConfig hw = config != null ? hardware.fromFile(config) : hardware.config(fixed.storageWidth());
    int width = hw.precision();
    // a configuration file fixes the precision, as for compile
    if (config != null) fixed.precision = CompileFlow.preset(hw, fixed.precision);
    Map<String, float[]> sample = input == null ? null : BatchInput.bind(g, List.of(input.toString())).sample(0);
    // quantized as compile quantizes it (calibration, else the analytic range), so the engine is sized
    // with the model's own accumulator widths and the fit verdict is compile's
    List<Map<String, float[]>> calib = fixed.calibration != null ? fixed.calibrationSamples(g)
        : sample != null ? List.of(sample) : List.of();
    QuantizedGraph q = fixed.quantize(g, calib, spec.commandLine().getErr());
    EngineProgram p = sample != null ? Lowering.lower(q, hw) : Lowering.forTiming(q, hw);
    SimResult r = Simulator.simulate(p, hw);
    Fit fit = Fit.of(hw, p);
    out.printf("%s on %s: %dx%d MAC array, %dx%d tiles, %d-bit AXI, %.0f MHz, %d-bit%n", g.name(), hw.board().name(), hw.tm(),
        hw.tn(), hw.tr(), hw.tc(), hw.axiDataWidth(), hw.clockMHz(), width);
    out.print(r.toText());
    var e = fit.estimate();
    out.printf("resources (modeled): DSP %d, BRAM18 %d, LUT %d, FF %d: %s%n", e.dsp(),
        e.bram18(), e.lut(), e.ff(), fit.fits() ? "fits " + hw.board().name() : "does not fit " + hw.board().name() + ": " + fit.overflow());
    if (sample != null) {
      long t0 = System.nanoTime();
      Map<String, float[]> values = new BitAccurateInterpreter(q).runFloat(sample);
      double secs = (System.nanoTime() - t0) / 1e9;
      // every graph output, in the model's order (the map is keyed by the graph's outputs)
      for (String name : q.graph().outputs()) {
        float[] y = values.get(name);
        int best = 0;
        for (int i = 1; i < y.length; i++) if (y[i] > y[best]) best = i;
        out.printf("bit-accurate output %s %s: %d values, argmax %d (%.3f s)%n", name, q.graph().shape(name), y.length, best, secs);
      }
    }
    if (json != null) writeAtomically(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(toJson(r, p, q)));
    if (svg != null) writeAtomically(svg, RooflineSvg.render(r, g.name() + " on " + hw.board().name()));
    out.flush();
    return ExitCodes.OK;
  }

  static Map<String, Object> toJson(SimResult r, EngineProgram p, QuantizedGraph q) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("hardware", HardwareConfigFile.toMap(r.hw()));
    // the graph outputs in the model's order, where the engine leaves each (as report.json lists them)
    List<Map<String, Object>> outputs = new ArrayList<>();
    for (EngineProgram.Output o : p.outputs()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", o.value());
      m.put("shape", q.graph().shape(o.value()).toString());
      m.put("format", q.format(o.value()).toString());
      m.put("fmapOffset", o.off());
      m.put("size", o.size());
      outputs.add(m);
    }
    doc.put("outputs", outputs);
    doc.put("totalCycles", r.totalCycles());
    doc.put("latencySeconds", r.latencySeconds());
    doc.put("gops", r.gops());
    doc.put("efficiency", r.efficiency());
    List<Map<String, Object>> layers = new ArrayList<>();
    for (LayerTiming l : r.layers()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("node", l.node());
      m.put("op", l.op());
      m.put("macs", l.macs());
      m.put("cycles", l.cycles());
      m.put("computeCycles", l.computeCycles());
      m.put("memoryCycles", l.memoryCycles());
      m.put("stallCycles", l.stallCycles());
      m.put("ddrBytes", l.ddrBytes());
      m.put("efficiency", r.layerEfficiency(l));
      m.put("bound", l.computeBound() ? "compute" : "memory");
      layers.add(m);
    }
    doc.put("layers", layers);
    return doc;
  }

  /** See {@link OutputFiles#writeAtomically}. */
  static void writeAtomically(Path file, String text) {
    OutputFiles.writeAtomically(file, text);
  }
}
