package org.cnnhls.ir.ops;

import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Shape;

/** Output-size arithmetic shared by convolution and pooling (2-D, NCHW). */
public final class Spatial {
  private Spatial() {}

  static void requireRank4(Shape x, String what) {
    if (x.rank() != 4) {
      throw new ModelException(what + " must be 4-D NCHW, got " + x + " (only 2-D spatial ops are supported)");
    }
  }

  /** Output length of one spatial axis; {@code ceil} rounds up but never starts a window in the end padding. */
  public static int outDim(int in, int k, int s, int padBegin, int padEnd, int d, boolean ceil) {
    // in long: kernel x dilation and input + pads can pass 2^31 on attributes a model may carry
    long span = (long) (k - 1) * d + 1;
    long numer = (long) in + padBegin + padEnd - span;
    if (numer < 0) {
      throw new ModelException("window of " + span + " does not fit input " + in + " with pads " + padBegin + "," + padEnd);
    }
    long out = (ceil ? (numer + s - 1) / s : numer / s) + 1;
    if (ceil && (out - 1) * s >= (long) in + padBegin) out--;
    if (out > Shape.MAX_ELEMENTS) {
      throw new ModelException("output length " + out + " (input " + in + ", pads " + padBegin + "," + padEnd + ") exceeds 2^31-1");
    }
    return (int) out;
  }

  /**
   * Output columns [first, end) whose input column ox*stride + offset falls inside [0, width):
   * the inner-loop bounds of a direct convolution, so the loop itself needs no padding checks.
   */
  public static int firstColumn(int offset, int stride) {
    return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  }

  public static int endColumn(int outWidth, int width, int offset, int stride) {
    return width - 1 - offset < 0 ? 0 : Math.min(outWidth, (width - 1 - offset) / stride + 1);
  }

  static Shape poolShape(Shape x, int[] k, int[] s, int[] p, int[] d, boolean ceil, String op) {
    requireRank4(x, op + " input");
    return Shape.of(x.dim(0), x.dim(1),
        outDim(x.dim(2), k[0], s[0], p[0], p[2], d[0], ceil),
        outDim(x.dim(3), k[1], s[1], p[1], p[3], d[1], ceil));
  }

  static Shape globalShape(Shape x, String op) {
    if (x.rank() < 3) throw new ModelException(op + " needs a tensor with spatial axes, got " + x);
    int[] dims = x.dims();
    for (int i = 2; i < dims.length; i++) dims[i] = 1;
    return new Shape(dims);
  }

  static String describe(int[] k, int[] s, int[] p, int[] d) {
    StringBuilder sb = new StringBuilder();
    sb.append("k=").append(k[0]).append('x').append(k[1]);
    sb.append(" s=").append(s[0]).append('x').append(s[1]);
    if (p[0] != 0 || p[1] != 0 || p[2] != 0 || p[3] != 0) {
      sb.append(" p=").append(p[0]).append(',').append(p[1]).append(',').append(p[2]).append(',').append(p[3]);
    }
    if (d[0] != 1 || d[1] != 1) sb.append(" d=").append(d[0]).append('x').append(d[1]);
    return sb.toString();
  }
}
