package org.cnnhls.ir.quant;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.ops.Spatial;

/**
 * Integer kernels of the golden model. Loop order keeps the innermost loop contiguous over output
 * columns; output channels run in parallel. Accumulation is exact in int64.
 */
public final class IntKernels {
  private IntKernels() {}

  /** AveragePool and GlobalAveragePool multiply by round(2^k / N) then shift by k + F_in - F_out. */
  public static final int AVG_SHIFT = 20;

  private static final long PARALLEL_MACS = 1 << 16;

  static int[] conv(Op.Conv op, Shape xs, int[] x, int inWidth, Shape ws, LinearQuant lq, ActivationQuant act, int width,
      Shape ys, AtomicLong sat) {
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
    int m = ws.dim(0), cg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3);
    int oh = ys.dim(2), ow = ys.dim(3);
    int sh = op.strides()[0], sw = op.strides()[1], pt = op.pads()[0], pl = op.pads()[1];
    int dh = op.dilations()[0], dw = op.dilations()[1];
    int mPerGroup = m / op.group();
    int[] w = lq.weights();
    int[] y = new int[ys.size()];
    // Exact in double: every product and partial sum is an integer below 2^53 in magnitude when the
    // accumulator bound (Wx + Ww + ceil(log2 K) + 1) and the bias stay under 52 bits, and IEEE
    // addition of such integers is exact. The JIT vectorizes double FMAs, not 64-bit multiplies.
    boolean exactInDouble = inWidth + lq.weightFormat().width() + 32 - Integer.numberOfLeadingZeros(cg * kh * kw) + 1 <= 52
        && maxAbs(lq.bias()) < (1L << 51);
    double[] xd = null;
    if (exactInDouble) {
      xd = new double[x.length];
      for (int i = 0; i < x.length; i++) xd[i] = x[i];
    }
    double[] xdf = xd;
    IntStream jobs = IntStream.range(0, n * m);
    if ((long) ys.size() * cg * kh * kw >= PARALLEL_MACS) jobs = jobs.parallel();
    jobs.forEach(job -> {
      int b = job / m, oc = job % m, g = oc / mPerGroup;
      int outBase = (b * m + oc) * oh * ow;
      long bias = lq.bias()[oc];
      long[] acc = new long[ow];
      double[] dacc = xdf == null ? null : new double[ow];
      long clamped = 0;
      // one output row at a time: its accumulators stay in L1 while every (ic, ky, kx) adds in
      for (int oy = 0; oy < oh; oy++) {
        if (dacc != null) java.util.Arrays.fill(dacc, 0);
        else java.util.Arrays.fill(acc, 0);
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
              if (dacc != null) {
                double wvd = wv;
                if (sw == 1) {
                  for (int ox = oxLo; ox < oxHi; ox++) dacc[ox] += wvd * xdf[row + ox];
                } else {
                  for (int ox = oxLo; ox < oxHi; ox++) dacc[ox] += wvd * xdf[row + ox * sw];
                }
              } else {
                for (int ox = oxLo; ox < oxHi; ox++) acc[ox] += (long) wv * x[row + ox * sw];
              }
            }
          }
        }
        for (int i = 0; i < ow; i++) acc[i] = (dacc != null ? (long) dacc[i] : acc[i]) + bias;
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
    int rows = xs.dim(0), k = xs.dim(1), n = ys.dim(1);
    int[] w = lq.weights();
    int[] y = new int[rows * n];
    IntStream cols = IntStream.range(0, n);
    if ((long) rows * n * k >= PARALLEL_MACS) cols = cols.parallel();
    cols.forEach(j -> {
      long[] acc = new long[1];
      for (int i = 0; i < rows; i++) {
        long a = lq.bias()[j];
        if (transB) {
          int base = j * k, xb = i * k;
          for (int p = 0; p < k; p++) a += (long) w[base + p] * x[xb + p];
        } else {
          for (int p = 0; p < k; p++) a += (long) w[p * n + j] * x[i * k + p];
        }
        acc[0] = a;
        int[] one = new int[1];
        long clamped = requantizeInto(acc, lq.multiplier()[j], lq.shift()[j], width, act, one, 0);
        if (clamped > 0) sat.addAndGet(clamped);
        y[i * n + j] = one[0];
      }
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

  /** Max of raw values; padding never wins. */
  static int[] maxPool(int[] k, int[] s, int[] p, int[] d, Shape xs, int[] x, Shape ys) {
    int nc = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
    int[] y = new int[ys.size()];
    for (int plane = 0; plane < nc; plane++) {
      int in = plane * h * w, out = plane * oh * ow;
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
    }
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
