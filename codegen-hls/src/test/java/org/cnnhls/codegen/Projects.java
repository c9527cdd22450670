package org.cnnhls.codegen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;

/** Test fixtures: the reference models, quantized with seeded calibration data, emitted as projects. */
final class Projects {
  private Projects() {}

  static final List<String> MODELS = List.of("lenet5", "digits", "resnet_block", "mobilenetv2_block");

  static Graph model(String name) {
    Graph g = switch (name) {
      case "lenet5" -> OnnxImporter.fromProto(OnnxModelBuilder.lenet5(11).build(), "lenet5.onnx", null);
      case "small_vgg" -> OnnxImporter.fromProto(OnnxModelBuilder.smallVgg(11).build(), "small_vgg.onnx", null);
      case "resnet_block" -> OnnxImporter.fromProto(OnnxModelBuilder.resnetBlock(11).build(), "resnet_block.onnx", null);
      case "mobilenetv2_block" -> OnnxImporter.fromProto(OnnxModelBuilder.mobilenetV2Block(11).build(), "mobilenetv2_block.onnx", null);
      case "digits" -> OnnxImporter.load(Path.of("../examples/digits/digits_cnn.onnx"));
      default -> throw new IllegalArgumentException(name);
    };
    return PassManager.defaultPipeline().run(g);
  }

  /** Calibration samples: the digits held-out images, or seeded normal data. */
  static List<Map<String, float[]>> samples(Graph g, String name, int count) {
    String in = g.inputs().get(0).name();
    int per = g.inputs().get(0).shape().size();
    List<Map<String, float[]>> out = new ArrayList<>();
    if (name.equals("digits")) {
      NpyFiles.Floats x = NpyFiles.readFloats(Path.of("../examples/digits/test_x.npy"));
      for (int i = 0; i < count; i++) {
        float[] s = new float[per];
        System.arraycopy(x.data(), i * per, s, 0, per);
        out.add(Map.of(in, s));
      }
      return out;
    }
    Random r = new Random(5);
    for (int i = 0; i < count; i++) {
      float[] s = new float[per];
      for (int j = 0; j < per; j++) s[j] = (float) r.nextGaussian();
      out.add(Map.of(in, s));
    }
    return out;
  }

  static QuantizedGraph quantize(Graph g, String name, String precision) {
    return Quantizer.quantize(g, QuantOptions.preset(precision), ValueRanges.calibrate(g, samples(g, name, 8), 100));
  }

  static ProjectEmitter.Result emit(Path dir, String name, String precision) {
    Graph g = model(name);
    QuantizedGraph q = quantize(g, name, precision);
    HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName("ultra96"));
    float[] input = samples(g, name, 9).get(8).get(g.inputs().get(0).name());
    return ProjectEmitter.emit(dir, false, name, q, hw, input);
  }
}
