package org.cnnhls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.quant.QuantReport;
import org.cnnhls.ir.quant.QuantizedGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = "Quantize a model to fixed point and report per layer: formats, ranges, saturations, SQNR against float.")
final class QuantizeCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Mixin FixedPointOptions fixed;

  @Option(names = "--input", paramLabel = "X.npy",
      description = "samples to measure SQNR and top-1 agreement on (default: the calibration set)")
  Path input;

  @Option(names = "--json", paramLabel = "REPORT.json", description = "also write the report as JSON")
  Path json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (json != null) OutputFiles.checkFile(json, "--json", model, input, fixed.calibration, fixed.quantConfig);
    Graph g = Pipelines.standard(fixed.prepare(ModelLoader.load(model)));
    List<Map<String, float[]>> calib = fixed.calibrationSamples(g);
    List<Map<String, float[]>> eval = input == null ? calib : BatchInput.allSamples(g, input);
    QuantizedGraph q = fixed.quantize(g, calib, spec.commandLine().getErr());
    QuantReport report;
    try (Progress p = new Progress("measuring " + g.name())) {
      report = QuantReport.build(q, eval);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(report.toText());
    if (json != null) {
      SimulateCommand.writeAtomically(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      out.println("wrote " + json);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
