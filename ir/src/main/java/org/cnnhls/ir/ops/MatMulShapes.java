package org.cnnhls.ir.ops;

import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;

/**
 * Numpy matmul shape rules: 1-D operands are promoted (and the added axis dropped from the
 * result), leading batch axes broadcast.
 */
public record MatMulShapes(Shape a, Shape b, Shape batchShape, int m, int k, int n, Shape out) {

  public int batch() {
    return batchShape.size();
  }

  public static MatMulShapes of(Shape a, Shape b) {
    if (a.rank() == 0 || b.rank() == 0) throw new ModelException("MatMul operands must not be scalars");
    int[] ad = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.dims();
    int[] bd = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.dims();
    int m = ad[ad.length - 2], k = ad[ad.length - 1], kb = bd[bd.length - 2], n = bd[bd.length - 1];
    if (k != kb) throw new ModelException("MatMul inner dimensions differ: " + a + " x " + b);
    Shape ba = new Shape(java.util.Arrays.copyOf(ad, ad.length - 2));
    Shape bb = new Shape(java.util.Arrays.copyOf(bd, bd.length - 2));
    Shape batch = Shape.broadcast(ba, bb);
    int r = batch.rank();
    int[] out = new int[r + 2];
    System.arraycopy(batch.dims(), 0, out, 0, r);
    out[r] = m;
    out[r + 1] = n;
    int[] finalDims = out;
    if (a.rank() == 1 && b.rank() == 1) finalDims = new int[0];
    else if (a.rank() == 1) finalDims = dropAxis(out, r);
    else if (b.rank() == 1) finalDims = dropAxis(out, r + 1);
    return new MatMulShapes(new Shape(ad), new Shape(bd), batch, m, k, n, new Shape(finalDims));
  }

  private static int[] dropAxis(int[] dims, int axis) {
    int[] out = new int[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) if (i != axis) out[j++] = dims[i];
    return out;
  }
}
