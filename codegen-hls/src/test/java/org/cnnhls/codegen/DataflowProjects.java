package org.cnnhls.codegen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.dataflow.DataflowLowering;
import org.cnnhls.engine.dataflow.DataflowPlan;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.frontend.ReferenceModels;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * Test fixtures of the dataflow architecture: the reference models plus the CIFAR-10-size
 * CNV-style CNN and the 16-64-32-32-5 jet-tagging MLP, quantized as {@link Projects} does, planned
 * and emitted.
 */
final class DataflowProjects {
  private DataflowProjects() {}

  /** FINN's CNV topology on 3x32x32 (pad 1): conv 64-64-pool-128-128-pool-256-256-pool, FC 512-512-10, ReLU. */
  static OnnxModelBuilder cnv(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("cnv", 13, seed);
    String x = b.input("input", 1, 3, 32, 32);
    int c = 3;
    for (int out : new int[] {64, 128, 256}) {
      x = b.relu(b.conv(x, c, out, 3, 1, 1, 1, true));
      x = b.maxPool(b.relu(b.conv(x, out, out, 3, 1, 1, 1, true)), 2, 2);
      c = out;
    }
    x = b.flatten(x);
    x = b.relu(b.linear(x, 256 * 4 * 4, 512));
    x = b.relu(b.linear(x, 512, 512));
    x = b.linear(x, 512, 10);
    b.rename(x, "logits");
    b.output("logits", 1, 10);
    return b;
  }

  /** hls4ml's jet-tagging MLP: 16-64-32-32-5, ReLU. */
  static OnnxModelBuilder mlp(long seed) {
    OnnxModelBuilder b = new OnnxModelBuilder("jet_mlp", 13, seed);
    String x = b.input("input", 1, 16);
    x = b.relu(b.linear(x, 16, 64));
    x = b.relu(b.linear(x, 64, 32));
    x = b.relu(b.linear(x, 32, 32));
    x = b.linear(x, 32, 5);
    b.rename(x, "logits");
    b.output("logits", 1, 5);
    return b;
  }

  static Graph model(String name) {
    return switch (name) {
      case "cnv" -> PassManager.defaultPipeline().run(OnnxImporter.fromProto(cnv(11).build(), "cnv.onnx", null));
      case "jet_mlp" -> PassManager.defaultPipeline().run(OnnxImporter.fromProto(mlp(11).build(), "jet_mlp.onnx", null));
      default -> ReferenceModels.pipelined(name);
    };
  }

  static QuantizedGraph quantize(Graph g, String name, String precision) {
    return Projects.quantize(g, name, precision);
  }

  /** Golden images: held-out samples 8 .. 8 + count - 1 (calibration used 0 .. 7). */
  static List<float[]> images(Graph g, String name, int count) {
    List<Map<String, float[]>> s = Projects.samples(g, name, 8 + count);
    List<float[]> out = new ArrayList<>();
    for (int i = 8; i < 8 + count; i++) out.add(s.get(i).get(g.inputs().get(0).name()));
    return out;
  }

  record Emitted(DataflowPlan plan, QuantizedGraph q, DataflowEmitter.Result result) {}

  /** Plans on {@code board} at its default clock and emits (forced when the plan is over the caps: these check numerics). */
  static Emitted emit(Path dir, String name, String precision, String board, int images) {
    Graph g = model(name);
    QuantizedGraph q = quantize(g, name, precision);
    Board b = BoardCatalog.byName(board);
    DataflowPlan plan = DataflowLowering.plan(q, b, b.clock().defaultMHz());
    DataflowEmitter.Result r = DataflowEmitter.emit(dir, true, null, name, q, plan, images(g, name, images), null);
    return new Emitted(plan, q, r);
  }
}
