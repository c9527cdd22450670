package org.cnnhls.ir.quant;

import java.lang.ref.SoftReference;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.ops.Spatial;

/**
 * Integer kernels of the golden model: conv and FC accumulate exactly, in double (register-blocked,
 * vectorized by {@link DoubleKernels}) where every partial sum stays below 2^53, else in int64.
 */
public final class IntKernels {
  private IntKernels() {}

  /** AveragePool and GlobalAveragePool multiply by round(2^k / N) then shift by k + F_in - F_out. */
  public static final int AVG_SHIFT = 20;

  private static final long PARALLEL_MACS = 1 << 16;

  /**
   * Layers below this many MACs take the scalar kernels: until C2 has compiled them, vector API
   * calls run boxed and far slower than plain Java, and small models (the tests run many) never
   * warm them up.
   */
  static final long VECTOR_MIN_MACS = 1L << 21;

  static int[] conv(Op.Conv op, Shape xs, int[] x, int inWidth, Shape ws, LinearQuant lq, ActivationQuant act, int width,
      Shape ys, AtomicLong sat) {
    long macs = (long) ys.size() * ws.dim(1) * ws.dim(2) * ws.dim(3);
    return conv(op, xs, x, inWidth, ws, lq, act, width, ys, sat, macs >= VECTOR_MIN_MACS ? DoubleKernels.get() : ScalarKernels.INSTANCE);
  }

  /** With {@code kernels == null} always the int64 path (tests compare the paths). */
  static int[] conv(Op.Conv op, Shape xs, int[] x, int inWidth, Shape ws, LinearQuant lq, ActivationQuant act, int width,
      Shape ys, AtomicLong sat, DoubleKernels kernels) {
    ConvPath path = convPath(op, ws, inWidth, lq, kernels);
    // the double path lays the input out as stride phases: with strides far above the output size
    // (legal ONNX, output 1) that buffer would be mostly zeros and can pass 2^31 elements
    if (path == ConvPath.DOUBLE && phaseBufferSize(op, xs, ws, ys) > 4L * xs.size() + (1 << 20)) path = ConvPath.INT64;
    return switch (path) {
      case WINOGRAD -> convWinograd(op, xs, x, ws, lq, act, width, ys, sat, kernels);
      case DOUBLE -> convDouble(op, xs, x, ws, lq, act, width, ys, sat, kernels);
      case INT64 -> convLong(op, xs, x, ws, lq, act, width, ys, sat);
    };
  }

  enum ConvPath { WINOGRAD, DOUBLE, INT64 }

  /** Elements of {@link #convDouble}'s phase buffer (in double: the product can pass 2^63). */
  static double phaseBufferSize(Op.Conv op, Shape xs, Shape ws, Shape ys) {
    double sh = op.strides()[0], sw = op.strides()[1];
    long rows = ys.dim(2) + (long) ((long) (ws.dim(2) - 1) * op.dilations()[0] / sh);
    long cols = ys.dim(3) + (long) ((long) (ws.dim(3) - 1) * op.dilations()[1] / sw);
    return (double) xs.dim(1) * sh * sw * rows * cols;
  }

