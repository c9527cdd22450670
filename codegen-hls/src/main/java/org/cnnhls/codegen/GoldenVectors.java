package org.cnnhls.codegen;

import org.cnnhls.engine.LayerDescriptor;
import org.cnnhls.engine.EngineProgram;
import java.util.Map;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * The golden input/output pair of a generated project: the quantized input; for every engine layer
 * whose output exists in the golden model, the raw values the engine must produce; and every graph
 * output's raw values in the model's output order (what the host reads back at the end).
 */
public record GoldenVectors(int[] input, int[] perLayer, long checkedValues, int[] outputs) {

  public static GoldenVectors compute(QuantizedGraph q, EngineProgram p, float[] input) {
    String in = p.inputValue();
    int[] raw = q.quantizeInput(in, input);
    Map<String, int[]> all = new BitAccurateInterpreter(q).runAll(Map.of(in, raw));
    int total = 0;
    for (LayerDescriptor d : p.layers()) total += d.outSize();
    int[] golden = new int[total];
    int pos = 0;
    long checked = 0;
    for (int i = 0; i < p.layers().size(); i++) {
      int n = p.layers().get(i).outSize();
      String value = p.layerValues().get(i);
      if (value != null) {
        System.arraycopy(all.get(value), 0, golden, pos, n);
        checked += n;
      }
      pos += n;
    }
    int outTotal = 0;
    for (EngineProgram.Output o : p.outputs()) outTotal += o.size();
    int[] outputs = new int[outTotal];
    pos = 0;
    for (EngineProgram.Output o : p.outputs()) {
      int[] v = all.get(o.value());
      if (v == null || v.length != o.size()) {
        throw new IllegalStateException("the golden model has no " + o.size() + "-value output '" + o.value() + "'");
      }
      System.arraycopy(v, 0, outputs, pos, o.size());
      pos += o.size();
    }
    return new GoldenVectors(raw, golden, checked, outputs);
  }
}
