package org.cnnhls.dse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.cnnhls.engine.HardwareConfigFile;

/** pareto.csv, pareto.json (as a map for Jackson) and pareto.svg of a search's fronts. */
public final class ParetoFiles {
  private ParetoFiles() {}

  /** The union of the fronts of latency against each resource (DSP, BRAM18, LUT, FF), by latency. */
  public static List<Evaluation> front(List<Evaluation> fitting) {
    Set<Evaluation> all = new LinkedHashSet<>(Explorer.pareto(fitting, e -> e.resources().dsp()));
    all.addAll(Explorer.pareto(fitting, e -> e.resources().bram18()));
    all.addAll(Explorer.pareto(fitting, e -> e.resources().lut()));
    all.addAll(Explorer.pareto(fitting, e -> e.resources().ff()));
    List<Evaluation> out = new ArrayList<>(all);
    out.sort(java.util.Comparator.comparingDouble(Evaluation::latencySeconds).thenComparing(e -> e.point().label()));
    return out;
  }

  public static String csv(List<Evaluation> front) {
    StringBuilder sb = new StringBuilder("tm,tn,tr,tc,axi_bits,precision,clock_mhz,winograd,latency_ms,fps,gops,dsp,bram18,lut,ff\n");
    for (Evaluation e : front) {
      var h = e.point().hw();
      var r = e.resources();
      sb.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%.1f,%d,%.4f,%.2f,%.2f,%d,%d,%d,%d%n", h.tm(), h.tn(), h.tr(),
          h.tc(), h.axiDataWidth(), e.point().precision(), h.clockMHz(), h.winograd() ? 1 : 0, e.latencySeconds() * 1e3,
          e.throughputFps(), e.gops(), r.dsp(), r.bram18(), r.lut(), r.ff()));
    }
    return sb.toString();
  }

  /** A point as a configuration file (HardwareConfigFile format) with what was modeled for it. */
  public static Map<String, Object> config(Evaluation e) {
    Map<String, Object> modeled = new LinkedHashMap<>();
    modeled.put("latencyMs", e.latencySeconds() * 1e3);
    modeled.put("gops", e.gops());
    modeled.put("dsp", e.resources().dsp());
    modeled.put("bram18", e.resources().bram18());
    modeled.put("lut", e.resources().lut());
    modeled.put("ff", e.resources().ff());
    return HardwareConfigFile.toMap(e.point().hw(), modeled);
  }

  public static Map<String, Object> json(String model, Explorer.Result r, List<Evaluation> front, String strategy) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", model);
    doc.put("strategy", strategy);
    doc.put("evaluated", r.evaluated());
    doc.put("seconds", r.seconds());
    doc.put("best", r.best() == null ? null : config(r.best()));
    doc.put("front", front.stream().map(ParetoFiles::config).toList());
    return doc;
  }

  /** Two panels: latency against DSP and against BRAM18; all fitting points grey, the front highlighted. */
  public static String svg(String title, List<Evaluation> fitting, List<Evaluation> front, int dspAvail, int bramAvail) {
    int w = 780, h = 360;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", w, h));
    sb.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/><text x=\"20\" y=\"18\" font-size=\"13\">%s</text>%n", w, h,
        title.replace("&", "&amp;").replace("<", "&lt;")));
    double maxLat = 0, minLat = Double.MAX_VALUE;
    for (Evaluation e : fitting) {
      maxLat = Math.max(maxLat, e.latencySeconds() * 1e3);
      minLat = Math.min(minLat, e.latencySeconds() * 1e3);
    }
    if (fitting.isEmpty()) {
      maxLat = 1;
      minLat = 0.1;
    }
    // each panel highlights its own front (latency against that resource)
    panel(sb, 80, "DSP", dspAvail, fitting, Explorer.pareto(fitting, e -> e.resources().dsp()), e -> e.resources().dsp(),
        minLat, maxLat);
    panel(sb, 450, "BRAM18", bramAvail, fitting, Explorer.pareto(fitting, e -> e.resources().bram18()),
        e -> e.resources().bram18(), minLat, maxLat);
    return sb.append("</svg>\n").toString();
  }

  private static void panel(StringBuilder sb, int x0, String what, int avail, List<Evaluation> fitting, List<Evaluation> front,
      java.util.function.ToIntFunction<Evaluation> res, double minLat, double maxLat) {
    int pw = 280, ph = 260, y0 = 40;
    double lo = Math.log10(Math.max(1e-6, minLat * 0.9)), hi = Math.log10(maxLat * 1.1);
    sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"black\"/>%n", x0, y0, pw, ph));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s used (of %d)</text>%n", x0 + pw / 2, y0 + ph + 30, what, avail));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f ms</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f ms</text>%n",
        x0 - 4, y0 + 10, Math.pow(10, hi), x0 - 4, y0 + ph, Math.pow(10, lo)));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>%n",
        x0, y0 + ph + 14, x0 + pw, y0 + ph + 14, avail));
    Set<Evaluation> onFront = new java.util.HashSet<>(front);
    for (Evaluation e : fitting) {
      double px = x0 + (double) res.applyAsInt(e) / Math.max(1, avail) * pw;
      double py = y0 + ph - (Math.log10(e.latencySeconds() * 1e3) - lo) / (hi - lo) * ph;
      boolean f = onFront.contains(e);
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"%s/>%n", px, py, f ? "3.5" : "1.5",
          f ? "#d62728" : "#bbbbbb", f ? "" : " fill-opacity=\"0.5\""));
    }
  }
}
