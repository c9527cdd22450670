package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class FuseGemmPassTest {
  private final Pass pass = new FuseGemmPass();

  @Test
  void fusesEngineGemmsAndTheirActivation() {
    assertRewrites(pass, """
        graph g
          input  x: [1,16]
          const  w1: [8,16]
          const  b1: [8]
          const  w2: [8,4]
          const  b2: [1,4]
          const  w3: [4,3]
          h = Gemm(x, w1, b1) transB : [1,8]  # fc1
          r = Relu(h) : [1,8]
          g2 = Gemm(r, w2, b2) : [1,4]
          c = Clip(g2) min=0.0 max=6.0 : [1,4]
          y = Gemm(c, w3) beta=0.0 : [1,3]
          output y
        """, """
        graph g
          input  x: [1,16]
          const  w1: [8,16]
          const  b1: [8]
          const  w2: [8,4]
          const  b2: [1,4]
          const  w3: [4,3]
          r = FusedGemm(x, w1, b1) transB +Relu : [1,8]  # fc1
          c = FusedGemm(r, w2, b2) +Clip(min=0.0 max=6.0) : [1,4]  # g2
          y = FusedGemm(c, w3) : [1,3]
          output y
        """);
  }

  @Test
  void leavesGemmsTheEngineCannotRun() {
    // alpha != 1; beta != 1 with a C; transposed A; computed B; a scalar or full-size C
    assertUnchanged(pass, """
        graph g
          input  x: [2,16]
          input  xt: [16,2]
          input  b: [16,8]
          const  w: [8,16]
          const  c: [8]
          const  s: [1]
          const  full: [2,8]
          y1 = Gemm(x, w, c) alpha=0.5 transB : [2,8]
          y2 = Gemm(x, w, c) beta=2.0 transB : [2,8]
          y3 = Gemm(xt, w, c) transA transB : [2,8]
          y4 = Gemm(x, b, c) : [2,8]
          y5 = Gemm(x, w, s) transB : [2,8]
          y6 = Gemm(x, w, full) transB : [2,8]
          output y1
          output y2
          output y3
          output y4
          output y5
          output y6
        """);
  }
}
