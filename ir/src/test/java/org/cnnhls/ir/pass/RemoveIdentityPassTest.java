package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

class RemoveIdentityPassTest {
  private final Pass pass = new RemoveIdentityPass();

  @Test
  void rewiresReadersAndKeepsTheOutputName() {
    assertRewrites(pass, """
        graph g
          input  x: [1,4]
          const  k: [1,4]
          a = Relu(x) : [1,4]
          b = Identity(a) : [1,4]
          kc = Identity(k) : [1,4]
          c = Add(b, kc) : [1,4]
          d = Identity(c) : [1,4]
          output d
        """, """
        graph g
          input  x: [1,4]
          const  k: [1,4]
          a = Relu(x) : [1,4]
          d = Add(a, k) : [1,4]  # c
          output d
        """);
  }

  @Test
  void keepsAnIdentityFromAnInputToAnOutput() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,4]
          y = Identity(x) : [1,4]
          output y
        """);
  }

  @Test
  void keepsAnIdentityBetweenTwoOutputs() {
    // renaming a to b would lose the output a
    assertUnchanged(pass, """
        graph g
          input  x: [1,4]
          a = Relu(x) : [1,4]
          b = Identity(a) : [1,4]
          output a
          output b
        """);
  }

  @Test
  void renamesAProducerWithOtherReaders() {
    assertRewrites(pass, """
        graph g
          input  x: [1,4]
          a = Relu(x) : [1,4]
          b = Identity(a) : [1,4]
          c = Sigmoid(a) : [1,4]
          output b
          output c
        """, """
        graph g
          input  x: [1,4]
          b = Relu(x) : [1,4]  # a
          c = Sigmoid(b) : [1,4]
          output b
          output c
        """);
  }
}
