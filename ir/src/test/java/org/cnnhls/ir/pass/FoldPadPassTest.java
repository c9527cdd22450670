package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class FoldPadPassTest {
  private final Pass pass = new FoldPadPass();

  @Test
  void foldsIntoConvMaxPoolAndAveragePool() {
    assertRewrites(pass, """
        graph g
          input  x: [1,2,6,6]
          const  w: [4,2,3,3]
          p1 = Pad(x) pads=[0,0,1,2,0,0,3,4] mode=constant : [1,2,10,12]
          c = Conv(p1, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,10,12]
          p2 = Pad(c) pads=[0,0,1,1,0,0,1,1] mode=constant value=-Infinity : [1,4,12,14]
          m = MaxPool(p2) k=3x3 s=2x2 : [1,4,5,6]
          p3 = Pad(m) pads=[0,0,1,1,0,0,0,0] mode=constant : [1,4,6,7]
          a = AveragePool(p3) k=2x2 s=1x1 : [1,4,5,6]
          output a
        """, """
        graph g
          input  x: [1,2,6,6]
          const  w: [4,2,3,3]
          c = Conv(x, w) k=3x3 s=1x1 p=2,3,4,5 : [1,4,10,12]
          m = MaxPool(c) k=3x3 s=2x2 p=1,1,1,1 : [1,4,5,6]
          a = AveragePool(m) k=2x2 s=1x1 p=1,1,0,0 count_include_pad : [1,4,5,6]
          output a
        """);
  }

  @Test
  void foldsIntoAFusedConvAndAPoolThatCountsItsPads() {
    assertRewrites(pass, """
        graph g
          input  x: [1,2,6,6]
          const  w: [4,2,3,3]
          const  b: [4]
          p1 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=constant : [1,2,8,8]
          c = FusedConv(p1, w, b) k=3x3 s=1x1 +Relu : [1,4,6,6]
          p2 = Pad(c) pads=[0,0,0,1,0,0,0,1] mode=constant : [1,4,6,8]
          a = AveragePool(p2) k=3x3 s=1x1 p=1,1,1,1 count_include_pad : [1,4,6,8]
          output a
        """, """
        graph g
          input  x: [1,2,6,6]
          const  w: [4,2,3,3]
          const  b: [4]
          c = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 +Relu : [1,4,6,6]
          a = AveragePool(c) k=3x3 s=1x1 p=1,2,1,2 count_include_pad : [1,4,6,8]
          output a
        """);
  }

  @Test
  void leavesPadsThatDoNotFold() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,2,6,6]
          const  w: [4,2,3,3]
          p1 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=constant value=1.0 : [1,2,8,8]
          c1 = Conv(p1, w) k=3x3 s=1x1 : [1,4,6,6]
          p2 = Pad(x) pads=[0,1,1,1,0,0,1,1] mode=constant : [1,3,8,8]
          m2 = MaxPool(p2) k=2x2 s=2x2 : [1,3,4,4]
          p3 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=reflect : [1,2,8,8]
          c3 = Conv(p3, w) k=3x3 s=1x1 : [1,4,6,6]
          p4 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=constant : [1,2,8,8]
          m4 = MaxPool(p4) k=2x2 s=2x2 : [1,2,4,4]
          p5 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=constant : [1,2,8,8]
          a5 = AveragePool(p5) k=3x3 s=1x1 p=1,1,1,1 : [1,2,8,8]
          p6 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=constant value=-Infinity : [1,2,8,8]
          m6 = MaxPool(p6) k=3x3 s=2x2 ceil : [1,2,4,4]
          p7 = Pad(x) pads=[0,0,1,1,0,0,1,1] mode=constant : [1,2,8,8]
          c7 = Conv(p7, w) k=3x3 s=1x1 : [1,4,6,6]
          r7 = Relu(p7) : [1,2,8,8]
          p8 = Pad(x) pads=[0,0,1,1,0,0,-1,1] mode=constant : [1,2,6,8]
          c8 = Conv(p8, w) k=3x3 s=1x1 : [1,4,4,6]
          output c1
          output m2
          output c3
          output m4
          output a5
          output m6
          output c7
          output r7
          output c8
        """);
    // in order: pad value 1 into a Conv; a channel pad; reflect mode; zero pad into MaxPool; into an
    // AveragePool with own pads that it does not count; ceil mode; a second reader; a crop
  }
}
