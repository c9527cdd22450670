package org.cnnhls.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cnnhls.boards.Board;
import org.cnnhls.dse.DesignSpace;
import org.cnnhls.dse.Evaluation;
import org.cnnhls.dse.Evaluator;
import org.cnnhls.dse.Explorer;
import org.cnnhls.dse.Objective;
import org.cnnhls.dse.ParetoFiles;
import org.cnnhls.engine.CoreResourceModel;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.engine.Lowering;
import org.cnnhls.engine.ResourceModel;
import org.cnnhls.flow.CompileFlow;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;

/**
 * Writes a synthesis sweep: the design space exploration of `cnnhls dse` (deterministic: exhaustive
 * up to 200,000 points, else annealing with a fixed seed), then per chosen point a generated project
 * (`CompileFlow` with that configuration; each project holds its own weights), a task folder
 * {@code task-NNN/} with {@code run.sh}, the Slurm job array {@code sweep.sbatch} and
 * {@code manifest.json}. The folder is written under a temporary name and renamed when complete.
 *
 * <pre>
 * DIR/manifest.json              model SHA-256, cnnhls version, steps, per point its configuration (format 1, with "modeled")
 * DIR/sweep.sbatch               sbatch sweep.sbatch (from DIR): one array task per point
 * DIR/task-000/run.sh            the steps; status.json gets each step's exit code and wall time
 * DIR/task-000/project/          the generated project (hls/, systemc/, vivado/, ...)
 * DIR/task-000/rtl/              the RTL MAC array core, for the yosys step (when the point has one)
 * </pre>
 */
public final class Sweep {
  private Sweep() {}

  public static final String MANIFEST = "manifest.json", SBATCH = "sweep.sbatch", RUN = "run.sh", STATUS = "status.json";

  /** Writes a point's RTL core into a folder from its configuration file; throws (any message) when the point has none. */
  public interface RtlWriter {
    void write(Path hardwareJson, Path dir) throws Exception;
  }

  /** Which points: the best {@code top} by the objective, or (top = 0) the Pareto fronts. */
  public record Request(Path model, Board board, List<Map<String, float[]>> calibration, int precision, Objective objective, int top,
      Path output, Set<Step> steps, Scripts.Slurm slurm, RtlWriter rtl, Boolean winograd) {
    /** Searching with and without the Winograd mode. */
    public Request(Path model, Board board, List<Map<String, float[]>> calibration, int precision, Objective objective, int top,
        Path output, Set<Step> steps, Scripts.Slurm slurm, RtlWriter rtl) {
      this(model, board, calibration, precision, objective, top, output, steps, slurm, rtl, null);
    }
  }

  public record Point(String task, Evaluation evaluation) {}

  public record Result(Path dir, List<Point> points, Explorer.Result search) {}

  /**
   * The {@code n} best points by the objective ({@code fitting} is in its order), skipping each point
   * that an earlier chosen one dominates: no better objective and no fewer DSP, BRAM18, LUT or FF.
   * Synthesizing such a point measures nothing the chosen one does not (e.g. the same array with a
   * larger tile that buys no latency on a small model), and synthesis costs hours per point.
   */
  static List<Evaluation> topDistinct(List<Evaluation> fitting, Objective objective, int n) {
    List<Evaluation> chosen = new ArrayList<>();
    for (Evaluation e : fitting) {
      if (chosen.size() == n) break;
      boolean dominated = false;
      for (Evaluation c : chosen) dominated |= dominates(c, e, objective);
      if (!dominated) chosen.add(e);
    }
    return chosen;
  }

  /** a is no worse than b in the objective and in every resource. */
  static boolean dominates(Evaluation a, Evaluation b, Objective objective) {
    ResourceModel.Estimate x = a.resources(), y = b.resources();
    return objective.cost(a) <= objective.cost(b) && x.dsp() <= y.dsp() && x.bram18() <= y.bram18() && x.lut() <= y.lut()
        && x.ff() <= y.ff();
  }

  public static String taskName(int i) {
    return String.format(Locale.ROOT, "task-%03d", i);
  }

