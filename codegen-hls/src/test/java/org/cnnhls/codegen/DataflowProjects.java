package org.cnnhls.codegen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.dataflow.DataflowLowering;
import org.cnnhls.engine.dataflow.DataflowPlan;
import org.cnnhls.frontend.ReferenceModels;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * Test fixtures of the dataflow architecture: the reference models (with issue 15's CNV-style CNN
 * and jet-tagging MLP, {@code cnv} and {@code jet_mlp}), quantized as {@link Projects} does, planned
 * and emitted.
 */
final class DataflowProjects {
  private DataflowProjects() {}

  static Graph model(String name) {
    if (name.equals("strided")) {
      // a stride-2 5x5 conv with asymmetric output, a 1x1 conv, a pool and two FCs: the conv paths the reference nets lack
      org.cnnhls.frontend.OnnxModelBuilder b = new org.cnnhls.frontend.OnnxModelBuilder("strided", 13, 7);
      String x = b.input("input", 1, 4, 13, 11);
      x = b.relu(b.conv(x, 4, 8, 5, 2, 2, 1, true));
      x = b.maxPool(b.relu(b.conv(x, 8, 12, 1, 1, 0, 1, true)), 2, 2);
      x = b.flatten(x);
      x = b.relu(b.linear(x, 12 * 3 * 3, 20));
      x = b.linear(x, 20, 6);
      b.rename(x, "logits");
      b.output("logits", 1, 6);
      return org.cnnhls.ir.pass.PassManager.defaultPipeline().run(org.cnnhls.frontend.OnnxImporter.fromProto(b.build(), "strided.onnx", null));
    }
    return ReferenceModels.pipelined(name);
  }

  /**
   * The plan with every MAC stage refolded by hand (PE = the largest of 4, 2, 1 dividing Cout,
   * SIMD = the largest of 4, 2, 1 dividing Cin, so SIMD < Cin for wide layers: several line-buffer
   * words per pixel and several output folds), to C-simulate foldings the chooser does not pick.
   */
  static org.cnnhls.engine.dataflow.DataflowPlan refold(org.cnnhls.engine.dataflow.DataflowPlan p) {
    List<org.cnnhls.engine.dataflow.DataflowStage> out = new ArrayList<>();
    for (var s : p.stages()) {
      int pe = s.out().c() % 4 == 0 ? 4 : s.out().c() % 2 == 0 ? 2 : 1, simd = s.in().c() % 4 == 0 ? 4 : s.in().c() % 2 == 0 ? 2 : 1;
      if (s instanceof org.cnnhls.engine.dataflow.DataflowStage.Conv c) {
        out.add(new org.cnnhls.engine.dataflow.DataflowStage.Conv(c.name(), c.node(), c.in(), c.out(), c.kh(), c.kw(), c.sh(), c.sw(), c.padTop(),
            c.padLeft(), c.padBottom(), c.padRight(), pe, simd, c.weightWidth(), c.accWidth(), c.multWidth(), c.leaky()));
      } else if (s instanceof org.cnnhls.engine.dataflow.DataflowStage.Fc f) {
        out.add(new org.cnnhls.engine.dataflow.DataflowStage.Fc(f.name(), f.node(), f.in(), f.out(), pe, simd, f.weightWidth(), f.accWidth(),
            f.multWidth(), f.leaky()));
      } else {
        out.add(s);
      }
    }
    return new org.cnnhls.engine.dataflow.DataflowPlan(out, p.board(), p.clockMHz(), p.inputValue(), p.outputValue());
  }

  /** As {@link #emit} with {@link #refold}'s folding. */
  static Emitted emitRefolded(Path dir, String name, String precision, int images) {
    Graph g = model(name);
    QuantizedGraph q = quantize(g, name, precision);
    Board b = BoardCatalog.byName("zcu104");
    DataflowPlan plan = refold(DataflowLowering.unfolded(q, b, b.clock().defaultMHz()));
    return new Emitted(plan, q, DataflowEmitter.emit(dir, true, null, name, q, plan, images(g, name, images), null));
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
