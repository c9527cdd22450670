package org.cnnhls.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * `cnnhls collect`: every task's status.json and reports (csynth.xml, the placed utilization
 * report, Yosys' stat, the C-sim/SystemC verdicts) next to the modeled numbers of the manifest,
 * with the model's error in percent ((modeled - measured) / measured). An absent or unreadable
 * report is the cell "missing" (the reason is in the row's notes), a step the sweep did not run
 * "n/a"; nothing here throws on a task's contents.
 */
public final class Collector {
  private Collector() {}

  public static final String MISSING = "missing", NA = "n/a";
  private static final Pattern CYCLES = Pattern.compile("SYSTEMC cycles=(\\d+)");
  private static final Pattern STAT_A = Pattern.compile("^\\s+(\\w+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);
  private static final Pattern STAT_B = Pattern.compile("^\\s+(\\d+)\\s+(\\w+)\\s*$", Pattern.MULTILINE);
  private static final String[] RES = {"dsp", "bram18", "lut", "ff"};

  public record Table(List<String> columns, List<Map<String, Object>> rows) {}

  public static Table collect(Path dir) {
    Path manifestFile = dir.resolve(Sweep.MANIFEST);
    if (!Files.isRegularFile(manifestFile)) throw new SweepException(dir + ": no " + Sweep.MANIFEST + " (not a folder written by `cnnhls sweep`)");
    JsonNode manifest;
    try {
      manifest = new ObjectMapper().readTree(manifestFile.toFile());
    } catch (IOException e) {
      throw new SweepException(manifestFile + ": not valid JSON (" + HlsReport.oneLine(e.getMessage()) + ")");
    }
    if (manifest.path("format").asInt() != 1 || !manifest.path("points").isArray()) {
      throw new SweepException(manifestFile + ": not a format-1 sweep manifest");
    }
    List<String> steps = new ArrayList<>();
    manifest.path("steps").forEach(s -> steps.add(s.asText()));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (JsonNode p : manifest.path("points")) rows.add(row(dir, p, steps));
    List<String> cols = new ArrayList<>(List.of("task", "label", "csim", "systemc", "csim_s", "systemc_s", "csynth_s", "impl_s", "yosys_s",
        "model_latency_ms", "systemc_latency_ms", "systemc_latency_err_pct", "hls_latency_ms", "hls_latency_err_pct"));
    for (String r : RES) {
      cols.addAll(List.of("model_" + r, "hls_" + r, "hls_" + r + "_err_pct", "impl_" + r, "impl_" + r + "_err_pct"));
    }
    for (String r : new String[] {"dsp", "lut", "ff"}) cols.addAll(List.of("core_model_" + r, "yosys_" + r, "yosys_" + r + "_err_pct"));
    cols.add("notes");
    return new Table(List.copyOf(cols), rows);
  }

  private static Map<String, Object> row(Path dir, JsonNode p, List<String> steps) {
    String task = p.path("task").asText();
    Path td = dir.resolve(task);
    Map<String, Object> row = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    row.put("task", task);
    row.put("label", p.path("label").asText());
    JsonNode modeled = p.path("config").path("modeled");
    double clockMHz = p.path("config").path("clockMHz").asDouble(Double.NaN);

    Map<String, JsonNode> status = new HashMap<>();
    Path statusFile = td.resolve(Sweep.STATUS);
    boolean haveStatus = false;
    if (Files.isRegularFile(statusFile)) {
      try {
        for (JsonNode s : new ObjectMapper().readTree(statusFile.toFile()).path("steps")) status.put(s.path("step").asText(), s);
        haveStatus = true;
      } catch (IOException e) {
        notes.add(task + "/" + Sweep.STATUS + ": not valid JSON");
      }
    } else {
      notes.add(task + "/" + Sweep.STATUS + ": missing (task not run yet?)");
    }
    for (String s : new String[] {"csim", "systemc", "csynth", "impl", "yosys"}) {
      JsonNode e = status.get(s);
      Object secs = !steps.contains(s) ? NA : e == null || !e.has("seconds") ? MISSING : (Object) e.path("seconds").asDouble();
      row.put(s + "_s", secs);
      if (steps.contains(s) && e == null && haveStatus) notes.add(s + ": not in status.json (task unfinished?)");
      if (e != null && e.path("status").asText().equals("skipped")) notes.add(s + ": skipped: " + e.path("reason").asText());
      if (e != null && e.path("status").asText().equals("failed")) notes.add(s + ": failed (exit " + e.path("exitCode").asInt() + "), see " + task + "/" + e.path("log").asText());
    }
    row.put("csim", verdict(steps, status, "csim"));
    row.put("systemc", verdict(steps, status, "systemc"));

    double modelMs = modeled.path("latencyMs").asDouble(Double.NaN);
    row.put("model_latency_ms", Double.isNaN(modelMs) ? MISSING : modelMs);
    Object scMs = NA;
    if (steps.contains("systemc")) {
      long cycles = -1;
      Path log = td.resolve("logs/systemc.log");
      if (Files.isRegularFile(log)) {
        try {
          Matcher m = CYCLES.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
          while (m.find()) cycles = Long.parseLong(m.group(1));
        } catch (IOException e) {
          // left missing
        }
      }
      scMs = cycles < 0 || Double.isNaN(clockMHz) ? MISSING : cycles / clockMHz / 1e3;
    }
    row.put("systemc_latency_ms", scMs);
    row.put("systemc_latency_err_pct", err(modelMs, scMs));

    HlsReport hls = null;
    if (steps.contains("csynth")) {
      Path xml = find(td.resolve("project/hls"), "csynth.xml", "/solution1/syn/report/");
      String name = task + "/project/hls/<project>/solution1/syn/report/csynth.xml";
      try {
        if (xml == null) throw new ReportException(name + ": missing");
        hls = HlsReport.parse(xml, td.relativize(xml).toString().isEmpty() ? name : task + "/" + td.relativize(xml));
      } catch (ReportException e) {
        notes.add(e.getMessage());
      }
    }
    Object hlsMs = !steps.contains("csynth") ? NA : hls == null ? MISSING : (Object) hls.worstLatencyMs();
    row.put("hls_latency_ms", hlsMs);
    row.put("hls_latency_err_pct", err(modelMs, hlsMs));

    UtilizationReport util = null;
    if (steps.contains("impl")) {
      Path rpt = find(td.resolve("project/vivado"), "_utilization_placed.rpt", "/impl_1/");
      try {
        if (rpt == null) throw new ReportException(task + "/project/vivado/.../impl_1/*_utilization_placed.rpt: missing");
        util = UtilizationReport.parse(rpt, task + "/" + td.relativize(rpt));
      } catch (ReportException e) {
        notes.add(e.getMessage());
      }
    }
    for (String r : RES) {
      double m = modeled.path(r).asDouble(Double.NaN);
      row.put("model_" + r, Double.isNaN(m) ? MISSING : (Object) (long) m);
      Object h = !steps.contains("csynth") ? NA : hls == null ? MISSING : (Object) pick(hls.used(), r);
      Object u = !steps.contains("impl") ? NA : util == null ? MISSING : (Object) pick(util.used(), r);
      row.put("hls_" + r, h);
      row.put("hls_" + r + "_err_pct", err(m, h));
      row.put("impl_" + r, u);
      row.put("impl_" + r + "_err_pct", err(m, u));
    }

    Map<String, Long> cells = null;
    if (steps.contains("yosys")) {
      Path stat = td.resolve("yosys_stat.txt");
      if (!p.path("rtl").isMissingNode()) {
        notes.add("yosys: " + p.path("rtl").asText());
      } else if (!Files.isRegularFile(stat)) {
        notes.add(task + "/yosys_stat.txt: missing");
      } else {
        try {
          cells = yosysCells(Files.readString(stat, StandardCharsets.ISO_8859_1));
          if (cells.isEmpty()) {
            notes.add(task + "/yosys_stat.txt: no cell counts");
            cells = null;
          }
        } catch (IOException e) {
          notes.add(task + "/yosys_stat.txt: cannot read");
        }
      }
    }
    JsonNode core = p.path("modeledCore");
    for (String r : new String[] {"dsp", "lut", "ff"}) {
      double m = core.path(r).asDouble(Double.NaN);
      row.put("core_model_" + r, Double.isNaN(m) ? MISSING : (Object) (long) m);
      Object y = !steps.contains("yosys") ? NA : cells == null ? MISSING : (Object) yosys(cells, r);
      row.put("yosys_" + r, y);
      row.put("yosys_" + r + "_err_pct", err(m, y));
    }
    row.put("notes", String.join("; ", notes));
    return row;
  }

  private static String verdict(List<String> steps, Map<String, JsonNode> status, String step) {
    if (!steps.contains(step)) return NA;
    JsonNode e = status.get(step);
    if (e == null) return MISSING;
    return switch (e.path("status").asText()) {
      case "ok" -> "bit-exact";
      case "failed" -> "not bit-exact (exit " + e.path("exitCode").asInt() + ")";
      case "skipped" -> "skipped";
      default -> MISSING;
    };
  }

  private static long pick(Resources r, String which) {
    return switch (which) {
      case "dsp" -> r.dsp();
      case "bram18" -> r.bram18();
      case "lut" -> r.lut();
      default -> r.ff();
    };
  }

  /** Yosys `stat` cell counts (both the "NAME COUNT" layout of 0.2x and "COUNT NAME" of newer releases). */
  static Map<String, Long> yosysCells(String stat) {
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher a = STAT_A.matcher(stat);
    while (a.find()) if (!a.group(1).matches("\\d+")) out.merge(a.group(1), Long.parseLong(a.group(2)), (x, y) -> y);
    if (out.isEmpty()) {
      Matcher b = STAT_B.matcher(stat);
      while (b.find()) if (!b.group(2).matches("\\d+")) out.merge(b.group(2), Long.parseLong(b.group(1)), (x, y) -> y);
    }
    return out;
  }

  /** As rtl/bench/synth_sizes.sh counts them: DSP48E1/E2, LUT1..LUT6, FD*E. */
  static long yosys(Map<String, Long> cells, String which) {
    String[] names = switch (which) {
      case "dsp" -> new String[] {"DSP48E2", "DSP48E1"};
      case "lut" -> new String[] {"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"};
      default -> new String[] {"FDRE", "FDSE", "FDCE", "FDPE"};
    };
    long n = 0;
    for (String k : names) n += cells.getOrDefault(k, 0L);
    return n;
  }

  static Object err(double modeled, Object measured) {
    if (!(measured instanceof Number m)) return measured;
    if (Double.isNaN(modeled) || m.doubleValue() == 0 || Double.isNaN(m.doubleValue())) return NA;
    return Math.round(1000.0 * (modeled - m.doubleValue()) / m.doubleValue()) / 10.0;
  }

  /** The first file (sorted) under {@code root} whose name ends with {@code suffix} and whose path contains {@code within}. */
  private static Path find(Path root, String suffix, String within) {
    if (!Files.isDirectory(root)) return null;
    try (Stream<Path> s = Files.walk(root, 8)) {
      return s.filter(f -> f.getFileName().toString().endsWith(suffix) && f.toString().replace('\\', '/').contains(within))
          .filter(Files::isRegularFile).sorted().findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  public static String csv(Table t) {
    StringBuilder sb = new StringBuilder(String.join(",", t.columns())).append('\n');
    for (Map<String, Object> r : t.rows()) {
      List<String> cells = new ArrayList<>();
      for (String c : t.columns()) cells.add(cell(r.get(c)));
      sb.append(String.join(",", cells)).append('\n');
    }
    return sb.toString();
  }

  private static String cell(Object v) {
    String s = v == null ? "" : v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : v.toString();
    return s.matches("[^,\"\\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }

  public static String json(Path dir, Table t) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sweep", dir.toAbsolutePath().normalize().getFileName().toString());
    m.put("columns", t.columns());
    m.put("rows", t.rows());
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
  }

  /** Writes sweep.csv and sweep.json into the sweep folder (each via a temporary file, then renamed). */
  public static Table write(Path dir) throws IOException {
    Table t = collect(dir);
    atomic(dir.resolve("sweep.csv"), csv(t));
    atomic(dir.resolve("sweep.json"), json(dir, t));
    return t;
  }

  static void atomic(Path f, String text) throws IOException {
    Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
