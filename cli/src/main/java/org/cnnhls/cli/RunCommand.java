package org.cnnhls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.interp.FloatInterpreter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the float reference interpreter over a batch of inputs (first axis of the .npy file).")
final class RunCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = "--input", required = true, paramLabel = "[NAME=]X.npy",
      description = "input data, float32, shape [B, ...]; NAME= selects the input of a multi-input model")
  List<String> inputs;

  @Option(names = "--output", paramLabel = "Y.npy",
      description = "write the first output, stacked over the batch, as float32 .npy; further outputs go to Y.<name>.npy")
  Path output;

  @Option(names = "--fixed", description = "run the bit-accurate fixed-point interpreter (the golden model) instead of float")
  boolean fixedPoint;

  @Option(names = "--raw", description = "with --fixed: write the raw output integers (int32 .npy) instead of dequantized values")
  boolean raw;

  @picocli.CommandLine.Mixin FixedPointOptions fixed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (raw && !fixedPoint) throw new UsageException("--raw needs --fixed");
    Graph g = fixed.prepare(ModelLoader.load(model));
    if (fixedPoint) g = Pipelines.standard(g);
    BatchInput batch = BatchInput.bind(g, inputs);
    java.util.function.Function<Map<String, float[]>, Map<String, float[]>> interp;
    org.cnnhls.ir.quant.QuantizedGraph q = null;
    if (fixedPoint) {
      q = fixed.quantize(g, fixed.calibrationSamples(g), spec.commandLine().getErr());
      org.cnnhls.ir.quant.BitAccurateInterpreter bit = new org.cnnhls.ir.quant.BitAccurateInterpreter(q);
      org.cnnhls.ir.quant.QuantizedGraph qg = q;
      interp = raw ? sample -> rawAsFloat(qg, bit, sample) : bit::runFloat;
    } else {
      interp = new FloatInterpreter(g)::run;
    }
    List<float[]> stacked = new ArrayList<>();
    for (String o : g.outputs()) stacked.add(new float[batch.batch * g.shape(o).size()]);
    try (Progress p = new Progress("running " + g.name())) {
      for (int i = 0; i < batch.batch; i++) {
        Map<String, float[]> out = interp.apply(batch.sample(i));
        int k = 0;
        for (float[] v : out.values()) {
          System.arraycopy(v, 0, stacked.get(k), i * v.length, v.length);
          k++;
        }
        p.update(i + 1, batch.batch);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    for (int k = 0; k < g.outputs().size(); k++) {
      String name = g.outputs().get(k);
      // one run on inputs of the model's exact shapes: the model's output shapes, no added axis
      Shape shape = batch.exact ? g.shape(name) : stackedShape(g.shape(name), batch.batch);
      if (output != null) {
        Path file = k == 0 ? output : sibling(output, name);
        if (raw) NpyFiles.writeInts(file, shape, toInts(stacked.get(k)));
        else NpyFiles.writeFloats(file, shape, stacked.get(k));
        out.println("wrote " + file + " " + shape);
      } else {
        printSummary(out, name, g.shape(name), stacked.get(k), batch.batch);
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** Raw integers carried through float (exact: every raw value is below 2^24 in magnitude for W <= 24). */
  private static Map<String, float[]> rawAsFloat(org.cnnhls.ir.quant.QuantizedGraph q,
      org.cnnhls.ir.quant.BitAccurateInterpreter bit, Map<String, float[]> sample) {
    Map<String, int[]> in = new java.util.HashMap<>();
    sample.forEach((k, v) -> in.put(k, q.quantizeInput(k, v)));
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    bit.run(in).forEach((k, v) -> {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) f[i] = v[i];
      out.put(k, f);
    });
    return out;
  }

  private static int[] toInts(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
    return out;
  }

  /** [B, d1, ...] when the graph output has batch 1, else [B, d0, d1, ...]. */
  static Shape stackedShape(Shape one, int batch) {
    int[] d = one.dims();
    if (d.length > 0 && d[0] == 1) {
      d[0] = batch;
      return new Shape(d);
    }
    int[] out = new int[d.length + 1];
    out[0] = batch;
    System.arraycopy(d, 0, out, 1, d.length);
    return new Shape(out);
  }

  private static Path sibling(Path output, String name) {
    String file = output.getFileName().toString();
    String stem = file.endsWith(".npy") ? file.substring(0, file.length() - 4) : file;
    String safe = name.replaceAll("[^A-Za-z0-9_.-]", "_");
    return output.resolveSibling(stem + "." + safe + ".npy");
  }

  private static void printSummary(PrintWriter out, String name, Shape shape, float[] data, int batch) {
    int n = shape.size();
    out.println("output " + name + " " + shape + " x " + batch + " samples");
    for (int i = 0; i < Math.min(batch, 20); i++) {
      int best = 0;
      StringBuilder vals = new StringBuilder();
      for (int j = 0; j < n; j++) {
        if (data[i * n + j] > data[i * n + best]) best = j;
        if (j < 8) vals.append(String.format(" %.5g", data[i * n + j]));
      }
      out.printf("  sample %d: argmax %d  values%s%s%n", i, best, vals, n > 8 ? " ..." : "");
    }
    if (batch > 20) out.println("  ... (" + (batch - 20) + " more; use --output to save all)");
  }
}
