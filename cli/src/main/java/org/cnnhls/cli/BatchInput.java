package org.cnnhls.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.frontend.InputFileException;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ValueInfo;

/**
 * Binds .npy files to graph inputs and splits them into samples along the first axis. A file shaped
 * exactly like the input is one run ({@link #exact}: outputs keep the model's shapes); a file with
 * one more leading axis, [B, d0, d1, ...], is B runs; for an input [1, d1, ...] a file [B, d1, ...]
 * is B runs too.
 */
final class BatchInput {
  final int batch;
  /** Every file had exactly its input's shape: one run, whose outputs have the model's own shapes. */
  boolean exact = true;
  private final Map<String, float[]> data = new LinkedHashMap<>();
  private final Map<String, Integer> sampleSize = new LinkedHashMap<>();

  private BatchInput(int batch) {
    this.batch = batch;
  }

  /** @param specs "FILE" for a one-input model, or "NAME=FILE" per input */
  static BatchInput bind(Graph g, List<String> specs) {
    Map<String, Path> files = new LinkedHashMap<>();
    for (String spec : specs) {
      if (spec.isBlank() || spec.endsWith("=")) throw new UsageException("--input needs a file name, got '" + spec + "'");
      int eq = spec.indexOf('=');
      if (eq > 0 && g.inputs().stream().anyMatch(i -> i.name().equals(spec.substring(0, eq)))) {
        files.put(spec.substring(0, eq), Path.of(spec.substring(eq + 1)));
      } else if (g.inputs().size() == 1 && specs.size() == 1) {
        files.put(g.inputs().get(0).name(), Path.of(spec));
      } else {
        throw new UsageException("give one --input NAME=FILE per model input; inputs are "
            + g.inputs().stream().map(ValueInfo::name).toList());
      }
    }
    int batch = -1;
    List<String> missing = new ArrayList<>();
    Map<String, NpyFiles.Floats> arrays = new LinkedHashMap<>();
    for (ValueInfo in : g.inputs()) {
      Path f = files.get(in.name());
      if (f == null) {
        missing.add(in.name());
        continue;
      }
      NpyFiles.Floats a = NpyFiles.readFloats(f);
      int b = samples(in, a.shape(), f);
      if (batch >= 0 && b != batch) throw new InputFileException(f + " has " + b + " samples, other inputs have " + batch);
      batch = b;
      arrays.put(in.name(), a);
    }
    if (!missing.isEmpty()) throw new UsageException("no --input for model input(s) " + missing);
    BatchInput bi = new BatchInput(batch);
    for (ValueInfo in : g.inputs()) bi.exact &= arrays.get(in.name()).shape().equals(in.shape());
    for (ValueInfo in : g.inputs()) {
      bi.data.put(in.name(), arrays.get(in.name()).data());
      bi.sampleSize.put(in.name(), in.shape().size());
    }
    return bi;
  }

  private static int samples(ValueInfo in, Shape file, Path f) {
    Shape want = in.shape();
    if (file.equals(want)) return 1;
    // one more leading axis: [B, d0, d1, ...]
    boolean stacked = file.rank() == want.rank() + 1 && file.dim(0) >= 1;
    for (int i = 0; stacked && i < want.rank(); i++) stacked = file.dim(i + 1) == want.dim(i);
    if (stacked) return file.dim(0);
    // a batch-1 input fed along its own first axis: [B, d1, ...]
    boolean batched = want.rank() > 0 && want.dim(0) == 1 && file.rank() == want.rank() && file.dim(0) >= 1;
    for (int i = 1; batched && i < want.rank(); i++) batched = file.dim(i) == want.dim(i);
    if (!batched) {
      String per = want.rank() > 0 && want.dim(0) == 1 ? " or [B" + want.toString().substring(want.toString().indexOf(',')) : "";
      throw new InputFileException(f + " has shape " + file + "; model input '" + in.name() + "' needs " + want + per
          + " (or a leading batch axis)");
    }
    return file.dim(0);
  }

  /** Every sample of a file bound to the model's one input. */
  static List<Map<String, float[]>> allSamples(Graph g, Path file) {
    BatchInput b = bind(g, List.of(file.toString()));
    List<Map<String, float[]>> out = new ArrayList<>();
    for (int i = 0; i < b.batch; i++) out.add(b.sample(i));
    return out;
  }

  Map<String, float[]> sample(int i) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : data.entrySet()) {
      int n = sampleSize.get(e.getKey());
      float[] s = new float[n];
      System.arraycopy(e.getValue(), i * n, s, 0, n);
      out.put(e.getKey(), s);
    }
    return out;
  }
}
