package org.cnnhls.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.ModelCalibration;
import org.cnnhls.engine.CoreResourceModel;
import org.cnnhls.engine.ResourceModel;

/**
 * `collect --emit-calibration`: refits the resource models to a sweep's measured reports.
 *
 * <ul>
 *   <li>The compute core (Yosys stat of each point's RTL core): per precision and resource, the
 *       coefficients of {@link CoreResourceModel}'s form a * MACs + b * Tm + c by non-negative least
 *       squares (every subset of free coefficients solved exactly, the best feasible one kept),
 *       when the points span three independent (MACs, Tm, 1) rows; else one factor on the built-in
 *       coefficients.
 *   <li>The HLS engine (csynth DSP/BRAM/LUT/FF): one measured / modeled factor per resource, least
 *       squares through the origin, bounded to [{@link ModelCalibration#MIN_SCALE},
 *       {@link ModelCalibration#MAX_SCALE}].
 * </ul>
 *
 * Latency is not refitted: the engine's loop depths are tied to the kernels by the traced C-sim,
 * and a csynth report's latency is compared (collect's table), not folded back.
 */
public final class ModelFit {
  private ModelFit() {}

  /** One point's core numbers: its array shape and precision, and what Yosys measured. */
  record CorePoint(String task, int tm, int tn, int bits, Board.Family family, double lut, double ff) {}

  public record Result(ModelCalibration calibration, List<String> heldOut) {}

  /**
   * Fits on the points whose index in the manifest {@code train} accepts; the rest are the held-out
   * points {@link #heldOutErrors} reports on.
   */
  public static Result fit(Path dir, Collector.Table t, IntPredicate train) {
    JsonNode manifest = manifest(dir);
    Board.Family family = familyOf(manifest.path("board").asText());
    List<CorePoint> core = new ArrayList<>();
    List<String> held = new ArrayList<>();
    Map<String, double[]> scaleSums = new LinkedHashMap<>(); // resource -> {sum m*y, sum m*m, n}
    int i = 0;
    for (JsonNode p : manifest.path("points")) {
      Map<String, Object> row = t.rows().get(i);
      boolean fit = train.test(i++);
      if (!fit) {
        held.add(p.path("task").asText());
        continue;
      }
      JsonNode c = p.path("config");
      Object lut = row.get("yosys_lut"), ff = row.get("yosys_ff");
      if (lut instanceof Number l && ff instanceof Number f) {
        int bits = Math.max(c.path("actWidth").asInt(16), c.path("wgtWidth").asInt(16));
        core.add(new CorePoint(p.path("task").asText(), c.path("tm").asInt(), c.path("tn").asInt(), bits, family, l.doubleValue(),
            f.doubleValue()));
      }
      for (String r : new String[] {"dsp", "bram18", "lut", "ff"}) {
        if (row.get("hls_" + r) instanceof Number y && row.get("model_" + r) instanceof Number m) {
          double[] s = scaleSums.computeIfAbsent(r, k -> new double[3]);
          s[0] += m.doubleValue() * y.doubleValue();
          s[1] += m.doubleValue() * m.doubleValue();
          s[2]++;
        }
      }
    }
    Map<String, List<Double>> coeffs = new LinkedHashMap<>();
    for (int bits : new int[] {8, 16}) {
      List<CorePoint> pts = core.stream().filter(p -> (p.bits() <= 8) == (bits == 8)).toList();
      if (pts.isEmpty()) continue;
      for (String r : new String[] {"lut", "ff"}) {
        double[] fitted = fitCore(pts, r, bits);
        coeffs.put(r + bits, List.of(fitted[0], fitted[1], fitted[2]));
      }
    }
    Map<String, Double> scale = new LinkedHashMap<>();
    scaleSums.forEach((r, s) -> {
      if (s[1] > 0) scale.put(r, Math.max(ModelCalibration.MIN_SCALE, Math.min(ModelCalibration.MAX_SCALE, s[0] / s[1])));
    });
    String src = String.format(Locale.ROOT, "cnnhls collect %s: core from %d Yosys syntheses, engine from %d csynth reports",
        dir.toAbsolutePath().normalize().getFileName(), core.size(), scaleSums.values().stream().mapToInt(s -> (int) s[2]).max().orElse(0));
    return new Result(new ModelCalibration(src, coeffs, scale), List.copyOf(held));
  }

