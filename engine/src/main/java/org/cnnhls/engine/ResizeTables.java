package org.cnnhls.engine;

import org.cnnhls.ir.interp.IndexMaps;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ResizeWeights;

/**
 * The RESIZE descriptor's tables (issue 14), from its fields alone, so lowering (which writes them
 * into the quant blob) and the timing model (which needs the source rows' addresses) agree by
 * construction: per axis the source indices i0, i1 and the weight of i1 (ResizeWeights for linear;
 * for nearest the index map with i1 = i0 and weight 0).
 */
final class ResizeTables {
  private ResizeTables() {}

  static ResizeWeights axis(LayerDescriptor d, boolean rows) {
    Op.CoordinateMode mode = Op.CoordinateMode.values()[d.rsCoord()];
    int in = rows ? d.inH() : d.inW(), out = rows ? d.outH() : d.outW();
    float scale = Float.intBitsToFloat(rows ? d.rsScaleH() : d.rsScaleW());
    if (d.rsNearest() < 0) return ResizeWeights.of(mode, in, out, scale);
    int[] map = IndexMaps.nearestAxis(mode, Op.NearestMode.values()[d.rsNearest()], in, out, scale);
    return new ResizeWeights(map, map.clone(), new int[out]);
  }

  /** The quant-blob table: per output row (i0 * in_w, i1 * in_w, ly), then per column (i0, i1, lx), padded to pairs. */
  static int[] blob(LayerDescriptor d) {
    ResizeWeights r = axis(d, true), c = axis(d, false);
    int n = 3 * (d.outH() + d.outW());
    int[] t = new int[n + (n & 1)];
    int k = 0;
    for (int o = 0; o < d.outH(); o++) {
      t[k++] = r.i0()[o] * d.inW();
      t[k++] = r.i1()[o] * d.inW();
      t[k++] = r.lambda()[o];
    }
    for (int o = 0; o < d.outW(); o++) {
      t[k++] = c.i0()[o];
      t[k++] = c.i1()[o];
      t[k++] = c.lambda()[o];
    }
    return t;
  }
}
