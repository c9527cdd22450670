package org.cnnhls.ir.interp;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;

/**
 * For pure data-movement ops (Transpose, Pad, nearest Resize, Spread, Slice, ChannelShuffle), the source index of every output
 * element, -1 for constant padding. Computed by running the float kernel on element indices, so
 * the fixed-point interpreter moves raw integers exactly as the float reference moves floats.
 */
public final class IndexMaps {
  private IndexMaps() {}

  /** Float holds every integer below 2^24 exactly. */
  private static final int EXACT_LIMIT = 1 << 24;

  /** Nearest Resize along one axis (the map sourceIndex applies per axis): source index per output index. */
  public static int[] nearestAxis(Op.CoordinateMode mode, Op.NearestMode nearest, int in, int out, float scale) {
    return FloatKernels.nearestAxis(mode, nearest, in, out, scale);
  }

  public static int[] sourceIndex(Graph g, Node n) {
    Shape in = g.shape(n.input(0)), out = g.shape(n.output());
    if (in.size() >= EXACT_LIMIT) throw new ModelException("node '" + n.name() + "' moves more than 2^24 elements");
    float[] idx = new float[in.size()];
    for (int i = 0; i < idx.length; i++) idx[i] = i;
    float[] moved;
    if (n.op() instanceof Op.Transpose t) moved = FloatKernels.transpose(t, in, idx, out);
    else if (n.op() instanceof Op.Pad p) moved = FloatKernels.pad(new Op.Pad(p.pads(), p.mode(), -1f), in, idx, out);
    else if (n.op() instanceof Op.Resize r && !r.linear()) moved = FloatKernels.resizeNearest(r, in, idx, out);
    else if (n.op() instanceof Op.Spread p) moved = FloatKernels.spread(p, in, idx, out, -1f);
    else if (n.op() instanceof Op.Slice sl) moved = FloatKernels.slice(sl, in, idx, out);
    else if (n.op() instanceof Op.ChannelShuffle cs) moved = FloatKernels.channelShuffle(cs, in, idx);
    else throw new IllegalArgumentException(n.op().type() + " is not a data-movement op");
    int[] map = new int[moved.length];
    for (int i = 0; i < map.length; i++) map[i] = (int) moved[i];
    return map;
  }
}