  /** Non-negative least squares of y ~ a * MACs + b * Tm + c; a factor on the built-in coefficients when the rows cannot fix three. */
  static double[] fitCore(List<CorePoint> pts, String resource, int bits) {
    int n = pts.size();
    double[][] x = new double[n][];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      CorePoint p = pts.get(i);
      boolean noMacFf = resource.equals("ff") && p.family() == Board.Family.ZYNQ_7000; // the model has no per-MAC FF there
      x[i] = new double[] {noMacFf ? 0 : (double) p.tm() * p.tn(), p.tm(), 1};
      y[i] = resource.equals("lut") ? p.lut() : p.ff();
    }
    double[] best = null;
    double bestErr = Double.POSITIVE_INFINITY;
    boolean fullRank = false; // the rows fix all three coefficients (the mask-7 system is regular)
    for (int mask = 1; mask < 8; mask++) {
      double[] c = solve(x, y, mask);
      if (mask == 7) fullRank = c != null;
      if (c == null) continue;
      boolean feasible = true;
      for (double v : c) feasible &= v >= 0;
      if (!feasible) continue;
      double e = 0;
      for (int i = 0; i < n; i++) {
        double d = y[i] - (c[0] * x[i][0] + c[1] * x[i][1] + c[2] * x[i][2]);
        e += d * d;
      }
      if (e < bestErr - 1e-9 * Math.max(1, bestErr) || best == null) {
        bestErr = e;
        best = c;
      }
    }
    if (best != null && fullRank) return best;
    // too few distinct points: scale the built-in coefficients by one least-squares factor
    double[] base = CoreResourceModel.coefficients(resource, bits);
    double num = 0, den = 0;
    for (int i = 0; i < n; i++) {
      double m = base[0] * x[i][0] + base[1] * x[i][1] + base[2];
      num += m * y[i];
      den += m * m;
    }
    double s = den > 0 ? Math.max(ModelCalibration.MIN_SCALE, Math.min(ModelCalibration.MAX_SCALE, num / den)) : 1;
    return new double[] {base[0] * s, base[1] * s, base[2] * s};
  }

  /** Least squares over the coefficients in {@code mask} (the others 0), by the normal equations; null when singular. */
  static double[] solve(double[][] x, double[] y, int mask) {
    int[] idx = java.util.stream.IntStream.range(0, 3).filter(j -> (mask >> j & 1) != 0).toArray();
    int k = idx.length;
    double[][] a = new double[k][k + 1];
    for (int i = 0; i < x.length; i++) {
      for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++) a[r][c] += x[i][idx[r]] * x[i][idx[c]];
        a[r][k] += x[i][idx[r]] * y[i];
      }
    }
    for (int col = 0; col < k; col++) { // Gauss-Jordan with partial pivoting
      int piv = col;
      for (int r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
      if (Math.abs(a[piv][col]) < 1e-9) return null;
      double[] tmp = a[col];
      a[col] = a[piv];
      a[piv] = tmp;
      for (int r = 0; r < k; r++) {
        if (r == col) continue;
        double f = a[r][col] / a[col][col];
        for (int c = col; c <= k; c++) a[r][c] -= f * a[col][c];
      }
    }
    double[] out = new double[3];
    for (int r = 0; r < k; r++) out[idx[r]] = a[r][k] / a[r][r];
    return out;
  }

  /**
   * Per held-out point and core resource, the model's error in percent before and after the refit:
   * rows of {task, resource, measured, before %, after %}.
   */
  public static List<String[]> heldOutErrors(Path dir, Collector.Table t, Result fit) {
    JsonNode manifest = manifest(dir);
    Board.Family family = familyOf(manifest.path("board").asText());
    List<String[]> out = new ArrayList<>();
    int i = 0;
    for (JsonNode p : manifest.path("points")) {
      Map<String, Object> row = t.rows().get(i++);
      String task = p.path("task").asText();
      if (!fit.heldOut().contains(task)) continue;
      JsonNode c = p.path("config");
      int bits = Math.max(c.path("actWidth").asInt(16), c.path("wgtWidth").asInt(16));
      ResourceModel.Estimate before = CoreResourceModel.estimate(c.path("tm").asInt(), c.path("tn").asInt(), bits, family);
      ResourceModel.Estimate after = CoreResourceModel.estimate(c.path("tm").asInt(), c.path("tn").asInt(), bits, family, fit.calibration());
      for (String r : new String[] {"lut", "ff"}) {
        if (!(row.get("yosys_" + r) instanceof Number y)) continue;
        double b = r.equals("lut") ? before.lut() : before.ff(), a = r.equals("lut") ? after.lut() : after.ff();
        out.add(new String[] {task, r, String.valueOf(y.longValue()), pct(b, y.doubleValue()), pct(a, y.doubleValue())});
      }
    }
    return out;
  }

  private static String pct(double m, double y) {
    return y == 0 ? Collector.NA : String.format(Locale.ROOT, "%+.1f", 100 * (m - y) / y);
  }

  private static JsonNode manifest(Path dir) {
    try {
      return new ObjectMapper().readTree(dir.resolve(Sweep.MANIFEST).toFile());
    } catch (IOException e) {
      throw new SweepException(dir.resolve(Sweep.MANIFEST) + ": not valid JSON (" + HlsReport.oneLine(e.getMessage()) + ")");
    }
  }

  private static Board.Family familyOf(String board) {
    try {
      return org.cnnhls.boards.BoardCatalog.byName(board).family();
    } catch (RuntimeException e) {
      return Board.Family.ZYNQ_ULTRASCALE_PLUS;
    }
  }
}
