package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.junit.jupiter.api.Test;

class FoldConstantsPassTest {
  private final Pass pass = new FoldConstantsPass();

  @Test
  void foldsAChainOfConstantNodesAndDropsTheirInputs() {
    assertRewrites(pass, """
        graph g
          input  x: [1,4]
          const  w: [4,3]
          const  s: [1]
          wt = Transpose(w) perm=[1,0] : [3,4]
          ws = Mul(wt, s) : [3,4]
          y = Gemm(x, ws) transB : [1,3]
          output y
        """, """
        graph g
          input  x: [1,4]
          const  ws: [3,4]
          y = Gemm(x, ws) transB : [1,3]
          output y
        """);
  }

  @Test
  void foldedValuesAreComputed() {
    Graph g = IrParser.parse("""
        graph g
          input  x: [2]
          const  a: [2]
          const  b: [2]
          c = Add(a, b) : [2]
          y = Mul(x, c) : [2]
          output y
        """, 5);
    Graph folded = pass.apply(g);
    float[] a = g.constants().get("a").toFloatArray(), b = g.constants().get("b").toFloatArray();
    float[] c = folded.constants().get("c").toFloatArray();
    for (int i = 0; i < 2; i++) assertEquals(a[i] + b[i], c[i]);
  }

  @Test
  void aConstantOutputStaysAnOutput() {
    assertRewrites(pass, """
        graph g
          input  x: [2]
          const  a: [2]
          y = Relu(x) : [2]
          z = Relu(a) : [2]
          output y
          output z
        """, """
        graph g
          input  x: [2]
          const  z: [2]
          y = Relu(x) : [2]
          output y
          output z
        """);
  }

  @Test
  void leavesComputedValuesAlone() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,4]
          const  w: [3,4]
          y = Gemm(x, w) transB : [1,3]
          output y
        """);
  }
}
