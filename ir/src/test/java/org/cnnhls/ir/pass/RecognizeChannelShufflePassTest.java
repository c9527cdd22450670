package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class RecognizeChannelShufflePassTest {
  private final Pass pass = new RecognizeChannelShufflePass();

  @Test
  void reshapeTransposeReshapeIsAShuffle() {
    assertRewrites(pass, """
        graph g
          input  x: [1,12,3,3]
          a = Reshape(x) shape=[1,3,4,3,3]
          t = Transpose(a) perm=[0,2,1,3,4]
          y = Reshape(t) shape=[1,12,3,3]
          output y
        """, """
        graph g
          input  x: [1,12,3,3]
          y = ChannelShuffle(x) groups=3 : [1,12,3,3]
          output y
        """);
  }

  @Test
  void leavesOtherPermutationsAndSharedValues() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,12,3,3]
          a = Reshape(x) shape=[1,3,4,3,3]
          t = Transpose(a) perm=[0,1,2,4,3]
          y = Reshape(t) shape=[1,12,3,3]
          output y
        """);
    assertUnchanged(pass, """
        graph g
          input  x: [1,12,3,3]
          a = Reshape(x) shape=[1,3,4,3,3]
          t = Transpose(a) perm=[0,2,1,3,4]
          y = Reshape(t) shape=[1,12,3,3]
          z = Reshape(t) shape=[1,4,27]
          output y
          output z
        """);
  }
}