  public static Result write(Request r, Consumer<String> progress, Consumer<String> warnings) {
    Path out = r.output().toAbsolutePath().normalize();
    if (Files.exists(out)) {
      boolean empty;
      try (Stream<Path> s = Files.list(out)) {
        empty = Files.isDirectory(out) && s.findAny().isEmpty();
      } catch (IOException e) {
        throw new SweepException("-o " + r.output() + ": cannot read (" + e.getMessage() + ")");
      }
      if (!empty) throw new SweepException("-o " + r.output() + ": exists and is not an empty folder (choose a new one)");
    }
    if (r.precision() != 16 && r.precision() != 8) throw new SweepException("precision must be 16 or 8, got " + r.precision());
    progress.accept("importing " + r.model().getFileName());
    Graph g = PassManager.defaultPipeline().run(OnnxImporter.load(r.model()));
    Lowering.checkMappable(g);

    progress.accept("exploring the design space");
    int[] precisions = {r.precision()};
    Evaluator eval = new Evaluator(g, CompileFlow.searchWidths(g, r.board(), precisions, r.calibration(), 100, 1.0, warnings));
    DesignSpace space = DesignSpace.of(r.board(), precisions);
    if (r.winograd() != null) space = space.withWinograd(r.winograd());
    Explorer.Result search = Explorer.auto(space, eval, r.objective(), 1);
    if (search.best() == null) throw new SweepException("no configuration fits " + r.board().name() + " within its utilization caps");
    List<Evaluation> chosen = r.top() > 0 ? topDistinct(search.fitting(), r.objective(), r.top()) : ParetoFiles.front(search.fitting());

    Path tmp = out.resolveSibling("." + out.getFileName() + ".partial");
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      List<Point> points = new ArrayList<>();
      List<Map<String, Object>> rows = new ArrayList<>();
      ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      for (int i = 0; i < chosen.size(); i++) {
        Evaluation e = chosen.get(i);
        String task = taskName(i);
        HardwareConfig hw = e.point().hw();
        progress.accept("writing " + task + " (" + hw.label() + ")");
        Path td = tmp.resolve(task);
        Files.createDirectories(td.resolve("logs"));
        CompileFlow.options(r.model(), r.board()).calibration(r.calibration())
            .precision(String.valueOf(r.precision())).config(hw).output(td.resolve("project")).warnings(w -> { }).run();
        @SuppressWarnings("unchecked")
        Map<String, Object> modeled = (Map<String, Object>) ParetoFiles.config(e).get("modeled");
        JsonNode config = json.readTree(HardwareConfigFile.toJson(hw, modeled));
        String rtlNote = null;
        if (r.steps().contains(Step.YOSYS)) {
          if (r.rtl() == null) {
            rtlNote = "no RTL generator";
          } else {
            try {
              r.rtl().write(td.resolve("project/hardware.json"), td.resolve("rtl"));
            } catch (Exception x) {
              String why = HlsReport.oneLine(x.getMessage()).replace(tmp + java.io.File.separator, "");
              rtlNote = "not RTL-able: " + why;
              deleteTree(td.resolve("rtl"));
            }
          }
        }
        Files.writeString(td.resolve(RUN), Scripts.runSh(task, hw, r.steps(), rtlNote), StandardCharsets.UTF_8);
        td.resolve(RUN).toFile().setExecutable(true, false);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("task", task);
        row.put("label", hw.label());
        row.put("config", config);
        ResourceModel.Estimate core = CoreResourceModel.estimate(hw.tm(), hw.tn(), hw.precision(), r.board().family(), r.board().modelCalibration());
        Map<String, Object> coreMap = new LinkedHashMap<>();
        coreMap.put("dsp", core.dsp());
        coreMap.put("lut", core.lut());
        coreMap.put("ff", core.ff());
        row.put("modeledCore", coreMap);
        if (rtlNote != null) row.put("rtl", rtlNote);
        rows.add(row);
        points.add(new Point(task, e));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("format", 1);
      m.put("cnnhlsVersion", version());
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("file", r.model().getFileName().toString());
      model.put("name", g.name());
      model.put("sha256", sha256(r.model()));
      model.put("bytes", Files.size(r.model()));
      m.put("model", model);
      m.put("board", r.board().name());
      m.put("precision", r.precision());
      m.put("objective", r.objective().name().toLowerCase(Locale.ROOT));
      m.put("selection", r.top() > 0 ? "top " + r.top() : "pareto");
      m.put("calibrationSamples", r.calibration().size());
      m.put("steps", Step.ids(r.steps()));
      m.put("points", rows);
      Files.writeString(tmp.resolve(MANIFEST), json.writeValueAsString(m) + "\n", StandardCharsets.UTF_8);
      Files.writeString(tmp.resolve(SBATCH), Scripts.sbatch(g.name(), points.size(), r.steps(), Files.size(r.model()), r.slurm()),
          StandardCharsets.UTF_8);
      Files.createDirectories(tmp.resolve("logs"));
      if (Files.exists(out)) Files.delete(out); // empty, checked above
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      return new Result(out, List.copyOf(points), search);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        deleteTree(tmp);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  /** cnnhls's version from the CLI's resources ("dev" when run from the modules, e.g. in tests). */
  public static String version() {
    Properties p = new Properties();
    try (InputStream in = Sweep.class.getResourceAsStream("/cnnhls-version.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      return "dev";
    }
    String v = p.getProperty("version", "dev");
    return v.isBlank() || v.startsWith("${") ? "dev" : v;
  }

  static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
    }
  }
}
