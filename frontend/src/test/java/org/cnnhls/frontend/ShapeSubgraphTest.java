package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.cnnhls.ir.ops.Op;
import org.junit.jupiter.api.Test;

/**
 * Older PyTorch exports flatten with a shape subgraph (Shape, Gather, Unsqueeze, Concat, Reshape);
 * with static shapes the importer folds it to constants, leaving one Reshape, and the model still
 * matches ONNX Runtime.
 */
class ShapeSubgraphTest {
  static ModelProto oldStyleFlatten() {
    OnnxModelBuilder b = new OnnxModelBuilder("old_flatten", 9, 4);
    String x = b.input("input", 1, 3, 8, 8);
    String y = b.relu(b.conv(x, 3, 4, 3, 1, 1, 1, true));
    String shape = b.op("Shape", y);
    String zero = b.intInitializer("zero", new long[] {0});
    String n = b.op("Gather", shape, zero);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.i("axis", 0));
    String n1 = b.op("Unsqueeze", n);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("axes", 0));
    String minusOne = b.intInitializer("minus_one", new long[] {-1}, 1);
    String target = b.op("Concat", n1, minusOne);
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.i("axis", 0));
    String flat = b.op("Reshape", y, target);
    String out = b.linear(flat, 4 * 8 * 8, 5);
    b.rename(out, "logits");
    b.output("logits", 1, 5);
    return b.build();
  }

  @Test
  void shapeSubgraphFoldsAndMatchesOnnxRuntime() throws Exception {
    ModelProto model = oldStyleFlatten();
    Graph g = OnnxImporter.fromProto(model, "old_flatten.onnx", null);
    long reshapes = g.nodes().stream().filter(n -> n.op() instanceof Op.Reshape).count();
    assertEquals(1, reshapes, g.dump());
    assertTrue(g.nodes().stream().noneMatch(n -> n.op().type().equals("Shape")), g.dump());
    float[] x = new float[3 * 8 * 8];
    Random r = new Random(2);
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    float[] ours = new FloatInterpreter(g).run(Map.of("input", x)).get("logits");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 8, 8});
        OrtSession.Result res = s.run(Map.of("input", t))) {
      FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
      for (int i = 0; i < ours.length; i++) assertEquals(fb.get(i), ours[i], 1e-4 + 1e-4 * Math.abs(fb.get(i)));
    }
  }

  @Test
  void gatherOnRunTimeDataIsRefusedByName() {
    OnnxModelBuilder b = new OnnxModelBuilder("gather", 13, 1);
    String x = b.input("input", 1, 4);
    String y = b.op("Gather", x, b.intInitializer("idx", new long[] {1}, 1));
    b.rename(y, "out");
    b.output("out", 1, 1);
    ModelException e = org.junit.jupiter.api.Assertions.assertThrows(ModelException.class,
        () -> OnnxImporter.fromProto(b.build(), "gather.onnx", null));
    assertTrue(e.getMessage().contains("Gather") && e.getMessage().contains("run-time data"), e.getMessage());
  }
}
