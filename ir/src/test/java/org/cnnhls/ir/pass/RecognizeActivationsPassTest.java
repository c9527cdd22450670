package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;

import org.junit.jupiter.api.Test;

/** recognize-hardswish, recognize-silu, recognize-gelu: the exporters' decomposed forms. */
class RecognizeActivationsPassTest {

  @Test
  void hardSwishFromHardSigmoid() {
    assertRewrites(new RecognizeHardSwishPass(), """
        graph g
          input  x: [1,8]
          h = HardSigmoid(x) alpha=0.16666667 beta=0.5 : [1,8]
          y = Mul(h, x) : [1,8]
          output y
        """, """
        graph g
          input  x: [1,8]
          y = HardSwish(x) : [1,8]
          output y
        """);
  }

  @Test
  void hardSwishFromRelu6DividedBySix() {
    // PyTorch: x * relu6(x + 3) / 6 with the ReLU6 still a Clip; and the 1/6 on the Relu6 instead
    assertRewrites(new RecognizeHardSwishPass(), """
        graph g
          input  x: [1,8]
          const  three: [] = 3.0
          const  six: [] = 6.0
          const  sixth: [] = 0.16666667
          a = Add(x, three) : [1,8]
          r = Clip(a) min=0.0 max=6.0 : [1,8]
          m = Mul(x, r) : [1,8]
          y = Div(m, six) : [1,8]
          a2 = Add(three, y) : [1,8]
          r2 = Relu6(a2) : [1,8]
          q = Mul(sixth, r2) : [1,8]
          z = Mul(q, y) : [1,8]
          output z
        """, """
        graph g
          input  x: [1,8]
          y = HardSwish(x) : [1,8]
          z = HardSwish(y) : [1,8]
          output z
        """);
  }

  @Test
  void hardSwishLeavesOtherConstantsAndSharedValuesAlone() {
    assertUnchanged(new RecognizeHardSwishPass(), """
        graph g
          input  x: [1,8]
          const  two: [] = 2.0
          const  six: [] = 6.0
          h = HardSigmoid(x) alpha=0.2 beta=0.5 : [1,8]
          y = Mul(h, x) : [1,8]
          a = Add(x, two) : [1,8]
          r = Relu6(a) : [1,8]
          m = Mul(x, r) : [1,8]
          z = Div(m, six) : [1,8]
          output y
          output z
        """);
    assertUnchanged(new RecognizeHardSwishPass(), """
        graph g
          input  x: [1,8]
          h = HardSigmoid(x) alpha=0.16666667 beta=0.5 : [1,8]
          y = Mul(h, x) : [1,8]
          output y
          output h
        """);
  }

  @Test
  void siluFromSigmoidTimesInput() {
    assertRewrites(new RecognizeSiluPass(), """
        graph g
          input  x: [1,4,2,2]
          s = Sigmoid(x) : [1,4,2,2]
          y = Mul(x, s) : [1,4,2,2]
          t = Sigmoid(y) : [1,4,2,2]
          z = Mul(t, y) : [1,4,2,2]
          output z
        """, """
        graph g
          input  x: [1,4,2,2]
          y = Silu(x) : [1,4,2,2]
          z = Silu(y) : [1,4,2,2]
          output z
        """);
  }

  @Test
  void siluNeedsTheSameOperand() {
    assertUnchanged(new RecognizeSiluPass(), """
        graph g
          input  x: [1,8]
          input  v: [1,8]
          s = Sigmoid(x) : [1,8]
          y = Mul(v, s) : [1,8]
          output y
        """);
  }

  @Test
  void geluInItsExportedSpellings() {
    // PyTorch's (x * (erf(x / sqrt2) + 1)) * 0.5; (1 + erf(x * 1/sqrt2)) * 0.5 * x; (x * 0.5) * (1 + erf)
    assertRewrites(new RecognizeGeluPass(), """
        graph g
          input  x: [2,8]
          const  sqrt2: [] = 1.4142135
          const  rsqrt2: [] = 0.70710677
          const  one: [] = 1.0
          const  half: [] = 0.5
          const  two: [] = 2.0
          d = Div(x, sqrt2) : [2,8]
          e = Erf(d) : [2,8]
          a = Add(e, one) : [2,8]
          m = Mul(x, a) : [2,8]
          y = Mul(m, half) : [2,8]
          d2 = Mul(y, rsqrt2) : [2,8]
          e2 = Erf(d2) : [2,8]
          a2 = Add(one, e2) : [2,8]
          m2 = Mul(a2, half) : [2,8]
          z = Mul(m2, y) : [2,8]
          h3 = Div(z, two) : [2,8]
          d3 = Div(z, sqrt2) : [2,8]
          e3 = Erf(d3) : [2,8]
          a3 = Add(e3, one) : [2,8]
          w = Mul(h3, a3) : [2,8]
          output w
        """, """
        graph g
          input  x: [2,8]
          y = Gelu(x) : [2,8]
          z = Gelu(y) : [2,8]
          w = Gelu(z) : [2,8]
          output w
        """);
  }

  @Test
  void geluLeavesOtherErfsAlone() {
    assertUnchanged(new RecognizeGeluPass(), """
        graph g
          input  x: [2,8]
          const  c: [] = 1.5
          const  one: [] = 1.0
          const  half: [] = 0.5
          d = Div(x, c) : [2,8]
          e = Erf(d) : [2,8]
          a = Add(e, one) : [2,8]
          m = Mul(x, a) : [2,8]
          y = Mul(m, half) : [2,8]
          output y
        """);
  }

  @Test
  void floatOpsRoundTrip() {
    assertUnchanged(new RecognizeGeluPass(), """
        graph g
          input  x: [2,8]
          a = Sqrt(x) : [2,8]
          b = Reciprocal(a) : [2,8]
          c = Pow(b) exponent=3.0 : [2,8]
          d = Erf(c) : [2,8]
          e = Gelu(d) : [2,8]
          f = Silu(e) : [2,8]
          y = HardSwish(f) : [2,8]
          output y
        """);
  }
}
