package org.cnnhls.ir.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.cnnhls.ir.ValueInfo;
import org.cnnhls.ir.Verifier;
import org.cnnhls.ir.interp.FloatInterpreter;

/**
 * Before/after checks for passes (TVM-style): parse the "before" IR, run the pass, compare the
 * dump with the expected text, and check that the graph still verifies, computes the same outputs
 * on random inputs, and that running the pass again changes nothing.
 */
final class PassAssert {
  private PassAssert() {}

  static Graph assertRewrites(Pass pass, String before, String expected) {
    Graph g = IrParser.parse(before, 1);
    Graph after = pass.apply(g);
    Verifier.verify(after);
    assertEquals(expected, after.dump(), pass.name() + " output");
    assertSameOutputs(g, after);
    assertSame(after, pass.apply(after), pass.name() + " must be idempotent");
    return after;
  }

  /** The pass leaves the graph alone and says so by returning the same instance. */
  static void assertUnchanged(Pass pass, String before) {
    Graph g = IrParser.parse(before, 1);
    Graph after = pass.apply(g);
    assertSame(g, after, () -> pass.name() + " changed a graph it should not touch:\n" + after.dump());
  }

  /** Same float outputs on seeded random inputs, within 1e-5 of the output's range. */
  static void assertSameOutputs(Graph a, Graph b) {
    Random random = new Random(11);
    for (int sample = 0; sample < 2; sample++) {
      Map<String, float[]> in = new HashMap<>();
      for (ValueInfo v : a.inputs()) {
        float[] x = new float[v.shape().size()];
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        in.put(v.name(), x);
      }
      Map<String, float[]> ya = new FloatInterpreter(a).run(in), yb = new FloatInterpreter(b).run(in);
      for (String out : a.outputs()) {
        float[] p = ya.get(out), q = yb.get(out);
        assertEquals(p.length, q.length, out);
        double range = 1;
        for (float v : p) range = Math.max(range, Math.abs(v));
        for (int i = 0; i < p.length; i++) {
          double diff = Math.abs(p[i] - q[i]);
          boolean same = diff <= 1e-5 * range || Float.compare(p[i], q[i]) == 0; // infinities
          assertTrue(same, out + "[" + i + "]: " + p[i] + " before, " + q[i] + " after");
        }
      }
    }
  }
}
