package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class LowerConvTransposePassTest {
  private final Pass pass = new LowerConvTransposePass();

  @Test
  void stride2Kernel2BecomesSpreadAndConv() {
    assertRewrites(pass, """
        graph g
          input  x: [1,4,5,5]
          const  w: [4,3,2,2]
          const  b: [3]
          y = ConvTranspose(x, w, b) k=2x2 s=2x2 : [1,3,10,10]
          output y
        """, """
        graph g
          input  x: [1,4,5,5]
          const  b: [3]
          const  w_flipped: [3,4,2,2]
          y_spread = Spread(x) s=2x2 p=1,1,1,1 : [1,4,11,11]
          y = Conv(y_spread, w_flipped, b) k=2x2 s=1x1 : [1,3,10,10]
          output y
        """);
  }

  @Test
  void padsOutputPaddingDilationAndGroups() {
    // k 3, dilation 2: each side 2*(3-1) - pad; output_padding 1 on the far side only
    assertRewrites(pass, """
        graph g
          input  x: [1,4,3,4]
          const  w: [4,3,3,3]
          y = ConvTranspose(x, w) k=3x3 s=2x3 p=1,0,2,1 d=2x2 op=1x2 group=2 : [1,6,7,15]
          output y
        """, """
        graph g
          input  x: [1,4,3,4]
          const  w_flipped: [6,2,3,3]
          y_spread = Spread(x) s=2x3 p=3,4,3,5 : [1,4,11,19]
          y = Conv(y_spread, w_flipped) k=3x3 s=1x1 d=2x2 group=2 : [1,6,7,15]
          output y
        """);
  }

  @Test
  void padsBeyondTheKernelCrop() {
    assertRewrites(pass, """
        graph g
          input  x: [1,2,4,4]
          const  w: [2,2,2,2]
          y = ConvTranspose(x, w) k=2x2 s=2x2 p=2,2,2,2 : [1,2,4,4]
          output y
        """, """
        graph g
          input  x: [1,2,4,4]
          const  w_flipped: [2,2,2,2]
          y_spread = Spread(x) s=2x2 p=-1,-1,-1,-1 : [1,2,5,5]
          y = Conv(y_spread, w_flipped) k=2x2 s=1x1 : [1,2,4,4]
          output y
        """);
  }

  @Test
  void leavesRunTimeWeights() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,2,4,4]
          input  w: [2,2,2,2]
          y = ConvTranspose(x, w) k=2x2 s=2x2 : [1,2,8,8]
          output y
        """);
  }
}
