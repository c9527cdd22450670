package org.cnnhls.ir.quant;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DoubleKernels} on jdk.incubator.vector (the widest double species): the conv block keeps
 * 6 output channels by 4 vectors of positions in registers and broadcasts one weight per channel
 * per step. Loaded only when the module is in the boot layer ({@code --add-modules
 * jdk.incubator.vector}); never referenced directly.
 */
final class VectorKernels implements DoubleKernels {
  static final VectorKernels INSTANCE = new VectorKernels();

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  /** Ints with as many lanes as {@link #S}, converted to doubles on load. */
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(S.vectorBitSize() / 2));
  private static final int L = S.length();

  private VectorKernels() {}

  @Override
  public int rows() {
    return 6;
  }

  @Override
  public int tile() {
    return 4 * L;
  }

  // One flat loop over k with every accumulator a local: nested loops made C2 box the vectors.
  @Override
  public void convBlock(double[] x, int p0, int[] koff, float[] w, int wOff, double[] acc, int accOff, int accStride) {
    DoubleVector a00 = DoubleVector.zero(S), a01 = DoubleVector.zero(S), a02 = DoubleVector.zero(S), a03 = DoubleVector.zero(S);
    DoubleVector a10 = DoubleVector.zero(S), a11 = DoubleVector.zero(S), a12 = DoubleVector.zero(S), a13 = DoubleVector.zero(S);
    DoubleVector a20 = DoubleVector.zero(S), a21 = DoubleVector.zero(S), a22 = DoubleVector.zero(S), a23 = DoubleVector.zero(S);
    DoubleVector a30 = DoubleVector.zero(S), a31 = DoubleVector.zero(S), a32 = DoubleVector.zero(S), a33 = DoubleVector.zero(S);
    DoubleVector a40 = DoubleVector.zero(S), a41 = DoubleVector.zero(S), a42 = DoubleVector.zero(S), a43 = DoubleVector.zero(S);
    DoubleVector a50 = DoubleVector.zero(S), a51 = DoubleVector.zero(S), a52 = DoubleVector.zero(S), a53 = DoubleVector.zero(S);
    for (int k = 0, wi = wOff; k < koff.length; k++, wi += 6) {
      int o = p0 + koff[k];
      DoubleVector x0 = DoubleVector.fromArray(S, x, o), x1 = DoubleVector.fromArray(S, x, o + L);
      DoubleVector x2 = DoubleVector.fromArray(S, x, o + 2 * L), x3 = DoubleVector.fromArray(S, x, o + 3 * L);
      DoubleVector b0 = DoubleVector.broadcast(S, (double) w[wi]);
      a00 = x0.fma(b0, a00); a01 = x1.fma(b0, a01); a02 = x2.fma(b0, a02); a03 = x3.fma(b0, a03);
      DoubleVector b1 = DoubleVector.broadcast(S, (double) w[wi + 1]);
      a10 = x0.fma(b1, a10); a11 = x1.fma(b1, a11); a12 = x2.fma(b1, a12); a13 = x3.fma(b1, a13);
      DoubleVector b2 = DoubleVector.broadcast(S, (double) w[wi + 2]);
      a20 = x0.fma(b2, a20); a21 = x1.fma(b2, a21); a22 = x2.fma(b2, a22); a23 = x3.fma(b2, a23);
      DoubleVector b3 = DoubleVector.broadcast(S, (double) w[wi + 3]);
      a30 = x0.fma(b3, a30); a31 = x1.fma(b3, a31); a32 = x2.fma(b3, a32); a33 = x3.fma(b3, a33);
      DoubleVector b4 = DoubleVector.broadcast(S, (double) w[wi + 4]);
      a40 = x0.fma(b4, a40); a41 = x1.fma(b4, a41); a42 = x2.fma(b4, a42); a43 = x3.fma(b4, a43);
      DoubleVector b5 = DoubleVector.broadcast(S, (double) w[wi + 5]);
      a50 = x0.fma(b5, a50); a51 = x1.fma(b5, a51); a52 = x2.fma(b5, a52); a53 = x3.fma(b5, a53);
    }
    a00.intoArray(acc, accOff);
    a01.intoArray(acc, accOff + L);
    a02.intoArray(acc, accOff + 2 * L);
    a03.intoArray(acc, accOff + 3 * L);
    a10.intoArray(acc, accOff + accStride);
    a11.intoArray(acc, accOff + accStride + L);
    a12.intoArray(acc, accOff + accStride + 2 * L);
    a13.intoArray(acc, accOff + accStride + 3 * L);
    a20.intoArray(acc, accOff + 2 * accStride);
    a21.intoArray(acc, accOff + 2 * accStride + L);
    a22.intoArray(acc, accOff + 2 * accStride + 2 * L);
    a23.intoArray(acc, accOff + 2 * accStride + 3 * L);
    a30.intoArray(acc, accOff + 3 * accStride);
    a31.intoArray(acc, accOff + 3 * accStride + L);
    a32.intoArray(acc, accOff + 3 * accStride + 2 * L);
    a33.intoArray(acc, accOff + 3 * accStride + 3 * L);
    a40.intoArray(acc, accOff + 4 * accStride);
    a41.intoArray(acc, accOff + 4 * accStride + L);
    a42.intoArray(acc, accOff + 4 * accStride + 2 * L);
    a43.intoArray(acc, accOff + 4 * accStride + 3 * L);
    a50.intoArray(acc, accOff + 5 * accStride);
    a51.intoArray(acc, accOff + 5 * accStride + L);
    a52.intoArray(acc, accOff + 5 * accStride + 2 * L);
    a53.intoArray(acc, accOff + 5 * accStride + 3 * L);
  }

  @Override
  public void convRow(double[] x, int p0, int[] koff, float[] w, int wOff, double[] acc) {
    DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
    for (int k = 0; k < koff.length; k++) {
      int o = p0 + koff[k];
      DoubleVector b = DoubleVector.broadcast(S, (double) w[wOff + k]);
      a0 = DoubleVector.fromArray(S, x, o).fma(b, a0);
      a1 = DoubleVector.fromArray(S, x, o + L).fma(b, a1);
      a2 = DoubleVector.fromArray(S, x, o + 2 * L).fma(b, a2);
      a3 = DoubleVector.fromArray(S, x, o + 3 * L).fma(b, a3);
    }
    a0.intoArray(acc, 0);
    a1.intoArray(acc, L);
    a2.intoArray(acc, 2 * L);
    a3.intoArray(acc, 3 * L);
  }

  @Override
  public void winogradInput(double[] x, int p0, int chStride, int channels, int[] off, double sa, double sb, double[] v, int vOff) {
    DoubleVector vsa = DoubleVector.broadcast(S, sa), vsb = DoubleVector.broadcast(S, sb);
    int oA = off[0], oB = off[1], oC = off[2], oD = off[3];
    for (int i = 0, o = p0, vo = vOff; i < channels; i++, o += chStride, vo += 4 * L) {
      for (int q = 0; q < 4 * L; q += L) {
        DoubleVector a = DoubleVector.fromArray(S, x, o + oA + q).add(DoubleVector.fromArray(S, x, o + oB + q).mul(vsb));
        DoubleVector c = DoubleVector.fromArray(S, x, o + oC + q).add(DoubleVector.fromArray(S, x, o + oD + q).mul(vsb));
        c.fma(vsa, a).intoArray(v, vo + q);
      }
    }
  }

  // Straight-line: every value a local, so C2 keeps them in registers.
  @Override
  public void winogradOutput(double[] m, int mOff, double[] out) {
    int nr = 4 * L;
    for (int q = 0; q < nr; q += L) {
      int o = mOff + q;
      DoubleVector m00 = DoubleVector.fromArray(S, m, o), m01 = DoubleVector.fromArray(S, m, o + nr);
      DoubleVector m02 = DoubleVector.fromArray(S, m, o + 2 * nr), m03 = DoubleVector.fromArray(S, m, o + 3 * nr);
      DoubleVector m10 = DoubleVector.fromArray(S, m, o + 4 * nr), m11 = DoubleVector.fromArray(S, m, o + 5 * nr);
      DoubleVector m12 = DoubleVector.fromArray(S, m, o + 6 * nr), m13 = DoubleVector.fromArray(S, m, o + 7 * nr);
      DoubleVector m20 = DoubleVector.fromArray(S, m, o + 8 * nr), m21 = DoubleVector.fromArray(S, m, o + 9 * nr);
      DoubleVector m22 = DoubleVector.fromArray(S, m, o + 10 * nr), m23 = DoubleVector.fromArray(S, m, o + 11 * nr);
      DoubleVector m30 = DoubleVector.fromArray(S, m, o + 12 * nr), m31 = DoubleVector.fromArray(S, m, o + 13 * nr);
      DoubleVector m32 = DoubleVector.fromArray(S, m, o + 14 * nr), m33 = DoubleVector.fromArray(S, m, o + 15 * nr);
      // A^T M: rows
      DoubleVector s00 = m00.add(m10).add(m20), s10 = m10.sub(m20).sub(m30);
      DoubleVector s01 = m01.add(m11).add(m21), s11 = m11.sub(m21).sub(m31);
      DoubleVector s02 = m02.add(m12).add(m22), s12 = m12.sub(m22).sub(m32);
      DoubleVector s03 = m03.add(m13).add(m23), s13 = m13.sub(m23).sub(m33);
      // (A^T M) A: columns, then the exact quarter
      s00.add(s01).add(s02).mul(0.25).intoArray(out, q);
      s01.sub(s02).sub(s03).mul(0.25).intoArray(out, nr + q);
      s10.add(s11).add(s12).mul(0.25).intoArray(out, 2 * nr + q);
      s11.sub(s12).sub(s13).mul(0.25).intoArray(out, 3 * nr + q);
    }
  }

  private static DoubleVector load(int[] w, int i) {
    return (DoubleVector) IntVector.fromArray(I, w, i).convertShape(VectorOperators.I2D, S, 0);
  }

  @Override
  public void dot4(int[] w, int r0, int r1, int r2, int r3, double[] x, int xOff, int k, double[] out) {
    DoubleVector s0 = DoubleVector.zero(S), s1 = DoubleVector.zero(S), s2 = DoubleVector.zero(S), s3 = DoubleVector.zero(S);
    int end = k - k % L;
    for (int p = 0; p < end; p += L) {
      DoubleVector xv = DoubleVector.fromArray(S, x, xOff + p);
      s0 = load(w, r0 + p).fma(xv, s0);
      s1 = load(w, r1 + p).fma(xv, s1);
      s2 = load(w, r2 + p).fma(xv, s2);
      s3 = load(w, r3 + p).fma(xv, s3);
    }
    double t0 = s0.reduceLanes(VectorOperators.ADD), t1 = s1.reduceLanes(VectorOperators.ADD);
    double t2 = s2.reduceLanes(VectorOperators.ADD), t3 = s3.reduceLanes(VectorOperators.ADD);
    for (int p = end; p < k; p++) {
      double xv = x[xOff + p];
      t0 += w[r0 + p] * xv;
      t1 += w[r1 + p] * xv;
      t2 += w[r2 + p] * xv;
      t3 += w[r3 + p] * xv;
    }
    out[0] = t0;
    out[1] = t1;
    out[2] = t2;
    out[3] = t3;
  }

  @Override
  public void axpyColumns(int[] w, int n, int j0, int cols, double[] x, int xOff, int k, double[] acc) {
    for (int c = 0; c < cols; c += 4 * L) {
      DoubleVector a0 = DoubleVector.zero(S), a1 = DoubleVector.zero(S), a2 = DoubleVector.zero(S), a3 = DoubleVector.zero(S);
      for (int p = 0, row = j0 + c; p < k; p++, row += n) {
        DoubleVector xv = DoubleVector.broadcast(S, x[xOff + p]);
        a0 = load(w, row).fma(xv, a0);
        a1 = load(w, row + L).fma(xv, a1);
        a2 = load(w, row + 2 * L).fma(xv, a2);
        a3 = load(w, row + 3 * L).fma(xv, a3);
      }
      a0.intoArray(acc, c);
      a1.intoArray(acc, c + L);
      a2.intoArray(acc, c + 2 * L);
      a3.intoArray(acc, c + 3 * L);
    }
  }

  @Override
  public int gemmCols() {
    return 4 * L;
  }
}
