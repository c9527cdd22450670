package org.cnnhls.engine.dataflow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.FixedType;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * Lowers a quantized graph into a {@link DataflowPlan}: one stage per fused layer (a FusedConv with
 * a pool is a conv stage and a pool stage), Flatten/Reshape/Identity as views of a stream, and the
 * folding of every conv and FC stage chosen by {@link #choose}. A graph the dataflow architecture
 * cannot run is refused with one line naming the node and op ({@link ModelException}).
 */
public final class DataflowLowering {
  private DataflowLowering() {}

  /** The plan with folding balanced under the board's caps (see {@link #choose}). */
  public static DataflowPlan plan(QuantizedGraph q, Board board, double clockMHz) {
    Skeleton s = skeleton(q);
    return choose(s.stages, board, clockMHz, s.input, s.output);
  }

  /** The plan with every stage at PE = SIMD = 1 (the smallest design). */
  public static DataflowPlan unfolded(QuantizedGraph q, Board board, double clockMHz) {
    Skeleton s = skeleton(q);
    return new DataflowPlan(s.stages, board, clockMHz, s.input, s.output);
  }

  record Skeleton(List<DataflowStage> stages, String input, String output) {}

  private static String refuse(Node n, String why) {
    throw new ModelException("node '" + n.name() + "' (" + n.op().type() + "): " + why + "; the dataflow architecture cannot run it"
        + " (use --arch overlay)");
  }

  static Skeleton skeleton(QuantizedGraph q) {
    Graph g = q.graph();
    if (g.inputs().size() != 1 || g.outputs().size() != 1) {
      throw new ModelException("the dataflow architecture takes one input and one output; the model has " + g.inputs().size()
          + " inputs and " + g.outputs().size() + " outputs (use --arch overlay)");
    }
    String input = g.inputs().get(0).name();
    Shape xs = g.inputs().get(0).shape();
    PixelShape first = pixels(xs, q.format(input).width());
    if (first == null) {
      throw new ModelException("input '" + input + "' has shape " + xs + "; the dataflow architecture takes [1,C,H,W] or [1,K] (use --arch overlay)");
    }
    Map<String, Integer> uses = new HashMap<>();
    for (Node n : g.nodes()) for (String in : n.inputs()) if (!in.isEmpty() && !g.isConstant(in)) uses.merge(in, 1, Integer::sum);
    List<DataflowStage> stages = new ArrayList<>();
    stages.add(new DataflowStage.Input(first));
    Map<String, PixelShape> streams = new HashMap<>();
    streams.put(input, first);
    String current = input;
    for (Node n : g.nodes()) {
      Op op = n.op();
      PixelShape in = streams.get(n.input(0));
      if (in == null || !n.input(0).equals(current)) refuse(n, "its input is not the output of the previous stage (branches)");
      if (uses.getOrDefault(current, 0) > 1) refuse(n, "value '" + current + "' feeds " + uses.get(current) + " nodes (branches)");
      for (int i = 1; i < n.inputs().size(); i++) {
        if (!n.input(i).isEmpty() && !g.isConstant(n.input(i))) refuse(n, "input '" + n.input(i) + "' is computed, not a constant");
      }
      Shape ins = g.shape(n.input(0)), outs = g.shape(n.output());
      int outWidth = q.format(n.output()).width();
      PixelShape out;
      if (op instanceof Op.FusedConv || op instanceof Op.Conv) {
        Op.FusedConv f = op instanceof Op.FusedConv fc ? fc : new Op.FusedConv((Op.Conv) op, null, null);
        if (ins.rank() != 4) refuse(n, "a conv on a flattened value");
        Op.Conv c = f.conv();
        if (c.group() != 1) refuse(n, "grouped conv (group " + c.group() + ")");
        if (c.dilations()[0] != 1 || c.dilations()[1] != 1) refuse(n, "dilated conv");
        if (!ActivationQuant.isSupported(f.activation())) refuse(n, f.activation().type() + " activation");
        LinearQuant lq = q.linear().get(n.name());
        Shape ws = g.shape(n.input(1));
        Shape convOut = f.pool() == null ? outs : c.inferShapes(List.of(ins, ws)).get(0);
        PixelShape co = new PixelShape(convOut.dim(2), convOut.dim(3), convOut.dim(1), outWidth);
        stages.add(new DataflowStage.Conv(stageName(n, "conv"), n.name(), in, co, ws.dim(2), ws.dim(3), c.strides()[0], c.strides()[1],
            c.pads()[0], c.pads()[1], c.pads()[2], c.pads()[3], 1, 1, lq.weightFormat().width(), accWidth(lq, op, in.width()),
            multWidth(lq), f.activation() instanceof Op.LeakyRelu));
        out = co;
        if (f.pool() != null) out = pool(n, f.pool(), co, outs, stages, stageName(n, "pool"));
      } else if (op instanceof Op.FusedGemm || op instanceof Op.Gemm) {
        if (ins.rank() != 2 || ins.dim(0) != 1 || ins.dim(1) != in.values()) refuse(n, "a Gemm whose input is not one vector");
        if (op instanceof Op.Gemm gm && (gm.alpha() != 1f || gm.beta() != 1f || gm.transA())) refuse(n, "alpha/beta/transA");
        Op.Activation a = op instanceof Op.FusedGemm fg ? fg.activation() : null;
        if (!ActivationQuant.isSupported(a)) refuse(n, a.type() + " activation");
        LinearQuant lq = q.linear().get(n.name());
        out = new PixelShape(1, 1, outs.dim(1), outWidth);
        stages.add(new DataflowStage.Fc(stageName(n, "fc"), n.name(), in, out, 1, 1, lq.weightFormat().width(), accWidth(lq, op, in.width()),
            multWidth(lq), a instanceof Op.LeakyRelu));
      } else if (op instanceof Op.MaxPool p) {
        if (ins.rank() != 4) refuse(n, "a pool on a flattened value");
        out = pool(n, p, in, outs, stages, stageName(n, "pool"));
      } else if (op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Identity) {
        // a view: the stream is unchanged; an FC reading it takes its values in stream order
        boolean ok = op instanceof Op.Identity || (outs.rank() == 2 && outs.dim(0) == 1)
            || (outs.rank() == 4 && outs.equals(ins));
        if (!ok) refuse(n, "a reshape to " + outs + " (only to [1,K], feeding a fully connected layer)");
        if (q.format(n.output()).width() != in.width()) refuse(n, "a format change in a view");
        out = in;
      } else {
        refuse(n, "no dataflow stage for " + op.type());
        return null;
      }
      streams.put(n.output(), out);
      current = n.output();
    }
    if (!current.equals(g.outputs().get(0))) {
      throw new ModelException("output '" + g.outputs().get(0) + "' is not the last stage's output; the dataflow architecture cannot run it (use --arch overlay)");
    }
    stages.add(new DataflowStage.Output(streams.get(current)));
    return new Skeleton(stages, input, current);
  }

  private static PixelShape pool(Node n, Op.MaxPool p, PixelShape in, Shape outs, List<DataflowStage> stages, String name) {
    int kh = p.kernel()[0], kw = p.kernel()[1];
    boolean pads = false;
    for (int v : p.pads()) pads |= v != 0;
    if (pads || p.strides()[0] != kh || p.strides()[1] != kw || p.dilations()[0] != 1 || p.dilations()[1] != 1) {
      refuse(n, "max pool other than non-overlapping windows (kernel = stride, no padding, no dilation)");
    }
    if (outs.dim(2) != in.h() / kh || outs.dim(3) != in.w() / kw) refuse(n, "ceil-mode max pool");
    PixelShape out = new PixelShape(outs.dim(2), outs.dim(3), in.c(), in.width());
    stages.add(new DataflowStage.Pool(name, n.name(), in, out, kh, kw));
    return out;
  }

  private static String stageName(Node n, String kind) {
    return kind + ":" + n.name();
  }

  /** The stream a graph input becomes: [1,C,H,W] as HxW pixels of C, [1,K] as one pixel of K. */
  static PixelShape pixels(Shape s, int width) {
    if (s.rank() == 4 && s.dim(0) == 1) return new PixelShape(s.dim(2), s.dim(3), s.dim(1), width);
    if (s.rank() == 2 && s.dim(0) == 1) return new PixelShape(1, 1, s.dim(1), width);
    return null;
  }

  /** Bits of a signed accumulator holding the contract's worst |acc| of every channel. */
  static int accWidth(LinearQuant lq, Op op, int inWidth) {
    long max = 0;
    for (long b : lq.accumulatorBounds(op, inWidth)) max = Math.max(max, b);
    return Math.min(64, 64 - Long.numberOfLeadingZeros(max) + 1);
  }

  /** Bits of the largest requantize multiplier; 0 when all are 1 (the kernel then does not multiply). */
  static int multWidth(LinearQuant lq) {
    int max = 1;
    for (int m : lq.multiplier()) max = Math.max(max, m);
    return max == 1 ? 0 : 32 - Integer.numberOfLeadingZeros(max);
  }

  /** Every folding of a stage: PE over the divisors of its output channels, SIMD over those of its input channels (and, for a conv, Cin times the divisors of kw). */
  static List<DataflowStage> foldings(DataflowStage s) {
    List<DataflowStage> out = new ArrayList<>();
    if (s instanceof DataflowStage.Conv c) {
      List<Integer> simds = new ArrayList<>(divisors(c.in().c()));
      for (int m : divisors(c.kw())) if (m > 1) simds.add(m * c.in().c());
      for (int pe : divisors(c.out().c())) {
        for (int simd : simds) {
          out.add(new DataflowStage.Conv(c.name(), c.node(), c.in(), c.out(), c.kh(), c.kw(), c.sh(), c.sw(), c.padTop(), c.padLeft(),
              c.padBottom(), c.padRight(), pe, simd, c.weightWidth(), c.accWidth(), c.multWidth(), c.leaky()));
        }
      }
    } else if (s instanceof DataflowStage.Fc f) {
      for (int pe : divisors(f.out().c())) {
        for (int simd : divisors(f.in().c())) {
          out.add(new DataflowStage.Fc(f.name(), f.node(), f.in(), f.out(), pe, simd, f.weightWidth(), f.accWidth(), f.multWidth(), f.leaky()));
        }
      }
    } else {
      out.add(s);
    }
    return out;
  }

  static List<Integer> divisors(int n) {
    List<Integer> d = new ArrayList<>();
    for (int i = 1; i <= n; i++) if (n % i == 0) d.add(i);
    return d;
  }

  /**
   * The folding chooser: the smallest interval T (cycles per image of the slowest stage) for which
   * every stage has a folding of at most T cycles and the cheapest such foldings (fewest
   * multipliers, then BRAM18, then LUT) together fit the board's caps. Balancing every stage to the
   * same T spends no multipliers on stages that would only wait for the slowest one. If not even
   * PE = SIMD = 1 everywhere fits, that plan is returned and its {@link DataflowPlan#fit} names
   * the resource.
   */
  static DataflowPlan choose(List<DataflowStage> skeleton, Board board, double clockMHz, String input, String output) {
    List<List<DataflowStage>> options = new ArrayList<>();
    Comparator<DataflowStage> cost = Comparator.<DataflowStage>comparingInt(s -> s.resources().multipliers())
        .thenComparingInt(s -> s.resources().bram18()).thenComparingInt(s -> s.resources().lut());
    long floor = 0;
    java.util.TreeSet<Long> intervals = new java.util.TreeSet<>();
    for (DataflowStage s : skeleton) {
      List<DataflowStage> f = new ArrayList<>(foldings(s));
      f.sort(cost);
      options.add(f);
      long best = Long.MAX_VALUE;
      for (DataflowStage v : f) {
        best = Math.min(best, v.cycles());
        intervals.add(v.cycles());
      }
      floor = Math.max(floor, best);
    }
    for (long t : intervals.tailSet(floor)) {
      List<DataflowStage> pick = new ArrayList<>();
      for (List<DataflowStage> f : options) {
        for (DataflowStage v : f) {
          if (v.cycles() <= t) {
            pick.add(v);
            break;
          }
        }
      }
      DataflowPlan p = new DataflowPlan(pick, board, clockMHz, input, output);
      if (p.fit().fits()) return p;
    }
    return new DataflowPlan(skeleton, board, clockMHz, input, output);
  }
}
