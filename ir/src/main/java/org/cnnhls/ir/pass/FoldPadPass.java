package org.cnnhls.ir.pass;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;

/**
 * {@code fold-pad}: a constant-mode Pad of only the H and W axes, read by nothing but the next
 * window op, becomes that op's own padding: zero padding into a Conv, or into an AveragePool
 * (which then counts the pad, as it averaged the explicit zeros before); -inf padding into a
 * MaxPool, whose padding never wins a max. Pools in ceil mode are left alone since their output
 * size depends on where the padding sits.
 */
public final class FoldPadPass extends RewritePass {

  @Override
  public String name() {
    return "fold-pad";
  }

  @Override
  public String description() {
    return "fold an explicit H/W Pad into the pads of the following Conv, AveragePool or MaxPool";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node pad : g.nodes()) {
      if (!(pad.op() instanceof Op.Pad p) || p.mode() != Op.PadMode.CONSTANT) continue;
      int[] hw = spatialPads(p, g.shape(pad.input(0)));
      Node next = Patterns.soleConsumer(g, pad.output());
      if (hw == null || next == null || !next.input(0).equals(pad.output())) continue;
      Op merged = merge(next.op(), p.value(), hw);
      if (merged == null) continue;
      List<String> inputs = new ArrayList<>(next.inputs());
      inputs.set(0, pad.input(0));
      return Optional.of(new GraphEditor(g).remove(pad).replace(next, new Node(next.name(), merged, inputs, next.outputs())).build());
    }
    return Optional.empty();
  }

  /** [top, left, bottom, right] if the Pad touches only H and W of an NCHW tensor and never crops. */
  private static int[] spatialPads(Op.Pad p, Shape x) {
    int[] q = p.pads();
    if (x.rank() != 4 || q[0] != 0 || q[1] != 0 || q[4] != 0 || q[5] != 0) return null;
    for (int v : q) if (v < 0) return null;
    return new int[] {q[2], q[3], q[6], q[7]};
  }

  private static Op merge(Op op, float value, int[] hw) {
    // a fused activation or pool comes after the convolution, so the padding still belongs to it
    Op.Conv conv = op instanceof Op.Conv c ? c : op instanceof Op.FusedConv f ? f.conv() : null;
    if (conv != null && value == 0f) {
      return Patterns.withConv(op, new Op.Conv(conv.kernel(), conv.strides(), add(conv.pads(), hw), conv.dilations(), conv.group()));
    }
    if (op instanceof Op.AveragePool ap && value == 0f && !ap.ceilMode() && (ap.countIncludePad() || isZero(ap.pads()))) {
      return new Op.AveragePool(ap.kernel(), ap.strides(), add(ap.pads(), hw), false, true);
    }
    if (op instanceof Op.MaxPool mp && value == Float.NEGATIVE_INFINITY && !mp.ceilMode()) {
      return new Op.MaxPool(mp.kernel(), mp.strides(), add(mp.pads(), hw), mp.dilations(), false);
    }
    return null;
  }

  private static int[] add(int[] a, int[] b) {
    int[] s = new int[a.length];
    for (int i = 0; i < a.length; i++) s[i] = a[i] + b[i];
    return s;
  }

  private static boolean isZero(int[] a) {
    for (int v : a) if (v != 0) return false;
    return true;
  }
}
