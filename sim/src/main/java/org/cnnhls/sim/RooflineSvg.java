package org.cnnhls.sim;

import org.cnnhls.engine.LayerTiming;
import org.cnnhls.engine.DdrModel;

import java.util.Locale;

/**
 * A roofline chart of a simulation as SVG: log-log axes of operational intensity (ops per DDR byte)
 * against achieved GOPS, the compute roof of the MAC array and the DDR bandwidth roof, one dot per
 * MAC layer (blue compute-bound, red memory-bound). With the Winograd mode, a dashed roof at 36/16
 * of the peak: what 3x3 stride-1 layers can reach.
 */
public final class RooflineSvg {
  private RooflineSvg() {}

  private static final int W = 640, H = 420, L = 70, R = 20, T = 30, B = 50;

  public static String render(SimResult r, String title) {
    double peak = r.hw().macs() * 2.0 * r.hw().clockMHz() * 1e6 / 1e9;
    // in Winograd mode a 3x3 stride-1 layer does 36 MACs' work per 16 multiplies
    double winoPeak = r.hw().winograd() ? peak * 36 / 16 : peak;
    double bw = DdrModel.of(r.hw()).bytesPerCycle() * r.hw().clockMHz() * 1e6 / 1e9; // GB/s
    double xMin = 0.1, xMax = 10000, yMin = 0.01, yMax = Math.pow(10, Math.ceil(Math.log10(winoPeak * 1.5)));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n", W, H));
    sb.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n", W, H));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>%n", L, escape(title)));
    for (double x = xMin; x <= xMax * 1.0001; x *= 10) {
      double px = px(x, xMin, xMax);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          px, T, px, H - B, px, H - B + 15, fmt(x)));
    }
    for (double y = yMin; y <= yMax * 1.0001; y *= 10) {
      double py = py(y, yMin, yMax);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          L, py, W - R, py, L - 5, py + 4, fmt(y)));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">operational intensity (ops per DDR byte)</text>%n", (L + W - R) / 2, H - 10));
    sb.append(String.format(Locale.ROOT, "<text x=\"15\" y=\"%d\" transform=\"rotate(-90 15 %d)\" text-anchor=\"middle\">GOPS</text>%n", (T + H - B) / 2, (T + H - B) / 2));
    // roofs: bandwidth line up to the ridge point, then the flat compute roof
    double ridge = peak / bw;
    sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"2\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>%n",
        px(xMin, xMin, xMax), py(Math.max(yMin, bw * xMin), yMin, yMax), px(ridge, xMin, xMax), py(peak, yMin, yMax),
        px(xMax, xMin, xMax), py(peak, yMin, yMax)));
    sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">peak %.1f GOPS, DDR %.2f GB/s</text>%n",
        px(ridge, xMin, xMax) + 5, py(peak, yMin, yMax) - 6, peak, bw));
    if (winoPeak > peak) {
      double wr = winoPeak / bw;
      sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"black\" stroke-dasharray=\"5,4\" points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"/>%n",
          px(ridge, xMin, xMax), py(peak, yMin, yMax), px(wr, xMin, xMax), py(winoPeak, yMin, yMax), px(xMax, xMin, xMax),
          py(winoPeak, yMin, yMax)));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">Winograd 3x3 peak %.1f GOPS</text>%n",
          px(wr, xMin, xMax) + 5, py(winoPeak, yMin, yMax) - 6, winoPeak));
    }
    for (LayerTiming l : r.layers()) {
      if (l.macs() == 0 || l.ddrBytes() == 0) continue;
      double ops = 2.0 * l.macs(), x = ops / l.ddrBytes(), y = ops / (l.cycles() / (r.hw().clockMHz() * 1e6)) / 1e9;
      x = Math.max(xMin, Math.min(xMax, x));
      y = Math.max(yMin, Math.min(yMax, y));
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s %s: %.2f GOPS</title></circle>%n",
          px(x, xMin, xMax), py(y, yMin, yMax), l.computeBound() ? "#1f77b4" : "#d62728", escape(l.node()), l.op(),
          ops / (l.cycles() / (r.hw().clockMHz() * 1e6)) / 1e9));
    }
    return sb.append("</svg>\n").toString();
  }

  private static double px(double x, double min, double max) {
    return L + (Math.log10(x) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) * (W - L - R);
  }

  private static double py(double y, double min, double max) {
    return H - B - (Math.log10(y) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) * (H - T - B);
  }

  private static String fmt(double v) {
    return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2g", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
