package org.cnnhls.ir.quant;

/**
 * Inner loops of the exact-in-double golden conv and fully connected layers. Operands are integers
 * held in doubles; callers guarantee every product and partial sum is an integer below 2^53 in
 * magnitude, so each FMA and add is exact and the order of accumulation does not matter. Two
 * implementations: {@link VectorKernels} (jdk.incubator.vector, when the module is in the boot
 * layer) and {@link ScalarKernels}; {@link #get()} picks once.
 */
interface DoubleKernels {
  // Conv weights come as floats: integers up to 2^24 in magnitude, exact (callers check), half the
  // memory traffic of doubles.

  /** Output channels of one {@link #convBlock} call. */
  int rows();

  /** Consecutive output positions of one conv call. */
  int tile();

  /**
   * {@code acc[accOff + r * accStride + j] = sum_k w[wOff + k * rows() + r] * x[p0 + koff[k] + j]}
   * for r below {@link #rows()}, j below {@link #tile()}.
   */
  void convBlock(double[] x, int p0, int[] koff, float[] w, int wOff, double[] acc, int accOff, int accStride);

  /** One output channel: {@code acc[j] = sum_k w[wOff + k] * x[p0 + koff[k] + j]} for j below {@link #tile()}. */
  void convRow(double[] x, int p0, int[] koff, float[] w, int wOff, double[] acc);

  /**
   * One element (a, b) of the Winograd F(2x2, 3x3) input transform V = B^T d B, for {@link #tile()}
   * consecutive tiles of each of {@code channels} channels: with d[u][v] of tile j of channel i at
   * {@code x[p0 + i * chStride + off[4u + v] + j]} and B^T's rows a, b picking d[pa] + sa d[qa] and
   * d[pb] + sb d[qb], {@code off} = {pa pb, pa qb, qa pb, qa qb}, writes
   * {@code v[vOff + i * tile() + j] = d[pa][pb] + sb d[pa][qb] + sa (d[qa][pb] + sb d[qa][qb])}.
   * Signs are +-1 and values integers: exact.
   */
  void winogradInput(double[] x, int p0, int chStride, int channels, int[] off, double sa, double sb, double[] v, int vOff);

  /**
   * Winograd output transform A^T M A / 4 of {@link #tile()} tiles: M[a][b] of tile j is
   * {@code m[mOff + (4a + b) * tile() + j]}; output (dy, dx) goes to {@code out[(2dy + dx) * tile() + j]}.
   * A^T M A is 4 times an integer (the weights were transformed with 2G), so the quarter is exact.
   */
  void winogradOutput(double[] m, int mOff, double[] out);

  /** {@code out[t] = sum_{p < k} w[r_t + p] * x[xOff + p]} for t below 4: four weight rows against one input row. */
  void dot4(int[] w, int r0, int r1, int r2, int r3, double[] x, int xOff, int k, double[] out);

  /**
   * {@code acc[j - j0] = sum_{p < k} x[xOff + p] * w[p * n + j]} for j in [j0, j0 + cols) where
   * {@code cols} is a multiple of {@link #gemmCols()}; row-major weights, k by n.
   */
  void axpyColumns(int[] w, int n, int j0, int cols, double[] x, int xOff, int k, double[] acc);

  /** Column granularity of {@link #axpyColumns}. */
  int gemmCols();

  /** The vector kernels when jdk.incubator.vector is present (and not disabled), else the scalar ones. */
  static DoubleKernels get() {
    return Holder.INSTANCE;
  }

  final class Holder {
    private Holder() {}

    static final DoubleKernels INSTANCE = choose();

    private static DoubleKernels choose() {
      if (Boolean.getBoolean("cnnhls.scalarKernels") || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return ScalarKernels.INSTANCE;
      }
      try {
        DoubleKernels k = (DoubleKernels) Class.forName("org.cnnhls.ir.quant.VectorKernels").getDeclaredField("INSTANCE").get(null);
        return k.tile() >= 16 ? k : ScalarKernels.INSTANCE; // 256-bit vectors or wider
      } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
        return ScalarKernels.INSTANCE;
      }
    }
  }
}
