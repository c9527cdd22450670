package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class FoldBiasAddPassTest {
  private final Pass pass = new FoldBiasAddPass();

  @Test
  void foldsPerChannelConstantsIntoConvAndGemmBiases() {
    // [1,C,1,1] after a Conv; [C] (either side of the Add) after a Gemm with beta = 2; a scalar
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          input  v: [2,16]
          const  w: [4,3,3,3]
          const  d: [1,4,1,1]
          const  fc.w: [16,8]
          const  fc.b: [8]
          const  e: [8]
          const  fc2.w: [8,16]
          const  f: [1]
          c = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]  # conv1
          y = Add(c, d) : [1,4,8,8]
          g1 = Gemm(v, fc.w, fc.b) beta=2.0 : [2,8]
          z = Add(e, g1) : [2,8]
          g2 = Gemm(v, fc2.w) transB : [2,8]
          u = Add(g2, f) : [2,8]
          output y
          output z
          output u
        """, """
        graph g
          input  x: [1,3,8,8]
          input  v: [2,16]
          const  w: [4,3,3,3]
          const  fc.w: [16,8]
          const  fc.b: [8]
          const  fc2.w: [8,16]
          const  conv1.bias: [4]
          const  g2.bias: [8]
          y = Conv(x, w, conv1.bias) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]  # conv1
          z = Gemm(v, fc.w, fc.b) beta=2.0 : [2,8]  # g1
          u = Gemm(v, fc2.w, g2.bias) transB : [2,8]  # g2
          output y
          output z
          output u
        """);
  }

  @Test
  void replacesACIgnoredByBetaZero() {
    assertRewrites(pass, """
        graph g
          input  x: [2,16]
          input  c: [2,8]
          const  w: [16,8]
          const  d: [8]
          a = Gemm(x, w, c) beta=0.0 : [2,8]
          y = Add(a, d) : [2,8]
          output y
        """, """
        graph g
          input  x: [2,16]
          input  c: [2,8]
          const  w: [16,8]
          const  a.bias: [8]
          y = Gemm(x, w, a.bias) : [2,8]  # a
          output y
        """);
  }

  @Test
  void leavesAddsThatAreNotABias() {
    // in order: a [8] constant broadcasts along W, not C; the conv output has another reader; a
    // fused Relu comes before the Add; the other operand is computed; a full-size constant
    assertUnchanged(pass, """
        graph g
          input  x: [1,3,8,8]
          input  q: [1,4,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          const  d8: [8]
          const  dc: [1,4,1,1]
          const  full: [1,4,8,8]
          c1 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          y1 = Add(c1, d8) : [1,4,8,8]
          c2 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          y2 = Add(c2, dc) : [1,4,8,8]
          r2 = Relu(c2) : [1,4,8,8]
          c3 = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 +Relu : [1,4,8,8]
          y3 = Add(c3, dc) : [1,4,8,8]
          c4 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          y4 = Add(c4, q) : [1,4,8,8]
          c5 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          y5 = Add(c5, full) : [1,4,8,8]
          output y1
          output y2
          output r2
          output y3
          output y4
          output y5
        """);
  }
}
