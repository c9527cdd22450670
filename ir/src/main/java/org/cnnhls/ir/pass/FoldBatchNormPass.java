package org.cnnhls.ir.pass;

import java.util.List;
import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ops.Op;

/**
 * {@code fold-batchnorm}: inference BatchNormalization is a per-channel affine map
 * {@code a = scale / sqrt(var + eps)}, {@code shift = bias - mean * a}. After a Conv or Gemm whose
 * output nothing else reads, it folds into that layer's weights and bias (in float, before
 * quantization, as the numeric contract requires). Otherwise, on NCHW data, it becomes a depthwise
 * 1x1 Conv, which the conv engine runs.
 */
public final class FoldBatchNormPass extends RewritePass {

  @Override
  public String name() {
    return "fold-batchnorm";
  }

  @Override
  public String description() {
    return "fold BatchNormalization into the preceding Conv/Gemm weights, or make it a depthwise 1x1 Conv";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node bn : g.nodes()) {
      if (!(bn.op() instanceof Op.BatchNormalization op) || !paramsConstant(g, bn)) continue;
      int channels = g.shape(bn.input(0)).dim(1);
      double[] a = new double[channels], shift = new double[channels];
      float[] scale = values(g, bn, 1), bias = values(g, bn, 2), mean = values(g, bn, 3), var = values(g, bn, 4);
      for (int c = 0; c < channels; c++) {
        a[c] = scale[c] / Math.sqrt((double) var[c] + op.epsilon());
        shift[c] = bias[c] - mean[c] * a[c];
      }
      Node producer = g.producer(bn.input(0));
      if (producer != null && bn.equals(Patterns.soleConsumer(g, bn.input(0)))) {
        GraphEditor e = new GraphEditor(g);
        if (ChannelAffine.foldInto(g, e, producer, a, shift, bn.output())) return Optional.of(e.remove(bn).build());
      }
      if (g.shape(bn.input(0)).rank() == 4) return Optional.of(depthwise(g, bn, a, shift));
    }
    return Optional.empty();
  }

  /** y = a * x + shift per channel, as a 1x1 Conv with group = C. */
  private static Graph depthwise(Graph g, Node bn, double[] a, double[] shift) {
    int c = a.length;
    float[] w = new float[c];
    for (int i = 0; i < c; i++) w[i] = (float) a[i];
    GraphEditor e = new GraphEditor(g);
    String wName = e.addConstant(bn.name() + ".weight", Tensor.wrap(Shape.of(c, 1, 1, 1), w));
    String bName = e.addConstant(bn.name() + ".bias", Weights.affine(null, a, shift, Shape.of(c)));
    Op.Conv conv = new Op.Conv(new int[] {1, 1}, new int[] {1, 1}, new int[4], new int[] {1, 1}, c);
    return e.replace(bn, new Node(bn.name(), conv, List.of(bn.input(0), wName, bName), bn.outputs())).build();
  }

  private static boolean paramsConstant(Graph g, Node bn) {
    for (int i = 1; i < 5; i++) if (!g.isConstant(bn.input(i))) return false;
    return true;
  }

  private static float[] values(Graph g, Node bn, int input) {
    return g.constants().get(bn.input(input)).toFloatArray();
  }
}
