package org.cnnhls.ir.pass;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.Tensor;
import org.cnnhls.ir.ops.Op;

/**
 * {@code lower-conv-transpose}: a ConvTranspose with constant weights becomes a Spread (stride-1
 * zeros between pixels, each side padded by dilation*(k-1) - pad, output_padding added on the far
 * side; a negative amount crops) followed by a stride-1 Conv with the same dilation and groups
 * whose weights are the original ones transposed per group ([C, M/g, kh, kw] to [M, C/g, kh, kw])
 * and flipped in both spatial axes. Exact: every output is the same sum of the same products, so
 * the fixed-point path is the conv's.
 */
public final class LowerConvTransposePass extends RewritePass {

  @Override
  public String name() {
    return "lower-conv-transpose";
  }

  @Override
  public String description() {
    return "rewrite ConvTranspose into a zero-insertion Spread and a stride-1 Conv with flipped, transposed weights";
  }

  @Override
  protected Optional<Graph> rewriteOnce(Graph g) {
    for (Node n : g.nodes()) {
      if (!(n.op() instanceof Op.ConvTranspose ct) || !g.isConstant(n.input(1))) continue;
      if (n.hasInput(2) && !g.isConstant(n.input(2))) continue;
      int[] k = ct.kernel(), d = ct.dilations(), p = ct.pads(), s = ct.strides(), op = ct.outputPadding();
      int[] spreadPads = new int[4];
      for (int a = 0; a < 2; a++) {
        long span = (long) d[a] * (k[a] - 1);
        long begin = span - p[a], end = span - p[a + 2] + op[a];
        if (Math.abs(begin) > Integer.MAX_VALUE / 2 || Math.abs(end) > Integer.MAX_VALUE / 2) return Optional.empty();
        spreadPads[a] = (int) begin;
        spreadPads[a + 2] = (int) end;
      }
      GraphEditor e = new GraphEditor(g);
      Tensor w = g.constants().get(n.input(1));
      String wName = e.addConstant(n.input(1) + "_flipped", flipTranspose(w, ct.group()));
      String spread = e.fresh(n.output() + "_spread");
      Node spreadNode = new Node(spread, new Op.Spread(s.clone(), spreadPads), List.of(n.input(0)), List.of(spread));
      List<String> inputs = new ArrayList<>(n.inputs());
      inputs.set(0, spread);
      inputs.set(1, wName);
      Op.Conv conv = new Op.Conv(k.clone(), new int[] {1, 1}, new int[4], d.clone(), ct.group());
      e.insertBefore(n, spreadNode).replace(n, new Node(n.name(), conv, inputs, n.outputs()));
      return Optional.of(e.build());
    }
    return Optional.empty();
  }

  /** W [C, M/g, kh, kw] to W' [M, C/g, kh, kw] with W'[g*Mg+m][c][y][x] = W[g*Cg+c][m][kh-1-y][kw-1-x]. */
  static Tensor flipTranspose(Tensor w, int group) {
    Shape ws = w.shape();
    int c = ws.dim(0), mg = ws.dim(1), kh = ws.dim(2), kw = ws.dim(3), cg = c / group, m = mg * group;
    float[] src = w.toFloatArray(), dst = new float[src.length];
    for (int oc = 0; oc < m; oc++) {
      int grp = oc / mg, mo = oc % mg;
      for (int ic = 0; ic < cg; ic++) {
        int srcC = grp * cg + ic;
        for (int y = 0; y < kh; y++) {
          for (int x = 0; x < kw; x++) {
            dst[((oc * cg + ic) * kh + y) * kw + x] = src[((srcC * mg + mo) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)];
          }
        }
      }
    }
    return Tensor.wrap(Shape.of(m, cg, kh, kw), dst);
  }
}
