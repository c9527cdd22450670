package org.cnnhls.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.rtl.VerilatorCore.Result;
import org.cnnhls.rtl.VerilatorCore.Run;

/**
 * A convolution (batch 1, group 1) laid onto the Tm x Tn core the way the overlay engine feeds it:
 * one run per tile of Tm output channels over all output pixels; per pixel, K = ceil(Cin/Tn) x Kh
 * x Kw steps (channel group, then window row, then column), each one Tn-wide activation vector
 * (zero for padding and channels past Cin) and the matching Tm x Tn weights (zero past Cout/Cin).
 */
record ConvTiles(List<Run> runs, int cout, Shape outShape) {

  static ConvTiles of(Op.Conv conv, Shape xs, Shape ws, int[] x, LinearQuant lq, ActivationQuant act, RtlConfig c,
      long seed) {
    assertEquals(1, xs.dim(0), "batch 1");
    assertEquals(1, conv.group(), "grouped convolutions are not tiled here");
    int cin = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
    int cout = ws.dim(0), kh = ws.dim(2), kw = ws.dim(3);
    Shape ys = conv.inferShapes(List.of(xs, ws)).get(0);
    int oh = ys.dim(2), ow = ys.dim(3);
    int tm = c.tm(), tn = c.tn(), groups = (cin + tn - 1) / tn, k = groups * kh * kw;
    assertTrue(act.lo() >= -(1 << (c.outWidth() - 1)) && !act.leaky(), "activation fits the core");
    List<Run> runs = new ArrayList<>();
    for (int t = 0; t * tm < cout; t++) {
      long[] bias = new long[tm];
      int[] mult = new int[tm], shift = new int[tm];
      for (int m = 0; m < tm; m++) {
        int oc = t * tm + m;
        bias[m] = oc < cout ? lq.bias()[oc] : 0;
        mult[m] = oc < cout ? lq.multiplier()[oc] : 1;
        shift[m] = oc < cout ? lq.shift()[oc] : 0;
        assertTrue(mult[m] >= 1 && mult[m] < (1L << c.mulWidth()) && Math.abs(shift[m]) < (1 << (c.shiftWidth() - 1)),
            "requantize parameters fit the core");
      }
      int[][] a = new int[oh * ow * k][tn], wt = new int[oh * ow * k][tm * tn];
      int s = 0;
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int gi = 0; gi < groups; gi++) {
            for (int ky = 0; ky < kh; ky++) {
              for (int kx = 0; kx < kw; kx++, s++) {
                int iy = oy * conv.strides()[0] - conv.pads()[0] + ky * conv.dilations()[0];
                int ix = ox * conv.strides()[1] - conv.pads()[1] + kx * conv.dilations()[1];
                for (int n = 0; n < tn; n++) {
                  int ic = gi * tn + n;
                  boolean inside = ic < cin && iy >= 0 && iy < h && ix >= 0 && ix < w;
                  a[s][n] = inside ? x[(ic * h + iy) * w + ix] : 0;
                  for (int m = 0; m < tm; m++) {
                    int oc = t * tm + m;
                    wt[s][m * tn + n] = oc < cout && ic < cin ? lq.weights()[((oc * cin + ic) * kh + ky) * kw + kx] : 0;
                  }
                }
              }
            }
          }
        }
      }
      runs.add(new Run(k, oh * ow, false, act.lo(), act.hi(), seed + t, bias, mult, shift, a, wt));
    }
    return new ConvTiles(runs, cout, ys);
  }

  /** The RTL outputs back in NCHW order (channels past Cout dropped). */
  int[] assemble(List<Result> results) {
    int tm = results.get(0).out()[0].length, pixels = outShape.dim(2) * outShape.dim(3);
    int[] y = new int[cout * pixels];
    for (int t = 0; t < results.size(); t++) {
      int[][] out = results.get(t).out();
      for (int p = 0; p < pixels; p++) {
        for (int m = 0; m < tm && t * tm + m < cout; m++) y[(t * tm + m) * pixels + p] = out[p][m];
      }
    }
    return y;
  }

  /** Max pooling without padding (the digits model's 2x2/2). */
  static int[] maxPool(Op.MaxPool pool, Shape xs, int[] x) {
    for (int p : pool.pads()) assertEquals(0, p, "padded pooling is not modelled here");
    int c = xs.dim(1), h = xs.dim(2), w = xs.dim(3);
    int kh = pool.kernel()[0], kw = pool.kernel()[1], sh = pool.strides()[0], sw = pool.strides()[1];
    int oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1;
    int[] y = new int[c * oh * ow];
    for (int ch = 0; ch < c; ch++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int m = Integer.MIN_VALUE;
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) m = Math.max(m, x[(ch * h + oy * sh + ky) * w + ox * sw + kx]);
          }
          y[(ch * oh + oy) * ow + ox] = m;
        }
      }
    }
    return y;
  }
}
