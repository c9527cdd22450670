package org.cnnhls.ir.pass;

import static org.cnnhls.ir.pass.PassAssert.assertRewrites;
import static org.cnnhls.ir.pass.PassAssert.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.IrParser;
import org.junit.jupiter.api.Test;

class FoldBatchNormPassTest {
  private final Pass pass = new FoldBatchNormPass();

  @Test
  void foldsIntoAConvAndCreatesItsBias() {
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  bn.scale: [4]
          const  bn.bias: [4]
          const  bn.mean: [4]
          const  bn.var: [4]
          c = Conv(x, w) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]  # conv1
          y = BatchNormalization(c, bn.scale, bn.bias, bn.mean, bn.var) eps=1.0E-5 : [1,4,8,8]  # bn1
          output y
        """, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  conv1.bias: [4]
          y = Conv(x, w, conv1.bias) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]  # conv1
          output y
        """);
  }

  @Test
  void foldedWeightsFollowTheFormula() {
    Graph g = IrParser.parse("""
        graph g
          input  x: [1,1,2,2]
          const  w: [1,1,1,1]
          const  s: [1]
          const  t: [1]
          const  m: [1]
          const  v: [1]
          c = Conv(x, w) k=1x1 s=1x1 : [1,1,2,2]
          y = BatchNormalization(c, s, t, m, v) eps=0.25 : [1,1,2,2]
          output y
        """, 9);
    float w = g.constants().get("w").get(0), s = g.constants().get("s").get(0), t = g.constants().get("t").get(0);
    float m = g.constants().get("m").get(0), v = g.constants().get("v").get(0);
    double a = s / Math.sqrt(v + 0.25);
    Graph folded = pass.apply(g);
    assertEquals((float) (w * a), folded.constants().get("w").get(0));
    assertEquals((float) (t - m * a), folded.constants().get("c.bias").get(0));
  }

  @Test
  void sharedWeightsAreCopiedNotOverwritten() {
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          const  bn.scale: [4]
          const  bn.bias: [4]
          const  bn.mean: [4]
          const  bn.var: [4]
          c1 = Conv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          y1 = BatchNormalization(c1, bn.scale, bn.bias, bn.mean, bn.var) eps=1.0E-5 : [1,4,8,8]
          c2 = Conv(x, w, b) k=3x3 s=2x2 p=1,1,1,1 : [1,4,4,4]
          output y1
          output c2
        """, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          const  w_1: [4,3,3,3]
          const  b_1: [4]
          y1 = Conv(x, w_1, b_1) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]  # c1
          c2 = Conv(x, w, b) k=3x3 s=2x2 p=1,1,1,1 : [1,4,4,4]
          output y1
          output c2
        """);
  }

  @Test
  void foldsIntoGemmsWithAndWithoutBias() {
    // a: transB, C of shape [1,N] and beta = 0.5; b: B as [K,N], alpha = 2 and no C
    assertRewrites(pass, """
        graph g
          input  x: [2,16]
          const  fc1.w: [8,16]
          const  fc1.b: [1,8]
          const  fc2.w: [16,8]
          const  bn1.scale: [8]
          const  bn1.bias: [8]
          const  bn1.mean: [8]
          const  bn1.var: [8]
          const  bn2.scale: [8]
          const  bn2.bias: [8]
          const  bn2.mean: [8]
          const  bn2.var: [8]
          a = Gemm(x, fc1.w, fc1.b) beta=0.5 transB : [2,8]
          y1 = BatchNormalization(a, bn1.scale, bn1.bias, bn1.mean, bn1.var) eps=1.0E-5 : [2,8]
          b = Gemm(x, fc2.w) alpha=2.0 : [2,8]  # fc2
          y2 = BatchNormalization(b, bn2.scale, bn2.bias, bn2.mean, bn2.var) eps=0.001 : [2,8]
          output y1
          output y2
        """, """
        graph g
          input  x: [2,16]
          const  fc1.w: [8,16]
          const  fc1.b: [1,8]
          const  fc2.w: [16,8]
          const  fc2.bias: [8]
          y1 = Gemm(x, fc1.w, fc1.b) beta=0.5 transB : [2,8]  # a
          y2 = Gemm(x, fc2.w, fc2.bias) alpha=2.0 : [2,8]  # fc2
          output y1
          output y2
        """);
  }

  @Test
  void foldsIntoAFusedConvOnlyWithoutActivation() {
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          const  s: [4]
          const  t: [4]
          const  m: [4]
          const  v: [4]
          c1 = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]
          y1 = BatchNormalization(c1, s, t, m, v) eps=1.0E-5 : [1,4,8,8]
          c2 = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 +Relu : [1,4,8,8]
          y2 = BatchNormalization(c2, s, t, m, v) eps=1.0E-5 : [1,4,8,8]
          output y1
          output y2
        """, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,3,3]
          const  b: [4]
          const  w_1: [4,3,3,3]
          const  b_1: [4]
          const  y2.weight: [4,1,1,1]
          const  y2.bias: [4]
          y1 = FusedConv(x, w_1, b_1) k=3x3 s=1x1 p=1,1,1,1 : [1,4,8,8]  # c1
          c2 = FusedConv(x, w, b) k=3x3 s=1x1 p=1,1,1,1 +Relu : [1,4,8,8]
          y2 = Conv(c2, y2.weight, y2.bias) k=1x1 s=1x1 group=4 : [1,4,8,8]
          output y1
          output y2
        """);
  }

  @Test
  void notFoldedWhenTheConvOutputHasAnotherReader() {
    // the Relu still needs the unnormalized conv output, so the BN becomes its own depthwise conv
    assertRewrites(pass, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,1,1]
          const  bn.scale: [4]
          const  bn.bias: [4]
          const  bn.mean: [4]
          const  bn.var: [4]
          c = Conv(x, w) k=1x1 s=1x1 : [1,4,8,8]
          y = BatchNormalization(c, bn.scale, bn.bias, bn.mean, bn.var) eps=1.0E-5 : [1,4,8,8]  # bn
          z = Relu(c) : [1,4,8,8]
          output y
          output z
        """, """
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,1,1]
          const  bn.weight: [4,1,1,1]
          const  bn.bias_1: [4]
          c = Conv(x, w) k=1x1 s=1x1 : [1,4,8,8]
          y = Conv(c, bn.weight, bn.bias_1) k=1x1 s=1x1 group=4 : [1,4,8,8]  # bn
          z = Relu(c) : [1,4,8,8]
          output y
          output z
        """);
  }

  @Test
  void notFoldedWhenTheConvOutputIsAGraphOutput() {
    Graph g = pass.apply(IrParser.parse("""
        graph g
          input  x: [1,3,8,8]
          const  w: [4,3,1,1]
          const  s: [4]
          const  t: [4]
          const  m: [4]
          const  v: [4]
          c = Conv(x, w) k=1x1 s=1x1 : [1,4,8,8]
          y = BatchNormalization(c, s, t, m, v) eps=1.0E-5 : [1,4,8,8]
          output c
          output y
        """, 1));
    assertEquals("Conv", g.op("c").type());
    assertEquals("k=1x1 s=1x1 group=4", g.op("y").attributes());
  }

  @Test
  void standaloneBatchNormBecomesDepthwiseConvOnlyOnNchw() {
    assertRewrites(pass, """
        graph g
          input  x: [1,3,4,4]
          input  v: [2,3]
          const  s: [3]
          const  b: [3]
          const  m: [3]
          const  var: [3]
          y = BatchNormalization(x, s, b, m, var) eps=1.0E-5 : [1,3,4,4]  # bn0
          z = BatchNormalization(v, s, b, m, var) eps=1.0E-5 : [2,3]
          output y
          output z
        """, """
        graph g
          input  x: [1,3,4,4]
          input  v: [2,3]
          const  s: [3]
          const  b: [3]
          const  m: [3]
          const  var: [3]
          const  bn0.weight: [3,1,1,1]
          const  bn0.bias: [3]
          y = Conv(x, bn0.weight, bn0.bias) k=1x1 s=1x1 group=3 : [1,3,4,4]  # bn0
          z = BatchNormalization(v, s, b, m, var) eps=1.0E-5 : [2,3]
          output y
          output z
        """);
  }

  @Test
  void leavesBatchNormWithComputedStatisticsAlone() {
    assertUnchanged(pass, """
        graph g
          input  x: [1,3,4,4]
          input  s: [3]
          const  b: [3]
          const  m: [3]
          const  v: [3]
          y = BatchNormalization(x, s, b, m, v) eps=1.0E-5 : [1,3,4,4]
          output y
        """);
  }
}
