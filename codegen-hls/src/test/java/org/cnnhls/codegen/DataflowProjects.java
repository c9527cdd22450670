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
    return ReferenceModels.pipelined(name);
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
