package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class RecognizeRelu6PassTest {
  private final Pass pass = new RecognizeRelu6Pass();

  @Test
  void namesTheClipsTheEnginesKnow() {
    assertRewrites(pass, """
        graph g
          input  x: [1,8]
          a = Clip(x) min=0.0 max=6.0 : [1,8]
          b = Clip(a) min=0.0 max=Infinity : [1,8]
          output b
        """, """
        graph g
          input  x: [1,8]
          a = Relu6(x) : [1,8]
          b = Relu(a) : [1,8]
          output b
        """);
  }

  @Test
  void leavesOtherClipsAlone() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,8]
          a = Clip(x) min=-1.0 max=6.0 : [1,8]
          b = Clip(a) min=0.0 max=5.0 : [1,8]
          c = Clip(b) min=-Infinity max=Infinity : [1,8]
          output c
        """);
  }
}
