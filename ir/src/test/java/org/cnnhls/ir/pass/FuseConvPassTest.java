package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;

import org.junit.jupiter.api.Test;

class FuseConvPassTest {
  private final Pass pass = new FuseConvPass();

  @Test
  void absorbsAnActivationThenAMaxPool() {
    // one activation at most: the Relu6 after the LeakyRelu stays
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          c1 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r1 = Relu(c1) : [1,4,8,8]
          m1 = MaxPool(r1) k=2x2 s=2x2 : [1,4,4,4]
          c2 = Conv(x, w, b) k=3x3 s=2x2 p=1,1,1,1 : [1,4,4,4]  # conv2
          m2 = MaxPool(c2) k=2x2 s=2x2 : [1,4,2,2]
          c3 = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r3 = Clip(c3) min=-1.0 max=1.0 : [1,4,8,8]
          c4 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r4 = LeakyRelu(c4) alpha=0.1 : [1,4,8,8]
          r5 = Relu6(r4) : [1,4,8,8]
          output m1
          output m2
          output r3
          output r5
        """, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          m1 = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 +Relu +MaxPool(k=2x2 s=2x2) : [1,4,4,4]  # c1
          m2 = FusedConv(x, w, b) k=3x3 s=2x2 p=1,1,1,1 +MaxPool(k=2x2 s=2x2) : [1,4,2,2]  # conv2
          r3 = FusedConv(x, w) k=3x3 s=1x1 p=1,1,1,1 +Clip(min=-1.0 max=1.0) : [1,4,8,8]  # c3
          r4 = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 +LeakyRelu(alpha=0.1) : [1,4,8,8]  # c4
          r5 = Relu6(r4) : [1,4,8,8]
          output m1
          output m2
          output r3
          output r5
        """);
  }

  @Test
  void fusesNothingThatAnotherReaderOrAnOutputNeeds() {
    // c1 has two readers; Sigmoid is not an engine activation; c3 and r4 are graph outputs
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          c1 = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r1 = Relu(c1) : [1,4,8,8]
          s1 = Sigmoid(c1) : [1,4,8,8]
          c2 = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          s2 = Sigmoid(c2) : [1,4,8,8]
          c3 = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r3 = Relu(c3) : [1,4,8,8]
          c4 = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r4 = Relu(c4) : [1,4,8,8]
          m4 = MaxPool(r4) k=2x2 s=2x2 : [1,4,4,4]
          output r1
          output s1
          output s2
          output c3
          output r3
          output r4
          output m4
        """, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          c1 = FusedConv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r1 = Relu(c1) : [1,4,8,8]
          s1 = Sigmoid(c1) : [1,4,8,8]
          c2 = FusedConv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          s2 = Sigmoid(c2) : [1,4,8,8]
          c3 = FusedConv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          r3 = Relu(c3) : [1,4,8,8]
          r4 = FusedConv(x, w) k=3x3 s=1x1 p=1,1,1,1 +Relu : [1,4,8,8]  # c4
          m4 = MaxPool(r4) k=2x2 s=2x2 : [1,4,4,4]
          output r1
          output s1
          output s2
          output c3
          output r3
          output r4
          output m4
        """);
  }
}
