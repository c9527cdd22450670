package org.cnnhls.ir.quant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.interp.FloatInterpreter;

/**
 * What quantization did to each layer: formats, weight and activation ranges, how far the weight
 * scales clip (the smallest ratio over channels of the largest representable weight to the largest
 * weight: 1 = no clipping), saturations, and the SQNR of the layer's fixed-point output against
 * float on the given samples; overall output SQNR and top-1 agreement with float. Every format is
 * signed with a power-of-two activation scale, except the values of a pre-quantized model, whose
 * real scales and multiplier errors are reported in {@link Carried}.
 */
public record QuantReport(String rangeSource, String weightMethod, int samples, List<Layer> layers, double outputSqnrDb,
    Double top1Agreement, Carried carried) {

  /**
   * A pre-quantized model's own formats, kept (null when the model carried none): how many values
   * carried one, and per Conv/Gemm the worst |M 2^-s / r - 1| of its multipliers against the
   * model's real multipliers (0: powers of two, exact).
   */
  public record Carried(int values, Map<String, Double> multiplierError) {}

  public record Layer(String name, String op, String outputFormat, String weightFormat, boolean perChannel,
      Double weightMaxAbs, Double weightClip, double activationMaxAbs, long saturations, double sqnrDb) {}

  public static QuantReport build(QuantizedGraph q, List<Map<String, float[]>> samples) {
    FloatInterpreter fl = new FloatInterpreter(q.graph());
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    Map<String, double[]> energy = new HashMap<>(); // value -> {signal, noise}
    int agree = 0;
    boolean vectorOutput = true;
    String out = q.graph().outputs().get(0);
    for (Map<String, float[]> s : samples) {
      Map<String, float[]> f = fl.runAll(s);
      Map<String, int[]> raw = new HashMap<>();
      s.forEach((k, v) -> raw.put(k, q.quantizeInput(k, v)));
      Map<String, int[]> b = bit.runAll(raw);
      for (Node n : q.graph().nodes()) {
        float[] fv = f.get(n.output());
        int[] bv = b.get(n.output());
        double lsb = q.realScale(n.output());
        double[] e = energy.computeIfAbsent(n.output(), k -> new double[2]);
        for (int i = 0; i < fv.length; i++) {
          double d = bv[i] * lsb - fv[i];
          e[0] += (double) fv[i] * fv[i];
          e[1] += d * d;
        }
      }
      float[] fo = f.get(out);
      int[] bo = b.get(out);
      vectorOutput &= fo.length > 1;
      if (argmax(fo) == argmaxInt(bo)) agree++;
    }
    Map<String, Long> sats = bit.saturationCounts();
    List<Layer> layers = new ArrayList<>();
    for (Node n : q.graph().nodes()) {
      LinearQuant lq = q.linear().get(n.name());
      layers.add(new Layer(n.name(), n.op().type(), q.format(n.output()).toString(),
          lq == null ? null : lq.weightFormat().toString(), lq != null && lq.perChannel(),
          lq == null ? null : lq.weightMaxAbs(), lq == null ? null : weightClip(q, n, lq), q.ranges().of(n.output()),
          sats.getOrDefault(n.name(), 0L),
          sqnr(energy.get(n.output()))));
    }
    Double agreement = vectorOutput && !samples.isEmpty() ? 100.0 * agree / samples.size() : null;
    QuantOptions o = q.options();
    String weights = "weight clipping " + o.weightClipping().name().toLowerCase(java.util.Locale.ROOT)
        + (o.biasCorrection() ? ", bias correction" : "");
    Carried carried = q.carried().isEmpty() ? null : new Carried(q.carried().values().size(), q.carried().multiplierError());
    return new QuantReport(q.ranges().source(), weights, samples.size(), layers, sqnr(energy.get(out)), agreement, carried);
  }

  /** min over channels of (largest representable weight) / (largest |w|), at most 1. */
  static double weightClip(QuantizedGraph q, Node n, LinearQuant lq) {
    float[] w = q.graph().constants().get(n.input(1)).toFloatArray();
    int outs = lq.outChannels(), k = w.length / outs;
    boolean rows = FixedPointOps.isConv(n.op()) || FixedPointOps.transB(n.op());
    double worst = 1;
    for (int o = 0; o < outs; o++) {
      double m = 0;
      for (int i = 0; i < k; i++) m = Math.max(m, Math.abs(w[rows ? o * k + i : i * outs + o]));
      if (m > 0) worst = Math.min(worst, lq.channelScale()[o] * lq.weightFormat().maxRaw() / m);
    }
    return worst;
  }

  static double sqnr(double[] e) {
    if (e == null || e[0] == 0) return Double.NaN;
    if (e[1] == 0) return Double.POSITIVE_INFINITY;
    return 10 * Math.log10(e[0] / e[1]);
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  static int argmaxInt(int[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  /** A fixed-width text table. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("ranges: ").append(rangeSource).append("; ").append(weightMethod).append("; statistics over ").append(samples)
        .append(" samples\n");
    sb.append(String.format("%-28s %-12s %-15s %-17s %10s %6s %10s %8s %8s%n", "layer", "op", "output", "weights", "|w|max",
        "w clip", "|y|max", "sat", "SQNR dB"));
    for (Layer l : layers) {
      String w = l.weightFormat() == null ? "-" : l.weightFormat() + (l.perChannel() ? "/ch" : "");
      sb.append(String.format("%-28s %-12s %-15s %-17s %10s %6s %10.4g %8d %8.2f%n", clip(l.name(), 28), l.op(), l.outputFormat(),
          w, l.weightMaxAbs() == null ? "-" : String.format("%.4g", l.weightMaxAbs()),
          l.weightClip() == null ? "-" : String.format("%.3f", l.weightClip()), l.activationMaxAbs(), l.saturations(), l.sqnrDb()));
    }
    if (carried != null) {
      sb.append("formats: the model's own quantization on ").append(carried.values())
          .append(" values (its integers kept; --requantize calibrates from float instead)\n");
      carried.multiplierError().forEach((layer, e) -> sb.append(String.format("  %-28s multiplier %s%n", clip(layer, 28),
          e == 0 ? "exact (power of two)" : String.format("M 2^-s within %.2e of the model's real multiplier", e))));
    }
    sb.append(String.format("output SQNR %.2f dB", outputSqnrDb));
    if (top1Agreement != null) sb.append(String.format(", top-1 agreement with float %.2f%%", top1Agreement));
    return sb.append('\n').toString();
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }
}
