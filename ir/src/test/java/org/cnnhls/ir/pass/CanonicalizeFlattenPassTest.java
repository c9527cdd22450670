package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class CanonicalizeFlattenPassTest {
  private final Pass pass = new CanonicalizeFlattenPass();

  @Test
  void reshapeToTwoDimsAndLayoutNoOpTransposeBecomeFlatten() {
    assertRewrites(pass, """
        graph g
          input  x: [1,8,2,2]
          input  t: [1,8,1,1]
          const  w: [10,32]
          const  w2: [10,8]
          r = Reshape(x) shape=[1,32] : [1,32]
          y = Gemm(r, w) transB : [1,10]
          tr = Transpose(t) perm=[0,2,3,1] : [1,1,1,8]
          f = Flatten(tr) : [1,8]
          z = Gemm(f, w2) transB : [1,10]
          output y
          output z
        """, """
        graph g
          input  x: [1,8,2,2]
          input  t: [1,8,1,1]
          const  w: [10,32]
          const  w2: [10,8]
          r = Flatten(x) : [1,32]
          y = Gemm(r, w) transB : [1,10]
          f = Flatten(t) : [1,8]
          z = Gemm(f, w2) transB : [1,10]
          output y
          output z
        """);
  }

  @Test
  void collapsesChainsAndDropsNoOpReshapes() {
    assertRewrites(pass, """
        graph g
          input  x: [1,8,2,2]
          const  w: [10,32]
          r1 = Reshape(x) shape=[1,8,4] : [1,8,4]
          r2 = Reshape(r1) shape=[1,32] : [1,32]
          r3 = Flatten(r2) : [1,32]
          y = Gemm(r3, w) transB : [1,10]
          a = Relu(x) : [1,8,2,2]
          b = Reshape(a) shape=[1,8,2,2] : [1,8,2,2]
          output y
          output b
        """, """
        graph g
          input  x: [1,8,2,2]
          const  w: [10,32]
          r3 = Flatten(x) : [1,32]
          y = Gemm(r3, w) transB : [1,10]
          b = Relu(x) : [1,8,2,2]  # a
          output y
          output b
        """);
  }

  @Test
  void aChainStartKeepsItsOtherReaders() {
    assertRewrites(pass, """
        graph g
          input  x: [1,8,2,2]
          r1 = Reshape(x) shape=[1,8,4] : [1,8,4]
          r2 = Reshape(r1) shape=[1,32] : [1,32]
          s = Softmax(r1) axis=-1 : [1,8,4]
          output r2
          output s
        """, """
        graph g
          input  x: [1,8,2,2]
          r1 = Reshape(x) shape=[1,8,4] : [1,8,4]
          r2 = Flatten(x) : [1,32]
          s = Softmax(r1) axis=-1 : [1,8,4]
          output r2
          output s
        """);
  }

  @Test
  void leavesRealLayoutChangesAlone() {
    // a no-op Reshape from an input to an output has nothing to be renamed onto
    assertUnchanged(pass, """
        graph g
          input  x: [1,8,2,2]
          a = Reshape(x) shape=[1,8,2,2] : [1,8,2,2]
          t = Transpose(x) perm=[0,2,3,1] : [1,2,2,8]
          r = Reshape(x) shape=[2,4,4] : [2,4,4]
          f = Flatten(x) axis=2 : [8,4]
          output a
          output t
          output r
          output f
        """);
  }
}
