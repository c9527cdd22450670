package org.cnnhls.codegen;

import org.cnnhls.engine.LayerDescriptor;
import org.cnnhls.engine.EngineProgram;
import java.util.Map;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * The golden input/output pair of a generated project: the quantized input and, for every engine
 * layer whose output exists in the golden model, the raw values the engine must produce.
 */
public record GoldenVectors(int[] input, int[] perLayer, long checkedValues) {

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
    return new GoldenVectors(raw, golden, checked);
  }
}
