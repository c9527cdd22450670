package org.cnnhls.ir.pass;

import java.util.Arrays;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;

/** Per-channel arithmetic on weight tensors, in double and rounded once to float. */
final class Weights {
  private Weights() {}

  /**
   * The values of a constant that, broadcast against a tensor of shape {@code out}, varies only
   * along {@code axis}: one value per channel, or null if it varies along another axis or would
   * grow the tensor. Numpy broadcasting aligns shapes at the right, so a [C] vector is per-channel
   * for a 2-D [N,C] tensor but not for NCHW, where it needs shape [C,1,1] or [1,C,1,1].
   */
  static float[] perChannel(Tensor t, Shape out, int axis) {
    Shape s = t.shape();
    if (axis >= out.rank() || s.rank() > out.rank()) return null;
    int channels = out.dim(axis), offset = out.rank() - s.rank();
    boolean varies = false;
    for (int i = 0; i < s.rank(); i++) {
      int d = s.dim(i);
      if (d == 1) continue;
      if (i + offset != axis || d != channels) return null;
      varies = true;
    }
    float[] v = new float[channels];
    for (int c = 0; c < channels; c++) v[c] = t.get(varies ? c : 0);
    return v;
  }

  /** {@code w} with every element of channel {@code c} along its first axis times {@code a[c]} (Conv [M,...], Gemm B [N,K]). */
  static Tensor scaleRows(Tensor w, double[] a) {
    float[] v = w.toFloatArray();
    int per = v.length / a.length;
    for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] * a[i / per]);
    return Tensor.wrap(w.shape(), v);
  }

  /** {@code w} with every element of channel {@code c} along its last axis times {@code a[c]} (Gemm B [K,N]). */
  static Tensor scaleColumns(Tensor w, double[] a) {
    float[] v = w.toFloatArray();
    for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] * a[i % a.length]);
    return Tensor.wrap(w.shape(), v);
  }

  /** {@code scale * b + shift} per channel ({@code b} null meaning zero), with the given shape. */
  static Tensor affine(float[] b, double[] scale, double[] shift, Shape shape) {
    float[] v = new float[shift.length];
    for (int c = 0; c < v.length; c++) v[c] = (float) ((b == null ? 0 : b[c] * scale[c]) + shift[c]);
    return Tensor.wrap(shape, v);
  }

  static double[] ones(int n) {
    double[] v = new double[n];
    Arrays.fill(v, 1.0);
    return v;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }
}
