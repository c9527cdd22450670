package org.cnnhls.ir.interp;

import java.util.List;
import java.util.stream.IntStream;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.MatMulShapes;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.ops.Spatial;

/**
 * Reference float kernels, one static method per op, written for clarity first and for speed where
 * big models need it (loop order, contiguous inner loops, output channels in parallel). Sums of
 * products accumulate in double so the reference is more accurate than any float implementation.
 */
final class FloatKernels {
  private FloatKernels() {}

  /** Work below this many MACs runs on one thread; forking costs more than it saves. */
  private static final long PARALLEL_MACS = 1 << 18;

  static float[] conv(Op.Conv op, Shape xs, float[] x, Shape ws, float[] w, float[] bias, Shape ys) {
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
    int m = ws.dim(0), cg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3);
    int oh = ys.dim(2), ow = ys.dim(3);
    int sh = op.strides()[0], sw = op.strides()[1], pt = op.pads()[0], pl = op.pads()[1];
    int dh = op.dilations()[0], dw = op.dilations()[1];
    int mPerGroup = m / op.group();
    float[] y = new float[ys.size()];
    long macs = (long) ys.size() * cg * kh * kw;
    IntStream jobs = IntStream.range(0, n * m);
    if (macs >= PARALLEL_MACS) jobs = jobs.parallel();
    jobs.forEach(job -> {
      int b = job / m, oc = job % m, g = oc / mPerGroup;
      double[] acc = new double[oh * ow];
      if (bias != null) java.util.Arrays.fill(acc, bias[oc]);
      for (int ic = 0; ic < cg; ic++) {
        int inBase = (b * c + g * cg + ic) * h * wd;
        for (int ky = 0; ky < kh; ky++) {
          for (int kx = 0; kx < kw; kx++) {
            double wv = w[((oc * cg + ic) * kh + ky) * kw + kx];
            if (wv == 0) continue;
            int offX = kx * dw - pl;
            // ox range with 0 <= ox*sw + offX < wd
            int oxLo = Spatial.firstColumn(offX, sw), oxHi = Spatial.endColumn(ow, wd, offX, sw);
            for (int oy = 0; oy < oh; oy++) {
              int iy = oy * sh - pt + ky * dh;
              if (iy < 0 || iy >= h) continue;
              int row = inBase + iy * wd + offX, outRow = oy * ow;
              for (int ox = oxLo; ox < oxHi; ox++) acc[outRow + ox] += wv * x[row + ox * sw];
            }
          }
        }
      }
      int outBase = (b * m + oc) * oh * ow;
      for (int i = 0; i < acc.length; i++) y[outBase + i] = (float) acc[i];
    });
    return y;
  }

  static float[] gemm(Op.Gemm op, Shape as, float[] a, Shape bs, float[] bm, Shape cs, float[] cv, Shape ys) {
    int m = ys.dim(0), n = ys.dim(1), k = op.transA() ? as.dim(0) : as.dim(1);
    float[] y = new float[m * n];
    int[] cIndex = cv == null ? null : broadcastIndex(cs, ys);
    IntStream rows = IntStream.range(0, m * n);
    if ((long) m * n * k >= PARALLEL_MACS) rows = rows.parallel();
    rows.forEach(ij -> {
      int i = ij / n, j = ij % n;
      double acc = 0;
      for (int p = 0; p < k; p++) {
        float av = op.transA() ? a[p * m + i] : a[i * k + p];
        float bv = op.transB() ? bm[j * k + p] : bm[p * n + j];
        acc += (double) av * bv;
      }
      double v = op.alpha() * acc;
      if (cv != null) v += (double) op.beta() * cv[cIndex[ij]];
      y[ij] = (float) v;
    });
    return y;
  }

  static float[] matmul(Shape as, float[] a, Shape bs, float[] b, Shape ys) {
    MatMulShapes s = MatMulShapes.of(as, bs);
    int m = s.m(), k = s.k(), n = s.n();
    Shape batch = s.batchShape();
    int[] aBatch = broadcastIndex(batchOf(s.a()), batch), bBatch = broadcastIndex(batchOf(s.b()), batch);
    float[] y = new float[batch.size() * m * n];
    for (int t = 0; t < batch.size(); t++) {
      int aOff = aBatch[t] * m * k, bOff = bBatch[t] * k * n, yOff = t * m * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int p = 0; p < k; p++) acc += (double) a[aOff + i * k + p] * b[bOff + p * n + j];
          y[yOff + i * n + j] = (float) acc;
        }
      }
    }
    return y;
  }

  private static Shape batchOf(Shape s) {
    return new Shape(java.util.Arrays.copyOf(s.dims(), s.rank() - 2));
  }

  static float[] maxPool(Op.MaxPool op, Shape xs, float[] x, Shape ys) {
    return pool(xs, x, ys, op.kernel(), op.strides(), op.pads(), op.dilations(), true, false);
  }

  static float[] averagePool(Op.AveragePool op, Shape xs, float[] x, Shape ys) {
    return pool(xs, x, ys, op.kernel(), op.strides(), op.pads(), new int[] {1, 1}, false, op.countIncludePad());
  }

  private static float[] pool(Shape xs, float[] x, Shape ys, int[] k, int[] s, int[] p, int[] d, boolean max,
      boolean countPad) {
    int nc = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
    float[] y = new float[ys.size()];
    for (int plane = 0; plane < nc; plane++) {
      int in = plane * h * w, out = plane * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int valid = 0, padded = 0;
          for (int ky = 0; ky < k[0]; ky++) {
            int iy = oy * s[0] - p[0] + ky * d[0];
            for (int kx = 0; kx < k[1]; kx++) {
              int ix = ox * s[1] - p[1] + kx * d[1];
              // count_include_pad counts positions inside the explicit padding, not beyond it
              if (iy < h + p[2] && ix < w + p[3]) padded++;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              float v = x[in + iy * w + ix];
              acc = max ? Math.max(acc, v) : acc + v;
              valid++;
            }
          }
          y[out + oy * ow + ox] = (float) (max ? acc : acc / (countPad ? padded : valid));
        }
      }
    }
    return y;
  }

  static float[] globalPool(Shape xs, float[] x, boolean max) {
    int nc = xs.dim(0) * xs.dim(1), hw = xs.product(2, xs.rank());
    float[] y = new float[nc];
    for (int plane = 0; plane < nc; plane++) {
      double acc = max ? Double.NEGATIVE_INFINITY : 0;
      for (int i = 0; i < hw; i++) {
        float v = x[plane * hw + i];
        acc = max ? Math.max(acc, v) : acc + v;
      }
      y[plane] = (float) (max ? acc : acc / hw);
    }
    return y;
  }

  static float[] batchNorm(Op.BatchNormalization op, Shape xs, float[] x, float[] scale, float[] bias, float[] mean,
      float[] var) {
    int n = xs.dim(0), c = xs.dim(1), inner = xs.product(2, xs.rank());
    float[] y = new float[x.length];
    for (int ch = 0; ch < c; ch++) {
      double a = scale[ch] / Math.sqrt((double) var[ch] + op.epsilon());
      double b = bias[ch] - mean[ch] * a;
      for (int bi = 0; bi < n; bi++) {
        int base = (bi * c + ch) * inner;
        for (int i = 0; i < inner; i++) y[base + i] = (float) (x[base + i] * a + b);
      }
    }
    return y;
  }

  static float[] activation(Op.Activation op, float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) y[i] = op.apply(x[i]);
    return y;
  }

  static float[] unary(Op.Unary op, float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) y[i] = op.apply(x[i]);
    return y;
  }

  static float[] softmax(Op.Softmax op, Shape xs, float[] x) {
    int axis = xs.axis(op.axis());
    int outer, len, inner;
    if (op.flatten2d()) {
      outer = xs.product(0, axis);
      len = xs.product(axis, xs.rank());
      inner = 1;
    } else {
      outer = xs.product(0, axis);
      len = xs.dim(axis);
      inner = xs.product(axis + 1, xs.rank());
    }
    float[] y = new float[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) max = Math.max(max, x[base + j * inner]);
        double sum = 0;
        for (int j = 0; j < len; j++) sum += Math.exp(x[base + j * inner] - max);
        for (int j = 0; j < len; j++) y[base + j * inner] = (float) (Math.exp(x[base + j * inner] - max) / sum);
      }
    }
    return y;
  }

  static float[] binary(Op.Binary op, Shape as, float[] a, Shape bs, float[] b, Shape ys) {
    float[] y = new float[ys.size()];
    if (as.equals(ys) && bs.equals(ys)) {
      for (int i = 0; i < y.length; i++) y[i] = op.apply(a[i], b[i]);
      return y;
    }
    int[] ia = broadcastIndex(as, ys), ib = broadcastIndex(bs, ys);
    for (int i = 0; i < y.length; i++) y[i] = op.apply(a[ia[i]], b[ib[i]]);
    return y;
  }

  /** For each flat index of {@code out}, the flat index of the broadcast source element. */
  static int[] broadcastIndex(Shape src, Shape out) {
    int r = out.rank(), off = r - src.rank();
    int[] srcStrides = src.strides();
    int[] eff = new int[r];
    for (int i = 0; i < src.rank(); i++) eff[i + off] = src.dim(i) == 1 ? 0 : srcStrides[i];
    int[] idx = new int[out.size()];
    int[] counter = new int[r];
    int pos = 0;
    for (int flat = 0; flat < idx.length; flat++) {
      idx[flat] = pos;
      for (int ax = r - 1; ax >= 0; ax--) {
        counter[ax]++;
        pos += eff[ax];
        if (counter[ax] < out.dim(ax)) break;
        pos -= eff[ax] * counter[ax];
        counter[ax] = 0;
      }
    }
    return idx;
  }

  static float[] concat(Op.Concat op, List<Shape> shapes, List<float[]> xs, Shape ys) {
    int axis = ys.axis(op.axis());
    int outer = ys.product(0, axis), innerOut = ys.product(axis, ys.rank());
    float[] y = new float[ys.size()];
    int offset = 0;
    for (int t = 0; t < xs.size(); t++) {
      int chunk = shapes.get(t).product(axis, shapes.get(t).rank());
      for (int o = 0; o < outer; o++) System.arraycopy(xs.get(t), o * chunk, y, o * innerOut + offset, chunk);
      offset += chunk;
    }
    return y;
  }

  static float[] transpose(Op.Transpose op, Shape xs, float[] x, Shape ys) {
    int r = xs.rank();
    int[] inStrides = xs.strides();
    int[] eff = new int[r];
    for (int i = 0; i < r; i++) eff[i] = inStrides[op.perm()[i]];
    float[] y = new float[x.length];
    int[] counter = new int[r];
    int pos = 0;
    for (int flat = 0; flat < y.length; flat++) {
      y[flat] = x[pos];
      for (int ax = r - 1; ax >= 0; ax--) {
        counter[ax]++;
        pos += eff[ax];
        if (counter[ax] < ys.dim(ax)) break;
        pos -= eff[ax] * counter[ax];
        counter[ax] = 0;
      }
    }
    return y;
  }

  static float[] pad(Op.Pad op, Shape xs, float[] x, Shape ys) {
    int r = xs.rank();
    int[] inStrides = xs.strides();
    float[] y = new float[ys.size()];
    int[] counter = new int[r];
    for (int flat = 0; flat < y.length; flat++) {
      int src = 0;
      boolean inside = true;
      for (int ax = 0; ax < r && inside; ax++) {
        int i = counter[ax] - op.pads()[ax], n = xs.dim(ax);
        if (i < 0 || i >= n) {
          switch (op.mode()) {
            case CONSTANT -> inside = false;
            case EDGE -> i = i < 0 ? 0 : n - 1;
            case REFLECT -> i = i < 0 ? -i : 2 * (n - 1) - i;
          }
        }
        src += i * inStrides[ax];
      }
      y[flat] = inside ? x[src] : op.value();
      for (int ax = r - 1; ax >= 0; ax--) {
        if (++counter[ax] < ys.dim(ax)) break;
        counter[ax] = 0;
      }
    }
    return y;
  }

  static float[] resizeNearest(Op.Resize op, Shape xs, float[] x, Shape ys) {
    int r = xs.rank();
    int[][] map = new int[r][];
    for (int ax = 0; ax < r; ax++) map[ax] = nearestAxis(op.coordinateMode(), op.nearestMode(), xs.dim(ax), ys.dim(ax), op.scales()[ax]);
    int[] inStrides = xs.strides();
    float[] y = new float[ys.size()];
    int[] counter = new int[r];
    for (int flat = 0; flat < y.length; flat++) {
      int src = 0;
      for (int ax = 0; ax < r; ax++) src += map[ax][counter[ax]] * inStrides[ax];
      y[flat] = x[src];
      for (int ax = r - 1; ax >= 0; ax--) {
        if (++counter[ax] < ys.dim(ax)) break;
        counter[ax] = 0;
      }
    }
    return y;
  }

  // ---------------------------------------------------------------- structural ops (issue 14)

  /** Scatter form of ONNX ConvTranspose: every input pixel adds w * x into its output window. */
  static float[] convTranspose(Op.ConvTranspose op, Shape xs, float[] x, Shape ws, float[] w, float[] bias, Shape ys) {
    int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
    int mg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3), cg = c / op.group();
    int m = ys.dim(1), oh = ys.dim(2), ow = ys.dim(3);
    int sh = op.strides()[0], sw = op.strides()[1], pt = op.pads()[0], pl = op.pads()[1];
    int dh = op.dilations()[0], dw = op.dilations()[1];
    float[] y = new float[ys.size()];
    IntStream jobs = IntStream.range(0, n * m);
    if ((long) xs.size() * mg * kh * kw >= PARALLEL_MACS) jobs = jobs.parallel();
    jobs.forEach(job -> {
      int b = job / m, oc = job % m, g = oc / mg, mo = oc % mg;
      double[] acc = new double[oh * ow];
      if (bias != null) java.util.Arrays.fill(acc, bias[oc]);
      for (int icg = 0; icg < cg; icg++) {
        int ic = g * cg + icg, inBase = (b * c + ic) * h * wd;
        for (int ky = 0; ky < kh; ky++) {
          for (int kx = 0; kx < kw; kx++) {
            double wv = w[((ic * mg + mo) * kh + ky) * kw + kx];
            if (wv == 0) continue;
            for (int iy = 0; iy < h; iy++) {
              int oy = iy * sh - pt + ky * dh;
              if (oy < 0 || oy >= oh) continue;
              for (int ix = 0; ix < wd; ix++) {
                int ox = ix * sw - pl + kx * dw;
                if (ox < 0 || ox >= ow) continue;
                acc[oy * ow + ox] += wv * x[inBase + iy * wd + ix];
              }
            }
          }
        }
      }
      int outBase = (b * m + oc) * oh * ow;
      for (int i = 0; i < acc.length; i++) y[outBase + i] = (float) acc[i];
    });
    return y;
  }

  /** Zero insertion and padding (negative pads crop); {@code fill} where no input lands. */
  static float[] spread(Op.Spread op, Shape xs, float[] x, Shape ys, float fill) {
    int nc = xs.dim(0) * xs.dim(1), h = xs.dim(2), w = xs.dim(3), oh = ys.dim(2), ow = ys.dim(3);
    int sh = op.strides()[0], sw = op.strides()[1], pt = op.pads()[0], pl = op.pads()[1];
    float[] y = new float[ys.size()];
    if (fill != 0) java.util.Arrays.fill(y, fill);
    for (int p = 0; p < nc; p++) {
      for (int iy = 0; iy < h; iy++) {
        int oy = iy * sh + pt;
        if (oy < 0 || oy >= oh) continue;
        for (int ix = 0; ix < w; ix++) {
          int ox = ix * sw + pl;
          if (ox >= 0 && ox < ow) y[(p * oh + oy) * ow + ox] = x[(p * h + iy) * w + ix];
        }
      }
    }
    return y;
  }

  static float[] slice(Op.Slice op, Shape xs, float[] x, Shape ys) {
    int r = xs.rank();
    int[] inStride = xs.strides();
    float[] y = new float[ys.size()];
    int[] idx = new int[r];
    for (int i = 0; i < y.length; i++) {
      long src = 0;
      for (int a = 0; a < r; a++) src += (long) (op.starts()[a] + op.steps()[a] * idx[a]) * inStride[a];
      y[i] = x[(int) src];
      for (int a = r - 1; a >= 0; a--) {
        if (++idx[a] < ys.dim(a)) break;
        idx[a] = 0;
      }
    }
    return y;
  }

  static float[] channelShuffle(Op.ChannelShuffle op, Shape xs, float[] x) {
    int n = xs.dim(0), c = xs.dim(1), plane = xs.dim(2) * xs.dim(3), g = op.groups(), per = c / g;
    float[] y = new float[x.length];
    for (int b = 0; b < n; b++) {
      for (int ic = 0; ic < c; ic++) {
        int oc = (ic % per) * g + ic / per;
        System.arraycopy(x, (b * c + ic) * plane, y, (b * c + oc) * plane, plane);
      }
    }
    return y;
  }

  static float[] reduce(Op.Reduce op, Shape xs, float[] x, Shape ys) {
    boolean[] red = op.reducedAxes(xs);
    int r = xs.rank();
    // output index of every input element: strides of the kept axes
    int[] outStride = new int[r];
    for (int a = r - 1, s = 1; a >= 0; a--) {
      if (red[a]) continue;
      outStride[a] = s;
      s *= xs.dim(a);
    }
    int outSize = ys.size();
    double[] acc = new double[outSize];
    boolean max = op.kind() == Op.ReduceKind.MAX, min = op.kind() == Op.ReduceKind.MIN;
    if (max) java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
    if (min) java.util.Arrays.fill(acc, Double.POSITIVE_INFINITY);
    int[] idx = new int[r];
    for (int i = 0; i < x.length; i++) {
      int o = 0;
      for (int a = 0; a < r; a++) o += idx[a] * outStride[a];
      double v = x[i];
      acc[o] = max ? Math.max(acc[o], v) : min ? Math.min(acc[o], v) : acc[o] + v;
      for (int a = r - 1; a >= 0; a--) {
        if (++idx[a] < xs.dim(a)) break;
        idx[a] = 0;
      }
    }
    int count = x.length / Math.max(1, outSize);
    float[] y = new float[outSize];
    for (int o = 0; o < outSize; o++) y[o] = (float) (op.kind() == Op.ReduceKind.MEAN ? acc[o] / count : acc[o]);
    return y;
  }

  static float[] logSoftmax(Op.LogSoftmax op, Shape xs, float[] x) {
    int axis = xs.axis(op.axis());
    int outer = xs.product(0, axis);
    int len = op.flatten2d() ? xs.product(axis, xs.rank()) : xs.dim(axis);
    int inner = op.flatten2d() ? 1 : xs.product(axis + 1, xs.rank());
    float[] y = new float[x.length];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * len * inner + i;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) max = Math.max(max, x[base + j * inner]);
        double sum = 0;
        for (int j = 0; j < len; j++) sum += Math.exp(x[base + j * inner] - max);
        double lse = max + Math.log(sum);
        for (int j = 0; j < len; j++) y[base + j * inner] = (float) (x[base + j * inner] - lse);
      }
    }
    return y;
  }

  /** Nearest Resize along one axis: the source index of every output index. */
  static int[] nearestAxis(Op.CoordinateMode mode, Op.NearestMode nearest, int in, int out, float scale) {
    int[] map = new int[out];
    for (int o = 0; o < out; o++) {
      double src = sourceCoordinate(mode, o, in, out, scale);
      double fl = Math.floor(src);
      long idx = switch (nearest) {
        case ROUND_PREFER_FLOOR -> src == fl + 0.5 ? (long) fl : Math.round(src);
        case ROUND_PREFER_CEIL -> src == fl + 0.5 ? (long) fl + 1 : Math.round(src);
        case FLOOR -> (long) fl;
        case CEIL -> (long) Math.ceil(src);
      };
      map[o] = (int) Math.max(0, Math.min(in - 1, idx));
    }
    return map;
  }

  /**
   * The input coordinate output index {@code o} maps to along an axis (ONNX's coordinate
   * transforms). align_corners divides by length_resized - 1 with ONNX's length_resized = scale x in:
   * the output size when the scale is that size's ratio (always when sizes were given), else the
   * real product (a 0.6 scale of 4 is 2.4, as the reference implementation computes).
   */
  static double sourceCoordinate(Op.CoordinateMode mode, int o, int in, int out, float scale) {
    return switch (mode) {
      case HALF_PIXEL -> (o + 0.5) / scale - 0.5;
      case PYTORCH_HALF_PIXEL -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
      case ALIGN_CORNERS -> {
        double len = scale == (float) out / in ? out : (double) scale * in;
        yield len == 1 ? 0 : o * (double) (in - 1) / (len - 1);
      }
      case ASYMMETRIC -> o / scale;
      case TF_HALF_PIXEL_FOR_NN -> (o + 0.5) / scale;
    };
  }

  /**
   * Linear Resize (ONNX mode "linear"): one 1-D linear interpolation per axis in turn, between the
   * neighbours floor(x) and floor(x) + 1 of the source coordinate x, both clamped into the input
   * (ONNX's edge padding), weights 1 - (x - floor(x)) and x - floor(x). Axes that keep their size
   * under an identity transform are skipped (their weights are 1 and 0 on the same element).
   */
  public static float[] resizeLinear(Op.Resize op, Shape xs, float[] x, Shape ys) {
    int r = xs.rank();
    double[] cur = new double[x.length];
    for (int i = 0; i < x.length; i++) cur[i] = x[i];
    int[] dims = xs.dims();
    for (int ax = 0; ax < r; ax++) {
      int in = dims[ax], out = ys.dim(ax);
      int[] i0 = new int[out], i1 = new int[out];
      double[] w = new double[out];
      boolean identity = in == out;
      for (int o = 0; o < out; o++) {
        double src = sourceCoordinate(op.coordinateMode(), o, in, out, op.scales()[ax]);
        double fl = Math.floor(src);
        w[o] = src - fl;
        i0[o] = (int) Math.max(0, Math.min(in - 1, fl));
        i1[o] = (int) Math.max(0, Math.min(in - 1, fl + 1));
        identity &= i0[o] == o && w[o] == 0;
      }
      if (identity) continue;
      int outer = 1, inner = 1;
      for (int a = 0; a < ax; a++) outer *= dims[a];
      for (int a = ax + 1; a < r; a++) inner *= dims[a];
      double[] next = new double[outer * out * inner];
      for (int p = 0; p < outer; p++) {
        for (int o = 0; o < out; o++) {
          int a0 = (p * in + i0[o]) * inner, a1 = (p * in + i1[o]) * inner, d = (p * out + o) * inner;
          for (int q = 0; q < inner; q++) next[d + q] = (1 - w[o]) * cur[a0 + q] + w[o] * cur[a1 + q];
        }
      }
      cur = next;
      dims[ax] = out;
    }
    float[] y = new float[cur.length];
    for (int i = 0; i < y.length; i++) y[i] = (float) cur[i];
    return y;
  }

  /** Quantize then dequantize, per tensor or along the spec's axis (see {@link org.cnnhls.ir.QuantSpec}). */
  static float[] fakeQuant(org.cnnhls.ir.QuantSpec spec, Shape s, float[] x) {
    return spec.fakeQuantize(s, x);
  }
}