  static ConvPath convPath(Op.Conv op, Shape ws, int inWidth, LinearQuant lq, DoubleKernels kernels) {
    int cg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3), ww = lq.weightFormat().width();
    // Exact in double: every product and partial sum is an integer below 2^53 in magnitude when the
    // accumulator bound (Wx + Ww + ceil(log2 K) + 1) and the bias stay under 52 bits, and IEEE
    // addition of such integers is exact, in any order. Vector units do double FMAs, not 64-bit multiplies.
    boolean exactInDouble = inWidth + ww + 32 - Integer.numberOfLeadingZeros(cg * kh * kw) + 1 <= 52
        && maxAbs(lq.bias()) < (1L << 51);
    // the kernels take weights as floats: exact while |w| <= 2^(Ww-1) <= 2^24
    if (!exactInDouble || ww > 25 || kernels == null) return ConvPath.INT64;
    // Winograd F(2x2, 3x3) with integer transforms: |V| <= 4 max|x|, |U'| <= 9 max|w| (a float while
    // Ww <= 21), and the output transform adds 9 sums of cg products, so every value stays below
    // 324 cg 2^(Wx-1) 2^(Ww-1) < 2^53
    boolean winograd = kh == 3 && kw == 3 && op.strides()[0] == 1 && op.strides()[1] == 1 && op.dilations()[0] == 1
        && op.dilations()[1] == 1 && cg >= WINOGRAD_MIN_CHANNELS && ws.dim(0) / op.group() >= kernels.rows() / 2
        && ww <= 21 && inWidth + ww + 32 - Integer.numberOfLeadingZeros(cg) <= 46;
    return winograd ? ConvPath.WINOGRAD : ConvPath.DOUBLE;
  }

  /** Below this many input channels per group the Winograd transforms cost more than they save. */
  static final int WINOGRAD_MIN_CHANNELS = 8;

  /**
   * Winograd F(2x2, 3x3) (Lavin and Gray), exact: weights are transformed with G' = 2G, which has
   * integer entries, so U' = G' g G'^T = 4 G g G^T is an integer matrix; the input transform B^T d B
   * and the output transform A^T M A have entries 0 and +-1. Every value is an integer below 2^53
   * (bound checked by the caller), so each double operation is exact, and A^T M A = 4 y exactly.
   * 16 multiplies per 2x2 outputs and input channel instead of 36. The input is laid out as the 2x2
   * stride phases of the padded plane (see {@link #convDouble}): the 4x4 patch of tile (ty, tx)
   * element (u, v) is phase (u mod 2, v mod 2) at (ty + u / 2, tx + v / 2), a fixed offset from tile
   * number p = ty * cols + tx; tiles with tx = cols - 1 fall on padding and are dropped. For each of
   * the 16 elements xi a job transforms its tiles' inputs (V[xi]) and multiplies the transformed
   * weights of its channel blocks by them (a GEMM, the conv kernel with cg taps); then the output
   * transform and the requantization.
   */
  private static int[] convWinograd(Op.Conv op, Shape xs, int[] x, Shape ws, LinearQuant lq, ActivationQuant act, int width,
      Shape ys, AtomicLong sat, DoubleKernels kern) {
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
    int m = ws.dim(0), cg = ws.dim(1), oh = ys.dim(2), ow = ys.dim(3);
    int pt = op.pads()[0], pl = op.pads()[1], groups = op.group(), mg = m / groups;
    int tilesY = (oh + 1) / 2, tilesX = (ow + 1) / 2, rows = tilesY + 1, cols = tilesX + 1, plane = rows * cols;
    // element xi = 4a + b of V = B^T d B is d[p_a][p_b] + s_b d[p_a][q_b] + s_a (d[q_a][p_b] + s_b d[q_a][q_b]),
    // B^T's rows being d0 - d2, d1 + d2, d2 - d1, d1 - d3; d[u][v] sits at offset phase(u, v) + (u/2, v/2)
    int[] pRow = {0, 1, 2, 1}, qRow = {2, 2, 1, 3};
    double[] sign = {-1, 1, -1, -1};
    int[][] offs = new int[16][4];
    for (int xi = 0; xi < 16; xi++) {
      int[] us = {pRow[xi / 4], pRow[xi / 4], qRow[xi / 4], qRow[xi / 4]}, vs = {pRow[xi % 4], qRow[xi % 4], pRow[xi % 4], qRow[xi % 4]};
      for (int e = 0; e < 4; e++) offs[xi][e] = ((us[e] % 2) * 2 + vs[e] % 2) * plane + us[e] / 2 * cols + vs[e] / 2;
    }
    int nr = kern.tile(), mr = kern.rows(), blocks = (mg + mr - 1) / mr;
    int npos = tilesY * cols, tiles = (npos + nr - 1) / nr;
    int[] koffV = new int[cg];
    for (int icl = 0; icl < cg; icl++) koffV[icl] = icl * nr;
    boolean parallel = (long) ys.size() * cg * 9 >= PARALLEL_MACS;
    float[] u = packed(lq.weights(), true, mr, groups, () -> winogradWeights(lq.weights(), groups, mg, cg, mr, blocks, parallel));
    // A job is a span of kernel tiles by a run of up to ~256 channels. Per xi it transforms its inputs
    // (V[xi], span * cg * tile doubles, kept under 256 KB so it stays in L2 for all its blocks), then
    // multiplies each block's U'[xi] by it into M (under 1 MB); the transformed weights are read
    // once per span. Enough jobs for four per worker.
    int workers = parallel ? ForkJoinPool.getCommonPoolParallelism() + 1 : 1;
    int perJob = Math.min(blocks, Math.max(1, 256 / mr));
    int spanMax = Math.max(1, Math.min(tiles, Math.min(1024 / cg, 256 / (perJob * mr))));
    while ((long) groups * ((tiles + spanMax - 1) / spanMax) * ((blocks + perJob - 1) / perJob) < 4L * workers
        && (spanMax > 1 || perJob > 1)) {
      if (spanMax > 1) spanMax = (spanMax + 1) / 2;
      else perJob = (perJob + 1) / 2;
    }
    int span = spanMax, spans = (tiles + span - 1) / span, runs = (blocks + perJob - 1) / perJob;
    int runLen = (blocks + runs - 1) / runs; // the same number of blocks in every run
    int[] y = new int[ys.size()];
    double[] buf = takeSpare(SPARE_INPUT, c * 4 * plane + nr + cols);
    java.util.Arrays.fill(buf, c * 4 * plane, c * 4 * plane + nr + cols, 0); // the last tiles read past the last plane
    for (int b = 0; b < n; b++) {
      int batch = b;
      IntStream fill = IntStream.range(0, c);
      if (parallel) fill = fill.parallel();
      fill.forEach(ic -> fillPhases(x, (batch * c + ic) * h * wd, h, wd, 2, 2, pt, pl, rows, cols, buf, ic * 4 * plane));
      IntStream jobs = IntStream.range(0, groups * spans * runs);
      if (parallel) jobs = jobs.parallel();
      jobs.forEach(job -> {
        int run = job % runs, sp = job / runs % spans, g = job / runs / spans;
        int b0 = Math.min(blocks, run * runLen), b1 = Math.min(blocks, b0 + runLen), runOc = (b1 - b0) * mr;
        int t0 = sp * span, nt = Math.min(tiles, t0 + span) - t0;
        Scratch s = SCRATCH.get();
        double[] v = s.get(0, nt * cg * nr), mm = s.get(1, nt * runOc * 16 * nr), out = s.get(2, 4 * nr);
        for (int xi = 0; xi < 16; xi++) {
          // V[xi][tile run][input channel][tile]
          for (int tl = 0; tl < nt; tl++) {
            kern.winogradInput(buf, g * cg * 4 * plane + (t0 + tl) * nr, 4 * plane, cg, offs[xi], sign[xi / 4], sign[xi % 4], v,
                tl * cg * nr);
          }
          // M[tile run][channel][xi][tile] = U'[xi] V[xi]
          for (int blk = b0; blk < b1; blk++) {
            int wOff = ((g * 16 + xi) * blocks + blk) * cg * mr;
            for (int tl = 0; tl < nt; tl++) {
              kern.convBlock(v, tl * cg * nr, koffV, u, wOff, mm, ((tl * runOc + (blk - b0) * mr) * 16 + xi) * nr, 16 * nr);
            }
          }
        }
        OutputStage stage = new OutputStage(act, width);
        for (int tl = 0; tl < nt; tl++) {
          int p0 = (t0 + tl) * nr, count = Math.min(nr, npos - p0);
          for (int ocl = b0 * mr; ocl < Math.min(mg, b1 * mr); ocl++) {
            int oc = g * mg + ocl, outBase = (batch * m + oc) * oh * ow;
            kern.winogradOutput(mm, (tl * runOc + ocl - b0 * mr) * 16 * nr, out);
            stage.channel(lq.bias()[oc], lq.multiplier()[oc], lq.shift()[oc]);
            // runs of tiles within one row of tiles; each gives two output rows of interleaved columns
            for (int p = p0, end = p0 + count, ty = p0 / cols, tx = p0 - ty * cols; p < end; ty++, tx = 0) {
              int len = Math.min(end - p, cols - tx), j = p - p0;
              if (tx < tilesX) {
                int outLen = Math.min(2 * len, ow - 2 * tx), o = outBase + 2 * ty * ow + 2 * tx;
                stage.runPairs(out, j, nr + j, y, o, outLen);
                if (2 * ty + 1 < oh) stage.runPairs(out, 2 * nr + j, 3 * nr + j, y, o + ow, outLen);
              }
              p += len;
            }
          }
        }
        if (stage.clamped > 0) sat.addAndGet(stage.clamped);
      });
    }
    giveSpare(SPARE_INPUT, buf);
    return y;
  }

  /** U' = G' g G'^T (G' = 2G, integer) per (group, xi, block of mr channels): [input channel][channel in block]. */
  private static float[] winogradWeights(int[] w, int groups, int mg, int cg, int mr, int blocks, boolean parallel) {
    float[] u = new float[groups * 16 * blocks * cg * mr];
    IntStream gb = IntStream.range(0, groups * blocks);
    if (parallel) gb = gb.parallel();
    gb.forEach(i -> {
      int g = i / blocks, blk = i % blocks, step = blocks * cg * mr;
      double[] t = new double[12];
      for (int r = 0; r < mr; r++) {
        boolean real = blk * mr + r < mg; // the last block's missing channels get zero weights
        for (int icl = 0; icl < cg; icl++) {
          int src = ((g * mg + blk * mr + r) * cg + icl) * 9;
          for (int col = 0; col < 3; col++) { // G' g: rows 2 g0, g0 + g1 + g2, g0 - g1 + g2, 2 g2
            double g0 = real ? w[src + col] : 0, g1 = real ? w[src + 3 + col] : 0, g2 = real ? w[src + 6 + col] : 0;
            t[col] = 2 * g0;
            t[3 + col] = g0 + g1 + g2;
            t[6 + col] = g0 - g1 + g2;
            t[9 + col] = 2 * g2;
          }
          for (int a = 0; a < 4; a++) { // (G' g) G'^T, the same combination of columns
            double t0 = t[3 * a], t1 = t[3 * a + 1], t2 = t[3 * a + 2];
            int dst = (((g * 16 + 4 * a) * blocks + blk) * cg + icl) * mr + r;
            u[dst] = (float) (2 * t0);
            u[dst + step] = (float) (t0 + t1 + t2);
            u[dst + 2 * step] = (float) (t0 - t1 + t2);
            u[dst + 3 * step] = (float) (2 * t2);
          }
        }
      }
    });
    return u;
  }

  /** Per-thread work arrays of the conv jobs, grown on demand (a Winograd job's V is a few MB). */
  private static final class Scratch {
    private final double[][] arrays = new double[3][];

    double[] get(int i, int size) {
      if (arrays[i] == null || arrays[i].length < size) arrays[i] = new double[size];
      return arrays[i];
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * A spare padded-input array, reused by the next conv (allocating and zeroing tens of MB per layer
   * cost more than filling them); softly held, and taken atomically, so concurrent convs just
   * allocate their own. Callers overwrite every element they read.
   */
  private static final AtomicReference<SoftReference<double[]>> SPARE_INPUT = new AtomicReference<>();

  private static double[] takeSpare(AtomicReference<SoftReference<double[]>> spare, int size) {
    SoftReference<double[]> ref = spare.getAndSet(null);
    double[] a = ref == null ? null : ref.get();
    return a != null && a.length >= size ? a : new double[size];
  }

  private static void giveSpare(AtomicReference<SoftReference<double[]>> spare, double[] a) {
    spare.set(new SoftReference<>(a));
  }

  /**
   * Requantize, saturate and activate, one channel at a time; counts saturations. The same values as
   * {@link #requantizeInto}, with the common cases (M = 1, ReLU-style clamps) free of
   * data-dependent branches.
   */
  private static final class OutputStage {
    private final ActivationQuant act;
    private final long max, min, lo, hi;
    private final boolean clampOnly;
    private long bias, biasHalf;
    private int mult, shift;
    /** M = 1, 0 < s < 62, |bias| < 2^60 and a ReLU-style clamp inside the format: one shift and one clamp. */
    private boolean simple;
    long clamped;

    OutputStage(ActivationQuant act, int width) {
      this.act = act;
      this.max = (1L << (width - 1)) - 1;
      this.min = -max - 1;
      this.lo = act.lo();
      this.hi = act.hi();
      this.clampOnly = !act.leaky() && min <= lo && lo <= hi && hi <= max;
    }

    void channel(long bias, int mult, int shift) {
      this.bias = bias;
      this.mult = mult;
      this.shift = shift;
      this.simple = clampOnly && mult == 1 && shift > 0 && shift < 62 && Math.abs(bias) < (1L << 60);
      this.biasHalf = simple ? bias + (1L << (shift - 1)) - 1 : 0; // half to even adds the kept LSB below
    }

    /** {@code acc} is an exact integer below 2^53 in magnitude. */
    int apply(double acc) {
      long r = requantize((long) acc + bias, mult, shift);
      if (r > max) {
        r = max;
        clamped++;
      } else if (r < min) {
        r = min;
        clamped++;
      }
      return act.apply((int) r);
    }

    /** {@code y[o + i] = apply(v[a + i])} for i below len. */
    void run(double[] v, int a, int[] y, int o, int len) {
      if (!simple) {
        for (int i = 0; i < len; i++) y[o + i] = apply(v[a + i]);
        return;
      }
      // |acc + bias + 2^(s-1)| < 2^53 + 2^61: requantize's fast case; with min <= lo <= hi <= max
      // saturating then clamping is one clamp to [lo, hi]
      long bh = biasHalf, cl = 0;
      int s = shift;
      for (int i = 0; i < len; i++) {
        long u = (long) v[a + i];
        long r = (u + bh + (((u + bias) >> s) & 1)) >> s;
        if (r > max || r < min) cl++;
        y[o + i] = (int) Math.max(lo, Math.min(hi, r));
      }
      clamped += cl;
    }

    /** Two interleaved columns: {@code y[o + i] = apply(i even ? v[a + i / 2] : v[b + i / 2])} for i below len. */
    void runPairs(double[] v, int a, int b, int[] y, int o, int len) {
      if (!simple) {
        for (int i = 0; i < len; i++) y[o + i] = apply(v[(i & 1) == 0 ? a + i / 2 : b + i / 2]);
        return;
      }
      long bh = biasHalf, bias = this.bias, cl = 0;
      int s = shift;
      for (int i = 0; i + 1 < len; i += 2) {
        long u0 = (long) v[a + i / 2], u1 = (long) v[b + i / 2];
        long r0 = (u0 + bh + (((u0 + bias) >> s) & 1)) >> s, r1 = (u1 + bh + (((u1 + bias) >> s) & 1)) >> s;
        if (r0 > max || r0 < min) cl++;
        if (r1 > max || r1 < min) cl++;
        y[o + i] = (int) Math.max(lo, Math.min(hi, r0));
        y[o + i + 1] = (int) Math.max(lo, Math.min(hi, r1));
      }
      clamped += cl;
      if ((len & 1) != 0) y[o + len - 1] = apply(v[a + len / 2]);
    }
  }

  /** {@link Requantize#scaled} with its common case (M = 1, 0 < s < 62, |acc| < 2^62 - 2^61) inlined. */
  private static long requantize(long acc, int mult, int shift) {
    if (mult == 1 && shift > 0 && shift < 62 && acc < (1L << 61) && acc > -(1L << 61)) return Requantize.roundShift(acc, shift);
    return Requantize.scaled(acc, mult, shift);
  }

  /**
   * Direct convolution as a register-blocked GEMM over a padded copy of the input in doubles. The
   * padded input is split into stride phases, plane (py, px) holding padded[r * sh + py][q * sw + px]
   * (zeros outside the image), so every tap (ky, kx) of output (oy, ox) reads phase
   * ((ky dh) mod sh, (kx dw) mod sw) at row oy + (ky dh) / sh, column ox + (kx dw) / sw. Output
   * positions are numbered p = oy * cols + ox over the phase width {@code cols}, so each tap is one
   * offset from p and a run of positions is contiguous; the cols - ow positions past each row's
   * end are computed on padding and dropped. One kernel call computes a block of output channels by
   * a tile of positions over all cg * kh * kw taps; jobs are (group, chunk of tiles, channel block).
   */
  private static int[] convDouble(Op.Conv op, Shape xs, int[] x, Shape ws, LinearQuant lq, ActivationQuant act, int width,
      Shape ys, AtomicLong sat, DoubleKernels kern) {
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
    int m = ws.dim(0), cg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3);
    int oh = ys.dim(2), ow = ys.dim(3);
    int sh = op.strides()[0], sw = op.strides()[1], pt = op.pads()[0], pl = op.pads()[1];
    int dh = op.dilations()[0], dw = op.dilations()[1];
    int groups = op.group(), mg = m / groups, phases = sh * sw;
    int rows = oh + (kh - 1) * dh / sh, cols = ow + (kw - 1) * dw / sw, plane = rows * cols;
    int kk = cg * kh * kw;
    int[] koff = new int[kk];
    for (int icl = 0; icl < cg; icl++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int phase = (ky * dh % sh) * sw + kx * dw % sw;
          koff[(icl * kh + ky) * kw + kx] = (icl * phases + phase) * plane + ky * dh / sh * cols + kx * dw / sw;
        }
      }
    }
    int mr = mg >= 3 ? kern.rows() : 1, blocks = (mg + mr - 1) / mr;
    int nr = kern.tile(), npos = oh * cols, tiles = (npos + nr - 1) / nr;
    boolean parallel = (long) ys.size() * kk >= PARALLEL_MACS;
    float[] wp = packed(lq.weights(), false, mr, groups, () -> packWeights(lq.weights(), groups, mg, kk, mr, blocks, parallel));
    // chunks of about 512 positions share their input rows across the channel blocks that follow
    int workers = parallel ? ForkJoinPool.getCommonPoolParallelism() + 1 : 1;
    int chunk = (int) Math.max(1, Math.min(Math.max(1, 512 / nr), (long) tiles * groups * blocks / (8L * workers)));
    int chunks = (tiles + chunk - 1) / chunk;
    int[] y = new int[ys.size()];
    double[] buf = takeSpare(SPARE_INPUT, c * phases * plane + nr + cols);
    java.util.Arrays.fill(buf, c * phases * plane, c * phases * plane + nr + cols, 0); // the last tile reads past the last plane
    for (int b = 0; b < n; b++) {
      int batch = b;
      IntStream fill = IntStream.range(0, c);
      if (parallel) fill = fill.parallel();
      fill.forEach(ic -> fillPhases(x, (batch * c + ic) * h * wd, h, wd, sh, sw, pt, pl, rows, cols, buf, ic * phases * plane));
      IntStream jobs = IntStream.range(0, groups * chunks * blocks);
      if (parallel) jobs = jobs.parallel();
      jobs.forEach(job -> {
        int blk = job % blocks, ch = job / blocks % chunks, g = job / blocks / chunks;
        int xBase = g * cg * phases * plane, wOff = (g * blocks + blk) * kk * mr;
        double[] acc = SCRATCH.get().get(0, mr * nr);
        OutputStage stage = new OutputStage(act, width);
        for (int t = ch * chunk, tEnd = Math.min(tiles, t + chunk); t < tEnd; t++) {
          int p0 = t * nr;
          if (mr == 1) kern.convRow(buf, xBase + p0, koff, wp, wOff, acc);
          else kern.convBlock(buf, xBase + p0, koff, wp, wOff, acc, 0, nr);
          for (int r = 0; r < mr && blk * mr + r < mg; r++) {
            int oc = g * mg + blk * mr + r, outBase = (batch * m + oc) * oh * ow;
            stage.channel(lq.bias()[oc], lq.multiplier()[oc], lq.shift()[oc]);
            // runs of positions within one output row
            for (int p = p0, end = Math.min(p0 + nr, npos), oy = p0 / cols, ox = p0 - oy * cols; p < end; oy++, ox = 0) {
              int len = Math.min(end - p, cols - ox);
              if (ox < ow) stage.run(acc, r * nr + p - p0, y, outBase + oy * ow + ox, Math.min(len, ow - ox));
              p += len;
            }
          }
        }
        if (stage.clamped > 0) sat.addAndGet(stage.clamped);
      });
    }
    giveSpare(SPARE_INPUT, buf);
    return y;
  }

  /** Weights as floats (exact, see convPath), per (group, block of mr channels): [tap][channel in block], zeros past the group's channels. */
  private static float[] packWeights(int[] w, int groups, int mg, int kk, int mr, int blocks, boolean parallel) {
    float[] wp = new float[groups * blocks * kk * mr];
    IntStream gb = IntStream.range(0, groups * blocks);
    if (parallel) gb = gb.parallel();
    gb.forEach(i -> {
      int g = i / blocks, blk = i % blocks, base = i * kk * mr;
      for (int r = 0; r < mr && blk * mr + r < mg; r++) {
        int src = (g * mg + blk * mr + r) * kk;
        for (int k = 0; k < kk; k++) wp[base + k * mr + r] = w[src + k];
      }
    });
    return wp;
  }

  /**
   * Packed weights of one layout, kept while the layer's weights array lives (weak keys: the
   * quantized graph's weights are never modified), so repeated runs pack once: a float copy of the
   * conv weights, 16/9 of one for Winograd.
   */
  private record Packed(boolean winograd, int mr, int groups, float[] w) {}

  private static final Map<int[], Packed> PACKED = Collections.synchronizedMap(new WeakHashMap<>());

  private static float[] packed(int[] weights, boolean winograd, int mr, int groups, Supplier<float[]> pack) {
    Packed p = PACKED.get(weights);
    if (p == null || p.winograd() != winograd || p.mr() != mr || p.groups() != groups) {
      p = new Packed(winograd, mr, groups, pack.get());
      PACKED.put(weights, p);
    }
    return p.w();
  }

  /** One channel's stride phases, padded with zeros (see {@link #convDouble}). */
  private static void fillPhases(int[] x, int src, int h, int wd, int sh, int sw, int pt, int pl, int rows, int cols, double[] buf,
      int dst) {
    for (int py = 0; py < sh; py++) {
      for (int px = 0; px < sw; px++) {
        int off = px - pl, lo = Math.min(cols, Spatial.firstColumn(off, sw)), hi = Math.max(lo, Spatial.endColumn(cols, wd, off, sw));
        for (int r = 0; r < rows; r++, dst += cols) {
          int iy = r * sh + py - pt;
          if (iy < 0 || iy >= h) {
            java.util.Arrays.fill(buf, dst, dst + cols, 0);
            continue;
          }
          int row = src + iy * wd + off;
          java.util.Arrays.fill(buf, dst, dst + lo, 0);
          if (sw == 1) {
            for (int q = lo; q < hi; q++) buf[dst + q] = x[row + q];
          } else {
            for (int q = lo; q < hi; q++) buf[dst + q] = x[row + q * sw];
          }
          java.util.Arrays.fill(buf, dst + hi, dst + cols, 0);
        }
      }
    }
  }

  /** The int64 path: one output row at a time, accumulators in L1, every (ic, ky, kx) added in. */
  private static int[] convLong(Op.Conv op, Shape xs, int[] x, Shape ws, LinearQuant lq, ActivationQuant act, int width,
      Shape ys, AtomicLong sat) {
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
    int m = ws.dim(0), cg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3);
    int oh = ys.dim(2), ow = ys.dim(3);
    int sh = op.strides()[0], sw = op.strides()[1], pt = op.pads()[0], pl = op.pads()[1];
    int dh = op.dilations()[0], dw = op.dilations()[1];
    int mPerGroup = m / op.group();
    int[] w = lq.weights();
    int[] y = new int[ys.size()];
    IntStream jobs = IntStream.range(0, n * m);
    if ((long) ys.size() * cg * kh * kw >= PARALLEL_MACS) jobs = jobs.parallel();
    jobs.forEach(job -> {
      int b = job / m, oc = job % m, g = oc / mPerGroup;
      int outBase = (b * m + oc) * oh * ow;
      long bias = lq.bias()[oc];
      long[] acc = new long[ow];
      long clamped = 0;
      for (int oy = 0; oy < oh; oy++) {
        java.util.Arrays.fill(acc, 0);
        for (int ic = 0; ic < cg; ic++) {
          int inBase = (b * c + g * cg + ic) * h * wd;
          int wBase = (oc * cg + ic) * kh * kw;
          for (int ky = 0; ky < kh; ky++) {
            int iy = oy * sh - pt + ky * dh;
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < kw; kx++) {
              int wv = w[wBase + ky * kw + kx];
              if (wv == 0) continue;
              int offX = kx * dw - pl;
              int oxLo = Spatial.firstColumn(offX, sw), oxHi = Spatial.endColumn(ow, wd, offX, sw);
              int row = inBase + iy * wd + offX;
              for (int ox = oxLo; ox < oxHi; ox++) acc[ox] += (long) wv * x[row + ox * sw];
            }
          }
        }
        for (int i = 0; i < ow; i++) acc[i] += bias;
        clamped += requantizeInto(acc, lq.multiplier()[oc], lq.shift()[oc], width, act, y, outBase + oy * ow);
      }
      if (clamped > 0) sat.addAndGet(clamped);
    });
    return y;
  }

  private static long maxAbs(long[] v) {
    long m = 0;
    for (long x : v) m = Math.max(m, Math.abs(x));
    return m;
  }

  /** Requantize, activate and store a run of accumulators; returns how many saturated. */
  private static long requantizeInto(long[] acc, int mult, int shift, int width, ActivationQuant act, int[] y, int base) {
    long max = (1L << (width - 1)) - 1, min = -max - 1, clamped = 0;
    for (int i = 0; i < acc.length; i++) {
      long r = Requantize.scaled(acc[i], mult, shift);
      if (r > max) {
        r = max;
        clamped++;
      } else if (r < min) {
        r = min;
        clamped++;
      }
      y[base + i] = act.apply((int) r);
    }
    return clamped;
  }

  static int[] gemm(boolean transB, Shape xs, int[] x, LinearQuant lq, ActivationQuant act, int width, Shape ys,
      AtomicLong sat) {
    long macs = (long) xs.dim(0) * xs.dim(1) * ys.dim(1);
    return gemm(transB, xs, x, lq, act, width, ys, sat, macs >= VECTOR_MIN_MACS ? DoubleKernels.get() : ScalarKernels.INSTANCE);
  }

  /**
   * Fully connected: exact in double when k * max|x| * 2^(Ww-1) stays below 2^52 (the same argument
   * as the conv, with the input bound taken from the data); weights are converted as they are read,
   * four rows per pass over x. With {@code kernels == null} always int64.
   */
  static int[] gemm(boolean transB, Shape xs, int[] x, LinearQuant lq, ActivationQuant act, int width, Shape ys,
      AtomicLong sat, DoubleKernels kern) {
    int rows = xs.dim(0), k = xs.dim(1), n = ys.dim(1);
    long maxX = 0;
    for (int v : x) maxX = Math.max(maxX, Math.abs((long) v));
    boolean exactInDouble = 32 - Integer.numberOfLeadingZeros(k) + 64 - Long.numberOfLeadingZeros(maxX)
        + lq.weightFormat().width() - 1 <= 52;
    if (!exactInDouble || kern == null) return gemmLong(transB, xs, x, lq, act, width, ys, sat);
    int[] w = lq.weights();
    double[] xd = new double[x.length];
    for (int i = 0; i < x.length; i++) xd[i] = x[i];
    int[] y = new int[rows * n];
    boolean parallel = (long) rows * n * k >= PARALLEL_MACS;
    // jobs of 4 columns (transB: 4 weight rows dotted with x) or of whole kernel column runs
    int step = transB ? 4 : kern.gemmCols(), main = transB ? n : n - n % step;
    IntStream jobs = IntStream.range(0, (main + step - 1) / step + (main < n ? 1 : 0));
    if (parallel) jobs = jobs.parallel();
    jobs.forEach(job -> {
      int j0 = job * step;
      double[] acc = new double[Math.max(4, step)];
      OutputStage stage = new OutputStage(act, width);
      for (int i = 0; i < rows; i++) {
        int cnt;
        if (j0 >= main) { // columns past the kernel's granularity
          cnt = n - main;
          for (int j = main; j < n; j++) {
            double a = 0;
            for (int p = 0; p < k; p++) a += xd[i * k + p] * w[p * n + j];
            acc[j - main] = a;
          }
        } else if (transB) {
          cnt = Math.min(4, n - j0);
          int last = j0 + cnt - 1;
          kern.dot4(w, j0 * k, Math.min(j0 + 1, last) * k, Math.min(j0 + 2, last) * k, last * k, xd, i * k, k, acc);
        } else {
          cnt = step;
          kern.axpyColumns(w, n, j0, step, xd, i * k, k, acc);
        }
        for (int t = 0; t < cnt; t++) {
          int j = j0 + t;
          stage.channel(lq.bias()[j], lq.multiplier()[j], lq.shift()[j]);
          y[i * n + j] = stage.apply(acc[t]);
        }
      }
      if (stage.clamped > 0) sat.addAndGet(stage.clamped);
    });
    return y;
  }

  private static int[] gemmLong(boolean transB, Shape xs, int[] x, LinearQuant lq, ActivationQuant act, int width, Shape ys,
      AtomicLong sat) {
    int rows = xs.dim(0), k = xs.dim(1), n = ys.dim(1);
    int[] w = lq.weights();
    int[] y = new int[rows * n];
    IntStream cols = IntStream.range(0, n);
    if ((long) rows * n * k >= PARALLEL_MACS) cols = cols.parallel();
    cols.forEach(j -> {
      long[] acc = new long[1];
      int[] one = new int[1];
      long clamped = 0;
      for (int i = 0; i < rows; i++) {
        long a = lq.bias()[j];
        if (transB) {
          int base = j * k, xb = i * k;
          for (int p = 0; p < k; p++) a += (long) w[base + p] * x[xb + p];
        } else {
          for (int p = 0; p < k; p++) a += (long) w[p * n + j] * x[i * k + p];
        }
        acc[0] = a;
        clamped += requantizeInto(acc, lq.multiplier()[j], lq.shift()[j], width, act, one, 0);
        y[i * n + j] = one[0];
      }
      if (clamped > 0) sat.addAndGet(clamped);
    });
    return y;
  }

  /** Both inputs shifted to the larger F, added exactly, requantized, activated. */
  static int[] add(int[] a, FixedType fa, int[] b, FixedType fb, FixedType out, ActivationQuant act, AtomicLong sat) {
    int f = Math.max(fa.frac(), fb.frac());
    int sa = f - fa.frac(), sb = f - fb.frac(), shift = f - out.frac();
    long[] acc = new long[a.length];
    for (int i = 0; i < a.length; i++) acc[i] = ((long) a[i] << sa) + ((long) b[i] << sb);
    int[] y = new int[a.length];
    long clamped = requantizeInto(acc, 1, shift, out.width(), act, y, 0);
    if (clamped > 0) sat.addAndGet(clamped);
    return y;
  }

  /**
   * Element-wise Mul with numpy broadcasting: the exact product of raw values, at F_a + F_b, then the
   * one requantize (M = 1, shift F_a + F_b - F_out) into the output format.
   */
  static int[] mul(Shape as, int[] a, FixedType fa, Shape bs, int[] b, FixedType fb, Shape ys, FixedType out, AtomicLong sat) {
    int[] sa = broadcastStrides(as, ys), sb = broadcastStrides(bs, ys);
    int r = ys.rank(), shift = fa.frac() + fb.frac() - out.frac();
    int[] y = new int[ys.size()], counter = new int[r];
    long clamped = 0;
    int ia = 0, ib = 0;
    for (int i = 0; i < y.length; i++) {
      long p = (long) a[ia] * b[ib];
      if (Requantize.saturates(p, 1, shift, out.width())) clamped++;
      y[i] = Requantize.apply(p, 1, shift, out.width());
      for (int ax = r - 1; ax >= 0; ax--) {
        ia += sa[ax];
        ib += sb[ax];
        if (++counter[ax] < ys.dim(ax)) break;
        ia -= sa[ax] * ys.dim(ax);
        ib -= sb[ax] * ys.dim(ax);
        counter[ax] = 0;
      }
    }
    if (clamped > 0) sat.addAndGet(clamped);
    return y;
  }

  /** Strides of {@code s} aligned right to {@code out}'s axes, 0 along broadcast axes. */
  private static int[] broadcastStrides(Shape s, Shape out) {
    int r = out.rank(), off = r - s.rank();
    int[] st = new int[r], own = s.strides();
    for (int ax = off; ax < r; ax++) st[ax] = s.dim(ax - off) == 1 ? 0 : own[ax - off];
    return st;
  }

  /**
   * Bilinear Resize of NCHW raw values (same format in and out): per output (oy, ox), with the axes'
   * exact weights (ResizeWeights), {@code sum = (1-ly) ((1-lx) x00 + lx x01) + ly ((1-lx) x10 + lx x11)}
   * in integers at 2 WEIGHT_BITS fraction bits, then the one rounding: requantize with M = 1 and
   * shift 2 WEIGHT_BITS (half to even; a convex combination never saturates).
   */
  static int[] resizeBilinear(ResizeWeights wy, ResizeWeights wx, Shape xs, int[] x, Shape ys, int width) {
    int planes = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
    int one = ResizeWeights.ONE, shift = 2 * ResizeWeights.WEIGHT_BITS;
    int[] y = new int[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      int base = p * h * w;
      for (int oy = 0; oy < oh; oy++) {
        int r0 = base + wy.i0()[oy] * w, r1 = base + wy.i1()[oy] * w, ly = wy.lambda()[oy];
        for (int ox = 0; ox < ow; ox++) {
          int c0 = wx.i0()[ox], c1 = wx.i1()[ox], lx = wx.lambda()[ox];
          long top = (long) (one - lx) * x[r0 + c0] + (long) lx * x[r0 + c1];
          long bottom = (long) (one - lx) * x[r1 + c0] + (long) lx * x[r1 + c1];
          y[(p * oh + oy) * ow + ox] = Requantize.apply((one - ly) * top + ly * bottom, 1, shift, width);
        }
      }
    }
    return y;
  }

  /** Max of raw values; padding never wins. */
  static int[] maxPool(int[] k, int[] s, int[] p, int[] d, Shape xs, int[] x, Shape ys) {
    int nc = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
    int[] y = new int[ys.size()];
    IntStream planes = IntStream.range(0, nc);
    if ((long) ys.size() * k[0] * k[1] >= PARALLEL_MACS) planes = planes.parallel();
    // VGG's 2x2 / 2 windows, all inside the input: four loads, no bounds tests
    boolean inside2x2 = k[0] == 2 && k[1] == 2 && d[0] == 1 && d[1] == 1 && p[0] == 0 && p[1] == 0
        && (oh - 1) * s[0] + 1 < h && (ow - 1) * s[1] + 1 < w;
    planes.forEach(plane -> {
      int in = plane * h * w, out = plane * oh * ow;
      if (inside2x2) {
        for (int oy = 0; oy < oh; oy++) {
          int r0 = in + oy * s[0] * w, r1 = r0 + w, o = out + oy * ow;
          for (int ox = 0, ix = 0; ox < ow; ox++, ix += s[1]) {
            y[o + ox] = Math.max(Math.max(x[r0 + ix], x[r0 + ix + 1]), Math.max(x[r1 + ix], x[r1 + ix + 1]));
          }
        }
        return;
      }
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int best = Integer.MIN_VALUE;
          for (int ky = 0; ky < k[0]; ky++) {
            int iy = oy * s[0] - p[0] + ky * d[0];
            if (iy < 0 || iy >= h) continue;
            for (int kx = 0; kx < k[1]; kx++) {
              int ix = ox * s[1] - p[1] + kx * d[1];
              if (ix >= 0 && ix < w) best = Math.max(best, x[in + iy * w + ix]);
            }
          }
          y[out + oy * ow + ox] = best;
        }
      }
    });
    return y;
  }

  /** round(2^k / N), half up, in integers so C++ and RTL compute the identical value. */
  public static int avgMultiplier(int count) {
    return (int) (((1L << (AVG_SHIFT + 1)) + count) / (2L * count));
  }

  static int[] averagePool(Op.AveragePool op, Shape xs, int[] x, Shape ys, FixedType fin, FixedType fout, AtomicLong sat) {
    int[] k = op.kernel(), s = op.strides(), p = op.pads();
    int nc = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
    int shift = AVG_SHIFT + fin.frac() - fout.frac();
    int[] y = new int[ys.size()];
    long clamped = 0;
    for (int plane = 0; plane < nc; plane++) {
      int in = plane * h * w, out = plane * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          long sum = 0;
          int valid = 0, padded = 0;
          for (int ky = 0; ky < k[0]; ky++) {
            int iy = oy * s[0] - p[0] + ky;
            for (int kx = 0; kx < k[1]; kx++) {
              int ix = ox * s[1] - p[1] + kx;
              if (iy < h + p[2] && ix < w + p[3]) padded++;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              sum += x[in + iy * w + ix];
              valid++;
            }
          }
          int count = op.countIncludePad() ? padded : valid;
          int mult = avgMultiplier(count);
          if (Requantize.saturates(sum, mult, shift, fout.width())) clamped++;
          y[out + oy * ow + ox] = Requantize.apply(sum, mult, shift, fout.width());
        }
      }
    }
    if (clamped > 0) sat.addAndGet(clamped);
    return y;
  }

  static int[] globalAverage(Shape xs, int[] x, FixedType fin, FixedType fout, AtomicLong sat) {
    int nc = xs.dim(0) * xs.dim(1), hw = xs.product(2, xs.rank());
    int mult = avgMultiplier(hw), shift = AVG_SHIFT + fin.frac() - fout.frac();
    int[] y = new int[nc];
    for (int plane = 0; plane < nc; plane++) {
      long sum = 0;
      for (int i = 0; i < hw; i++) sum += x[plane * hw + i];
      if (Requantize.saturates(sum, mult, shift, fout.width())) sat.incrementAndGet();
      y[plane] = Requantize.apply(sum, mult, shift, fout.width());
    }
    return y;
  }

  /**
   * Reduce over any axes: max/min of raw values in the input's format; sum exactly in int64, then
   * the one requantize (M = 1, shift F_in - F_out); mean as a global average (M = round(2^20 / N),
   * shift 20 + F_in - F_out).
   */
  static int[] reduce(Op.Reduce op, Shape xs, int[] x, Shape ys, FixedType fin, FixedType fout, AtomicLong sat) {
    boolean[] red = op.reducedAxes(xs);
    int r = xs.rank();
    int[] outStride = new int[r];
    for (int a = r - 1, st = 1; a >= 0; a--) {
      if (red[a]) continue;
      outStride[a] = st;
      st *= xs.dim(a);
    }
    int outSize = ys.size();
    long[] acc = new long[outSize];
    boolean max = op.kind() == Op.ReduceKind.MAX, min = op.kind() == Op.ReduceKind.MIN;
    if (max) java.util.Arrays.fill(acc, Long.MIN_VALUE);
    if (min) java.util.Arrays.fill(acc, Long.MAX_VALUE);
    int[] idx = new int[r];
    for (int i = 0; i < x.length; i++) {
      int o = 0;
      for (int a = 0; a < r; a++) o += idx[a] * outStride[a];
      acc[o] = max ? Math.max(acc[o], x[i]) : min ? Math.min(acc[o], x[i]) : acc[o] + x[i];
      for (int a = r - 1; a >= 0; a--) {
        if (++idx[a] < xs.dim(a)) break;
        idx[a] = 0;
      }
    }
    int[] y = new int[outSize];
    if (max || min) {
      for (int o = 0; o < outSize; o++) y[o] = (int) acc[o];
      return y;
    }
    boolean mean = op.kind() == Op.ReduceKind.MEAN;
    int mult = mean ? avgMultiplier(x.length / outSize) : 1;
    int shift = (mean ? AVG_SHIFT : 0) + fin.frac() - fout.frac();
    for (int o = 0; o < outSize; o++) {
      if (Requantize.saturates(acc[o], mult, shift, fout.width())) sat.incrementAndGet();
      y[o] = Requantize.apply(acc[o], mult, shift, fout.width());
    }
    return y;
  }

  static int[] globalMax(Shape xs, int[] x) {
    int nc = xs.dim(0) * xs.dim(1), hw = xs.product(2, xs.rank());
    int[] y = new int[nc];
    for (int plane = 0; plane < nc; plane++) {
      int best = Integer.MIN_VALUE;
      for (int i = 0; i < hw; i++) best = Math.max(best, x[plane * hw + i]);
      y[plane] = best;
    }
    return y;
  }

  /** Inputs already in the output format are copied; others are requantized (M = 1) on the way. */
  static int[] concat(Op.Concat op, List<Shape> shapes, List<int[]> xs, List<FixedType> fmts, FixedType out, Shape ys,
      AtomicLong sat) {
    int axis = ys.axis(op.axis());
    int outer = ys.product(0, axis), innerOut = ys.product(axis, ys.rank());
    int[] y = new int[ys.size()];
    int offset = 0;
    for (int t = 0; t < xs.size(); t++) {
      int chunk = shapes.get(t).product(axis, shapes.get(t).rank());
      int[] src = xs.get(t);
      int shift = fmts.get(t).frac() - out.frac();
      boolean same = shift == 0 && fmts.get(t).width() == out.width();
      for (int o = 0; o < outer; o++) {
        if (same) {
          System.arraycopy(src, o * chunk, y, o * innerOut + offset, chunk);
          continue;
        }
        for (int i = 0; i < chunk; i++) {
          long v = src[o * chunk + i];
          if (Requantize.saturates(v, 1, shift, out.width())) sat.incrementAndGet();
          y[o * innerOut + offset + i] = Requantize.apply(v, 1, shift, out.width());
        }
      }
      offset += chunk;
    }
    return y;
  }
}
