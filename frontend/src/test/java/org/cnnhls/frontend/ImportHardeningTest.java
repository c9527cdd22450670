package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.time.Duration;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.junit.jupiter.api.Test;

/** Import refuses oversized declarations before allocating and non-finite weights by name (issue 18). */
class ImportHardeningTest {

  private static OnnxModelBuilder relu() {
    OnnxModelBuilder b = new OnnxModelBuilder("m", 13, 1);
    b.input("x", 1, 4);
    String y = b.relu("x");
    b.output(y, 1, 4);
    return b;
  }

  private static String message(OnnxModelBuilder b) {
    ModelException e = assertThrows(ModelException.class, () -> OnnxImporter.fromProto(b.build(), "m.onnx", null));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  /** ConvTranspose attributes the op cannot have, and a Split that does not add up: named, one line each. */
  @Test
  void structuralOpAttributesAreRefusedNamingNodeAndAttribute() {
    OnnxModelBuilder b = new OnnxModelBuilder("m", 13, 1);
    String y = b.convTranspose(b.input("x", 1, 4, 5, 5), 4, 4, 3, 2, 1, 2, 1);
    b.output(y, 1, 4, 12, 12);
    String msg = message(b);
    assertTrue(msg.contains("ConvTranspose") && msg.contains("output_padding 2") && msg.contains("'convtranspose0'"), msg);

    OnnxModelBuilder c = new OnnxModelBuilder("m", 13, 1);
    String z = c.convTranspose(c.input("x", 1, 4, 5, 5), 4, 4, 3, 2, 1, 0, 3);
    c.output(z, 1, 4, 9, 9);
    msg = message(c);
    assertTrue(msg.contains("ConvTranspose") && msg.contains("group=3"), msg);

    OnnxModelBuilder d = new OnnxModelBuilder("m", 13, 1);
    d.node("Split", new String[] {d.input("x", 1, 6, 2, 2), d.intInitializer("sizes", new long[] {2, 3}, 2)}, "a", "b");
    d.output("a", 1, 2, 2, 2);
    msg = message(d);
    assertTrue(msg.contains("Split") && msg.contains("sum to 5"), msg);
  }

  @Test
  void hugeIntInitializerWithOneValueIsRefusedBeforeAllocating() {
    OnnxModelBuilder b = relu();
    b.intInitializer("huge", new long[] {7}, Integer.MAX_VALUE);
    // a long[2^31-1] would need 16 GiB; the test JVM has far less, so only a refusal is quick and clean
    String msg = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> message(b));
    assertTrue(msg.contains("'huge'") && msg.contains("1 values") && msg.contains("[2147483647]"), msg);
  }

  @Test
  void shapeBeyondTheCapIsRefusedNamingTheTensor() {
    OnnxModelBuilder b = relu();
    b.graph().addInitializer(TensorProto.newBuilder().setName("wide").setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(1L << 30).addDims(1L << 30).addDims(1L << 30).addDims(1L << 30).addFloatData(1f));
    String msg = message(b);
    assertTrue(msg.contains("'wide'") && msg.contains("2^31-1"), msg);
  }

  @Test
  void nonFiniteWeightsAreRefusedNamingTheInitializerAndIndex() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      OnnxModelBuilder b = new OnnxModelBuilder("m", 13, 1);
      b.input("x", 1, 4);
      b.initializer("w", new float[] {1, 2, bad, 4}, 1, 4);
      String y = b.op("Add", "x", "w");
      b.output(y, 1, 4);
      String msg = message(b);
      assertTrue(msg.startsWith("m.onnx: ") && msg.contains("'w'") && msg.contains("index 2") && msg.contains(String.valueOf(bad)), msg);
    }
  }

  @Test
  void infiniteClipBoundIsAllowedButNaNIsNot() {
    OnnxModelBuilder b = new OnnxModelBuilder("m", 13, 1);
    b.input("x", 1, 4);
    b.initializer("lo", new float[] {0f});
    b.initializer("hi", new float[] {Float.POSITIVE_INFINITY});
    String y = b.op("Clip", "x", "lo", "hi");
    b.output(y, 1, 4);
    Graph g = OnnxImporter.fromProto(b.build(), "m.onnx", null);
    assertEquals(1, g.nodes().size());

    OnnxModelBuilder n = new OnnxModelBuilder("m", 13, 1);
    n.input("x", 1, 4);
    n.initializer("lo", new float[] {Float.NaN});
    String z = n.op("Clip", "x", "lo");
    n.output(z, 1, 4);
    assertTrue(message(n).contains("'lo'"));
  }

  @Test
  void padAxesOutOfRangeOrRepeatedAreRefusedByName() {
    for (long[] axes : new long[][] {{7}, {-9}, {1, -3}}) {
      OnnxModelBuilder b = new OnnxModelBuilder("m", 18, 1);
      b.input("x", 1, 3, 8, 8);
      b.intInitializer("p", new long[2 * axes.length], 2 * axes.length);
      b.intInitializer("ax", axes, axes.length);
      b.node("Pad", new String[] {"x", "p", "", "ax"}, "y").setName("pad_n");
      b.output("y", 1, 3, 8, 8);
      String msg = message(b);
      assertTrue(msg.contains("'pad_n'") && msg.contains("axes") && (msg.contains("out of range") || msg.contains("twice")), msg);
    }
  }

  @Test
  void windowArithmeticDoesNotWrap() {
    // dilation 2^30 on a 3x3 kernel spans 2^31 + 1 rows; pads of 2^30 make an output over 2^31 - 1
    String[] expected = {"window of 2147483649", "output length 2147483654"};
    for (int k = 0; k < 2; k++) {
      OnnxModelBuilder b = new OnnxModelBuilder("m", 13, 1);
      b.input("x", 1, 3, 8, 8);
      b.randomInitializer("w", 1, 4, 3, 3, 3);
      b.node("Conv", new String[] {"x", "w"}, "y").setName("conv_n").addAttribute(OnnxModelBuilder.ints("kernel_shape", 3, 3))
          .addAttribute(k == 0 ? OnnxModelBuilder.ints("dilations", 1L << 30, 1L << 30) : OnnxModelBuilder.ints("pads", 1L << 30,
              1L << 30, 1L << 30, 1L << 30));
      b.output("y", 1, 4, 1, 1);
      String msg = message(b);
      assertTrue(msg.contains("'conv_n'") && msg.contains(expected[k]), msg);
    }
  }
}
