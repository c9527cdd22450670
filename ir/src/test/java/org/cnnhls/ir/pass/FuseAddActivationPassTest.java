package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class FuseAddActivationPassTest {
  private final Pass pass = new FuseAddActivationPass();

  @Test
  void fusesResidualJoinsAndTheirActivation() {
    assertRewrites(pass, """
        graph g
          input  a: [1,4,8,8]
          input  b: [1,4,8,8]
          s = Add(a, b) : [1,4,8,8]  # join1
          r = Relu(s) : [1,4,8,8]
          t = Add(r, a) : [1,4,8,8]
          u = LeakyRelu(t) alpha=0.2 : [1,4,8,8]
          v = Add(u, b) : [1,4,8,8]
          w = Sigmoid(v) : [1,4,8,8]
          output w
        """, """
        graph g
          input  a: [1,4,8,8]
          input  b: [1,4,8,8]
          r = FusedAdd(a, b) +Relu : [1,4,8,8]  # join1
          u = FusedAdd(r, a) +LeakyRelu(alpha=0.2) : [1,4,8,8]  # t
          v = FusedAdd(u, b) : [1,4,8,8]
          w = Sigmoid(v) : [1,4,8,8]
          output w
        """);
  }

  @Test
  void leavesConstantAndBroadcastingAddsAlone() {
    assertUnchanged(pass, """
        graph g
          input  a: [1,4,8,8]
          input  c: [1,4,1,1]
          const  k: [1,4,8,8]
          s = Add(a, k) : [1,4,8,8]
          t = Add(a, c) : [1,4,8,8]
          output s
          output t
        """);
  }
}
