package org.cnnhls.ir.quant;

/** {@link DoubleKernels} in plain Java (4 channels by 4 positions in registers): the fallback without jdk.incubator.vector. */
final class ScalarKernels implements DoubleKernels {
  static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public int rows() {
    return 4;
  }

  @Override
  public int tile() {
    return 4;
  }

  @Override
  public void convBlock(double[] x, int p0, int[] koff, float[] w, int wOff, double[] acc, int accOff, int accStride) {
    double a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
    double a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
    for (int k = 0, wi = wOff; k < koff.length; k++, wi += 4) {
      int o = p0 + koff[k];
      double x0 = x[o], x1 = x[o + 1], x2 = x[o + 2], x3 = x[o + 3];
      double w0 = w[wi], w1 = w[wi + 1], w2 = w[wi + 2], w3 = w[wi + 3];
      a00 += w0 * x0;
      a01 += w0 * x1;
      a02 += w0 * x2;
      a03 += w0 * x3;
      a10 += w1 * x0;
      a11 += w1 * x1;
      a12 += w1 * x2;
      a13 += w1 * x3;
      a20 += w2 * x0;
      a21 += w2 * x1;
      a22 += w2 * x2;
      a23 += w2 * x3;
      a30 += w3 * x0;
      a31 += w3 * x1;
      a32 += w3 * x2;
      a33 += w3 * x3;
    }
    int r0 = accOff, r1 = accOff + accStride, r2 = r1 + accStride, r3 = r2 + accStride;
    acc[r0] = a00;
    acc[r0 + 1] = a01;
    acc[r0 + 2] = a02;
    acc[r0 + 3] = a03;
    acc[r1] = a10;
    acc[r1 + 1] = a11;
    acc[r1 + 2] = a12;
    acc[r1 + 3] = a13;
    acc[r2] = a20;
    acc[r2 + 1] = a21;
    acc[r2 + 2] = a22;
    acc[r2 + 3] = a23;
    acc[r3] = a30;
    acc[r3 + 1] = a31;
    acc[r3 + 2] = a32;
    acc[r3 + 3] = a33;
  }

  @Override
  public void convRow(double[] x, int p0, int[] koff, float[] w, int wOff, double[] acc) {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int k = 0; k < koff.length; k++) {
      int o = p0 + koff[k];
      double wv = w[wOff + k];
      a0 += wv * x[o];
      a1 += wv * x[o + 1];
      a2 += wv * x[o + 2];
      a3 += wv * x[o + 3];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
  }

  @Override
  public void winogradInput(double[] x, int p0, int chStride, int channels, int[] off, double sa, double sb, double[] v, int vOff) {
    for (int i = 0; i < channels; i++) {
      int o = p0 + i * chStride;
      for (int j = 0; j < 4; j++) {
        v[vOff + i * 4 + j] = x[o + off[0] + j] + sb * x[o + off[1] + j] + sa * (x[o + off[2] + j] + sb * x[o + off[3] + j]);
      }
    }
  }

  @Override
  public void winogradOutput(double[] m, int mOff, double[] out) {
    for (int j = 0; j < 4; j++) {
      double[] s = new double[8];
      for (int b = 0; b < 4; b++) { // rows: A^T M
        double m0 = m[mOff + b * 4 + j], m1 = m[mOff + (4 + b) * 4 + j], m2 = m[mOff + (8 + b) * 4 + j], m3 = m[mOff + (12 + b) * 4 + j];
        s[b] = m0 + m1 + m2;
        s[4 + b] = m1 - m2 - m3;
      }
      for (int dy = 0; dy < 2; dy++) { // columns: (A^T M) A
        out[2 * dy * 4 + j] = (s[4 * dy] + s[4 * dy + 1] + s[4 * dy + 2]) * 0.25;
        out[(2 * dy + 1) * 4 + j] = (s[4 * dy + 1] - s[4 * dy + 2] - s[4 * dy + 3]) * 0.25;
      }
    }
  }

  @Override
  public void dot4(int[] w, int r0, int r1, int r2, int r3, double[] x, int xOff, int k, double[] out) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int p = 0; p < k; p++) {
      double xv = x[xOff + p];
      s0 += w[r0 + p] * xv;
      s1 += w[r1 + p] * xv;
      s2 += w[r2 + p] * xv;
      s3 += w[r3 + p] * xv;
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
  }

  @Override
  public void axpyColumns(int[] w, int n, int j0, int cols, double[] x, int xOff, int k, double[] acc) {
    java.util.Arrays.fill(acc, 0, cols, 0);
    for (int p = 0; p < k; p++) {
      double xv = x[xOff + p];
      int row = p * n + j0;
      for (int j = 0; j < cols; j++) acc[j] += xv * w[row + j];
    }
  }

  @Override
  public int gemmCols() {
    return 1;
  }
}
