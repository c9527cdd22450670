package org.cnnhls.frontend;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;

/**
 * The reference models every layer of the verification ladder is checked on (LeNet-5, a small
 * VGG-style net, a ResNet basic block, a MobileNetV2 inverted-residual block, all with seeded random
 * weights, and the trained digits CNN), after the default pass pipeline, with sample inputs.
 */
public final class ReferenceModels {
  private ReferenceModels() {}

  public static final List<String> NAMES = List.of("lenet5", "small_vgg", "resnet_block", "mobilenetv2_block", "digits");

  /** Models of the structural ops (issue 14): transposed convs, channel split and shuffle. */
  public static final List<String> STRUCTURAL = List.of("unet_block", "shufflenetv2_unit");
  /**
   * Models {@link #pipelined} also knows that are not in {@link #NAMES} (not every rung of the
   * ladder runs them yet): {@code activation_block} (issue 14's activations; golden model only).
   */
  public static final List<String> EXTRA = List.of("activation_block");

  /** The digits example, relative to a module folder (where Maven runs tests). */
  public static final Path DIGITS_DIR = Path.of("../examples/digits");

  public static Graph pipelined(String name) {
    Graph g = switch (name) {
      case "lenet5" -> OnnxImporter.fromProto(OnnxModelBuilder.lenet5(11).build(), "lenet5.onnx", null);
      case "small_vgg" -> OnnxImporter.fromProto(OnnxModelBuilder.smallVgg(11).build(), "small_vgg.onnx", null);
      case "resnet_block" -> OnnxImporter.fromProto(OnnxModelBuilder.resnetBlock(11).build(), "resnet_block.onnx", null);
      case "mobilenetv2_block" -> OnnxImporter.fromProto(OnnxModelBuilder.mobilenetV2Block(11).build(), "mobilenetv2_block.onnx", null);
      case "activation_block" -> OnnxImporter.fromProto(OnnxModelBuilder.activationBlock(11).build(), "activation_block.onnx", null);
      case "digits" -> OnnxImporter.load(DIGITS_DIR.resolve("digits_cnn.onnx"));
      case "unet_block" -> OnnxImporter.fromProto(OnnxModelBuilder.unetBlock(11).build(), "unet_block.onnx", null);
      case "shufflenet_v2_x0_5" ->
          OnnxImporter.fromProto(OnnxModelBuilder.shuffleNetV2x05(11, 64).build(), "shufflenet_v2_x0_5.onnx", null);
      case "shufflenetv2_unit" -> OnnxImporter.fromProto(OnnxModelBuilder.shuffleNetV2Unit(11).build(), "shufflenetv2_unit.onnx", null);
      // issue 14 blocks, outside NAMES (not every layer of the ladder runs them)
      case "se_block" -> OnnxImporter.fromProto(OnnxModelBuilder.seBlock(11).build(), "se_block.onnx", null);
      case "resize_block" -> OnnxImporter.fromProto(OnnxModelBuilder.resizeBlock(11).build(), "resize_block.onnx", null);
      // two outputs (a YOLOv3-tiny-style detector's heads)
      case "yolo_tiny_block" -> OnnxImporter.fromProto(OnnxModelBuilder.yoloTinyBlock(11).build(), "yolo_tiny_block.onnx", null);
      // the dataflow architecture's benchmarks (issue 15), outside NAMES
      case "cnv" -> OnnxImporter.fromProto(OnnxModelBuilder.cnv(11).build(), "cnv.onnx", null);
      case "jet_mlp" -> OnnxImporter.fromProto(OnnxModelBuilder.jetMlp(11).build(), "jet_mlp.onnx", null);
      default -> throw new IllegalArgumentException("no reference model " + name + "; known: " + NAMES + ", " + STRUCTURAL
          + ", " + EXTRA + ", se_block, resize_block, yolo_tiny_block, cnv, jet_mlp");
    };
    return PassManager.defaultPipeline().run(g);
  }

  /** Sample inputs: the digits held-out images for the digits model, seeded normal data otherwise. */
  public static List<Map<String, float[]>> samples(Graph g, String name, int count) {
    String in = g.inputs().get(0).name();
    int per = g.inputs().get(0).shape().size();
    NpyFiles.Floats digits = name.equals("digits") ? NpyFiles.readFloats(DIGITS_DIR.resolve("test_x.npy")) : null;
    Random r = new Random(5);
    List<Map<String, float[]>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      float[] s = new float[per];
      for (int j = 0; j < per; j++) s[j] = digits != null ? digits.data()[i * per + j] : (float) r.nextGaussian();
      out.add(Map.of(in, s));
    }
    return out;
  }

  /**
   * A conv followed by a Transpose that swaps H and W: an op the overlay engine cannot map (it has
   * a fixed-point form), for bad-input tests. (It was a Sigmoid until the engine learnt those.)
   */
  public static OnnxModelBuilder convThenTranspose() {
    OnnxModelBuilder b = new OnnxModelBuilder("sig", 13, 1);
    String x = b.input("input", 1, 4, 6, 6);
    String y = b.op("Transpose", b.conv(x, 4, 4, 3, 1, 1, 1, true));
    b.graph().getNodeBuilder(b.graph().getNodeCount() - 1).addAttribute(OnnxModelBuilder.ints("perm", 0, 1, 3, 2));
    b.rename(y, "out");
    b.output("out", 1, 4, 6, 6);
    return b;
  }
}
