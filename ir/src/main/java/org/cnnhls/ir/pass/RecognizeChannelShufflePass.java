package org.cnnhls.ir.pass;

import java.util.List;
import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;

/**
 * {@code recognize-channel-shuffle}: ShuffleNet's Reshape [N,C,H,W] to [N,g,C/g,H,W], Transpose
 * (0,2,1,3,4), Reshape back to [N,C,H,W] becomes one ChannelShuffle(g). The two intermediate
 * values must be read by nothing else.
 */
public final class RecognizeChannelShufflePass extends RewritePass {

  @Override
  public String name() {
    return "recognize-channel-shuffle";
  }

  @Override
  public String description() {
    return "turn Reshape [N,g,C/g,H,W] -> Transpose(0,2,1,3,4) -> Reshape [N,C,H,W] into a ChannelShuffle(g)";
  }

  private static final int[] PERM = {0, 2, 1, 3, 4};

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node first : g.nodes()) {
      if (!(first.op() instanceof Op.Reshape)) continue;
      Shape x = g.shape(first.input(0)), split = g.shape(first.output());
      if (x.rank() != 4 || split.rank() != 5 || g.outputs().contains(first.output())) continue;
      int groups = split.dim(1);
      if (split.dim(0) != x.dim(0) || (long) groups * split.dim(2) != x.dim(1) || split.dim(3) != x.dim(2)
          || split.dim(4) != x.dim(3)) {
        continue;
      }
      Node t = Patterns.soleConsumer(g, first.output());
      if (t == null || !(t.op() instanceof Op.Transpose tp) || !java.util.Arrays.equals(tp.perm(), PERM)
          || g.outputs().contains(t.output())) {
        continue;
      }
      Node last = Patterns.soleConsumer(g, t.output());
      if (last == null || !(last.op() instanceof Op.Reshape) || !g.shape(last.output()).equals(x)) continue;
      Node shuffle = new Node(last.name(), new Op.ChannelShuffle(groups), List.of(first.input(0)), last.outputs());
      return Optional.of(new GraphEditor(g).remove(first).remove(t).replace(last, shuffle).build());
    }
    return Optional.empty();
  }
}
