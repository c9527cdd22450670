package org.cnnhls.codegen;

import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.engine.LayerTiming;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.cnnhls.boards.Board;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.quant.FixedType;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * Writes the generated project (design.md section 4): hls/ (config header, kernel library, top,
 * testbench, binary weights and golden vectors, run_hls.tcl, Makefile), vivado/build_bd.tcl,
 * driver/, report.json, report.md and a README. Everything goes to a temporary folder that is
 * renamed at the end, so a failure leaves nothing half-written. Output is deterministic.
 */
public final class ProjectEmitter {
  /** Marks a folder as made by cnnhls, so a later compile may replace it without --force. */
  public static final String MARKER = ".cnnhls-project";
  /** The project's hardware configuration, readable by `compile --config` and `rtl`. */
  public static final String HARDWARE_FILE = "hardware.json";

  /**
   * The written project; {@code kept} lists (relative, sorted) the files of the replaced project
   * that cnnhls did not write (e.g. Vitis output under hls/MODEL/solution1/), carried over.
   */
  public record Result(Path dir, EngineProgram program, GoldenVectors golden, List<String> kept) {
    public Result {
      kept = List.copyOf(kept);
    }
  }

  /**
   * What the flow computed about the engine, handed to the emitters as data: the per-layer timing
   * and the name of the model that produced it, the fit verdict, whether the user forced a design
   * over the caps, and extra report files (name to text, e.g. a roofline chart).
   */
  public record Estimates(List<LayerTiming> layers, String timingModel, Fit fit, boolean forced, Map<String, String> reportFiles) {
    public Estimates {
      layers = List.copyOf(layers);
      reportFiles = new java.util.TreeMap<>(reportFiles);
    }
  }

  /** As {@link #checkOutput(Path, boolean, Path)} with no input file to protect. */
  public static void checkOutput(Path out, boolean force) {
    checkOutput(out, force, null);
  }

  /**
   * Fails (with an {@link OutputDirectoryException}) when {@code out} cannot take a project: it is
   * the input model or holds it, it exists and is not a folder (a file, a device, a symbolic link:
   * --force replaces only folders), or it is a non-empty folder cnnhls did not make and
   * {@code force} is off. A cnnhls project (marker file {@value #MARKER}) is replaced without
   * --force; files in it that cnnhls did not write are kept (see {@link #emit}).
   */
  public static void checkOutput(Path out, boolean force, Path input) {
    Path abs = out.toAbsolutePath().normalize();
    if (input != null) {
      Path in = input.toAbsolutePath().normalize();
      if (in.startsWith(abs) || real(in).startsWith(real(abs))) {
        throw new OutputDirectoryException(out + (real(in).equals(real(abs)) ? " is the input model " : " holds the input model ")
            + input + "; choose another -o");
      }
    }
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) return;
    if (Files.isSymbolicLink(abs)) {
      throw new OutputDirectoryException(out + " is a symbolic link; give the folder itself or another -o (--force replaces only folders)");
    }
    if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new OutputDirectoryException(out + " exists and is " + (Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS) ? "a file" : "not a folder")
          + "; choose another -o (--force replaces only folders)");
    }
    if (force || Files.exists(abs.resolve(MARKER))) return;
    try (Stream<Path> s = Files.list(abs)) {
      if (s.findAny().isPresent()) {
        throw new OutputDirectoryException(out + " exists and was not made by cnnhls; choose another -o or pass --force to replace it");
      }
    } catch (IOException e) {
      throw new OutputDirectoryException(out + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  /** As {@link #emit(Path, boolean, Path, String, QuantizedGraph, HardwareConfig, EngineProgram, Estimates, float[])} with no input file to protect. */
  public static Result emit(Path out, boolean force, String model, QuantizedGraph q, HardwareConfig hw, EngineProgram p,
      Estimates estimates, float[] input) {
    return emit(out, force, null, model, q, hw, p, estimates, input);
  }

  /**
   * Writes the project for program {@code p} (lowered from {@code q} for {@code hw}) with the golden
   * vectors of {@code input}. A design over the board's caps is written only when forced.
   *
   * <p>The project is written to a hidden temporary folder beside {@code out}. An existing project
   * is then renamed aside ({@code .NAME.old-*}), the new one renamed in, and the old one deleted; if
   * any step fails the old one is moved back whole. If the old folder is a cnnhls project, the files
   * in it that cnnhls did not write (not listed in its marker file) are carried into the new one
   * (hard links, else copies) first, so Vitis output survives recompiles; a file the new project
   * writes itself wins. On SIGINT/SIGTERM a shutdown hook removes the temporary folders and puts an
   * old project back. {@code modelFile} (may be null) is never replaced.
   */
  public static Result emit(Path out, boolean force, Path modelFile, String model, QuantizedGraph q, HardwareConfig hw,
      EngineProgram p, Estimates estimates, float[] input) {
    checkOutput(out, force, modelFile);
    if (!estimates.fit().fits() && !estimates.forced()) {
      throw new IllegalArgumentException("refusing to emit a design over " + hw.board().name() + "'s caps: " + estimates.fit().overflow());
    }
    if (estimates.layers().size() != p.layers().size()) {
      throw new IllegalArgumentException("timing has " + estimates.layers().size() + " layers, the program " + p.layers().size());
    }
    GoldenVectors golden = GoldenVectors.compute(q, p, input);
    Path abs = out.toAbsolutePath().normalize();
    Path tmp = null, aside = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-");
      PendingFolders.addTemp(tmp);
      writeProject(tmp, model, q, hw, p, estimates, golden);
      List<String> written = listFiles(tmp);
      List<String> kept = List.of();
      if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS) && Files.exists(abs.resolve(MARKER))) kept = carryOver(abs, tmp);
      writeMarker(tmp, written);
      fault("written");
      synchronized (PendingFolders.LOCK) {
        PendingFolders.checkRunning();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
          aside = asideName(abs);
          Files.move(abs, aside, StandardCopyOption.ATOMIC_MOVE);
          PendingFolders.addAside(aside, abs);
        }
        try {
          fault("aside");
          Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
          PendingFolders.removeTemp(tmp);
          tmp = null;
        } catch (IOException | RuntimeException e) {
          if (aside != null) {
            Files.move(aside, abs, StandardCopyOption.ATOMIC_MOVE);
            PendingFolders.removeAside(aside);
            aside = null;
          }
          throw e;
        }
      }
      if (aside != null) {
        deleteQuietly(aside);
        PendingFolders.removeAside(aside);
        aside = null;
      }
      return new Result(abs, p, golden, kept);
    } catch (IOException e) {
      throw new OutputDirectoryException("cannot write " + out + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
        PendingFolders.removeTemp(tmp);
      }
    }
  }

  /** Test hook: called at named steps of {@link #emit}; may throw to simulate a failure there. */
  static volatile java.util.function.Consumer<String> faultHook;

  private static void fault(String step) throws IOException {
    var h = faultHook;
    if (h != null) {
      try {
        h.accept(step);
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }
  }

  private static Path asideName(Path abs) {
    for (int i = 0; ; i++) {
      Path a = abs.resolveSibling("." + abs.getFileName() + ".old-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-" + i);
      if (!Files.exists(a, LinkOption.NOFOLLOW_LINKS)) return a;
    }
  }

  /** The marker file: a line saying what the folder is, then every file cnnhls wrote, sorted. */
  private static void writeMarker(Path dir, List<String> files) throws IOException {
    StringBuilder sb = new StringBuilder(MARKER_HEAD);
    for (String f : files) sb.append(f).append('\n');
    sb.append(MARKER).append('\n');
    write(dir.resolve(MARKER), sb.toString());
  }

  private static List<String> listFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).map(f -> relative(dir, f)).sorted().toList();
    }
  }

  private static final String MARKER_HEAD = "cnnhls generated project; `cnnhls compile` may replace this folder, keeping files not listed below\n";

  private static String relative(Path dir, Path f) {
    return dir.relativize(f).toString().replace(java.io.File.separatorChar, '/');
  }

  /**
   * Links (or copies) into {@code fresh} the files of project {@code old} that cnnhls did not write:
   * those not listed in its marker (an old marker without a list: those the new project does not
   * write). Returns them, relative and sorted.
   */
  private static List<String> carryOver(Path old, Path fresh) throws IOException {
    List<String> marker = Files.readAllLines(old.resolve(MARKER), StandardCharsets.UTF_8);
    java.util.Set<String> ours = new java.util.HashSet<>(marker.size() > 1 ? marker.subList(1, marker.size()) : List.of());
    ours.add(MARKER);
    List<String> kept = new ArrayList<>();
    List<Path> all;
    try (Stream<Path> s = Files.walk(old)) {
      all = s.filter(f -> !f.equals(old)).sorted().toList();
    }
    for (Path f : all) {
      String rel = relative(old, f);
      Path target = fresh.resolve(rel);
      if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) Files.createDirectories(target);
        continue;
      }
      if (ours.contains(rel) || Files.exists(target, LinkOption.NOFOLLOW_LINKS)) continue;
      Files.createDirectories(target.getParent());
      if (Files.isSymbolicLink(f)) {
        Files.copy(f, target, LinkOption.NOFOLLOW_LINKS);
      } else {
        try {
          Files.createLink(target, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      kept.add(rel);
    }
    return kept;
  }

  private static void writeProject(Path dir, String model, QuantizedGraph q, HardwareConfig hw, EngineProgram p,
      Estimates estimates, GoldenVectors golden) throws IOException {
    String project = CppNames.identifier(model);
    Path hls = Files.createDirectories(dir.resolve("hls"));
    Path data = Files.createDirectories(hls.resolve("data"));
    List<String> library = TemplateLibrary.files();
    for (String f : library) Files.write(hls.resolve(f), TemplateLibrary.read(f));
    write(hls.resolve("cnnhls_config.h"), ConfigHeader.emit(model, p, hw, q));
    write(hls.resolve("Makefile"), resource("Makefile"));
    Map<String, String> vars = variables(model, project, q, hw, p);
    StringBuilder addFiles = new StringBuilder("add_files cnnhls_top.cpp -cflags \"-std=c++14 -I.\"\nadd_files cnnhls_config.h");
    // the testbench's own headers go to the testbench, not to synthesis
    for (String f : library) if (f.endsWith(".h")) addFiles.append(f.startsWith("cnnhls_tb") ? "\nadd_files -tb " : "\nadd_files ").append(f);
    vars.put("ADD_FILES", addFiles.toString());
    write(hls.resolve("run_hls.tcl"), fill(resource("run_hls.tcl"), vars));

    int aBytes = EngineProgram.storageBytes(p.actWidth()), wBytes = EngineProgram.storageBytes(p.wgtWidth());
    // the config header sizes every blob at least 1 (2 for quant): pad empty ones to match
    BinaryFiles.writeInts(data.resolve("weights.bin"), atLeast(p.weights(), 1), wBytes);
    BinaryFiles.writeLongs(data.resolve("bias.bin"), p.bias().length == 0 ? new long[1] : p.bias());
    BinaryFiles.writeInts(data.resolve("quant.bin"), atLeast(p.quant(), 2), 4);
    BinaryFiles.writeInts(data.resolve("input.bin"), golden.input(), aBytes);
    BinaryFiles.writeInts(data.resolve("golden.bin"), golden.perLayer(), aBytes);
    BinaryFiles.writeInts(data.resolve("golden_outputs.bin"), golden.outputs(), aBytes);

    Path systemc = Files.createDirectories(dir.resolve("systemc"));
    for (String f : TemplateLibrary.files("systemc/")) Files.write(systemc.resolve(f), TemplateLibrary.read("systemc/" + f));

    Path vivado = Files.createDirectories(dir.resolve("vivado"));
    write(vivado.resolve("build_bd.tcl"), fill(resource("build_bd.tcl"), vars));
    Path driver = Files.createDirectories(dir.resolve("driver"));
    write(driver.resolve("cnnhls_driver.py"), fill(resource("cnnhls_driver.py"), vars));

    Report report = Report.of(model, q, hw, p, estimates);
    Map<String, String> extra = estimates.reportFiles();
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (!e.getKey().matches("[A-Za-z0-9_-]+\\.[a-z]+")) throw new IllegalArgumentException("bad report file name " + e.getKey());
      write(dir.resolve(e.getKey()), e.getValue());
    }
    Files.write(dir.resolve("report.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(report));
    String md = report.toMarkdown();
    if (!extra.isEmpty()) md += "\n" + String.join("\n", extra.keySet().stream().map(f -> "![" + f + "](" + f + ")").toList()) + "\n";
    write(dir.resolve("report.md"), md);
    write(dir.resolve("README.md"), fill(resource("README.md"), vars));
    write(dir.resolve(HARDWARE_FILE), HardwareConfigFile.toJson(hw, null));
  }

  static Map<String, String> variables(String model, String project, QuantizedGraph q, HardwareConfig hw, EngineProgram p) {
    Board b = hw.board();
    boolean ultrascale = b.family() == Board.Family.ZYNQ_ULTRASCALE_PLUS;
    Map<String, String> v = new LinkedHashMap<>();
    v.put("MODEL", CppNames.literal(model));
    v.put("PROJECT", project);
    v.put("IP_NAME", "cnnhls_" + project);
    v.put("BOARD", b.name());
    v.put("PART", b.part());
    v.put("BOARD_PART", b.boardPart());
    // build_bd.tcl looks the board part up among the installed ones, any vendor and revision (vendors
    // rename: avnet.com:ultra96v2:part0:1.2, Avnet-tria:ultra96v2:part0:1.3), newest revision first
    String[] bp = b.boardPart().split(":");
    if (bp.length != 4 || !b.boardPart().matches("[A-Za-z0-9_.:-]+")) {
      throw new IllegalStateException("board " + b.name() + ": boardPart '" + b.boardPart() + "' is not vendor:board:component:revision");
    }
    v.put("BOARD_PART_PATTERNS", "*:" + bp[1] + ":" + bp[2] + ":*");
    v.put("CLOCK_MHZ", String.format(Locale.ROOT, "%.1f", hw.clockMHz()));
    v.put("PERIOD_NS", String.format(Locale.ROOT, "%.3f", 1000.0 / hw.clockMHz()));
    v.put("AXI_WIDTH", String.valueOf(hw.axiDataWidth()));
    v.put("PS_IP", b.psIp());
    v.put("PS_MASTER", ultrascale ? "M_AXI_HPM0_FPD" : "M_AXI_GP0");
    // with a board part the preset configures the PS (processing_system7's rule also makes DDR and
    // FIXED_IO external); without one, only those two ports need making external (the UltraScale+ PS
    // has no DDR or MIO ports in a block design)
    v.put("PS_BOARD_AUTOMATION", ultrascale ? "apply_board_preset \"1\""
        : "make_external \"FIXED_IO, DDR\" apply_board_preset \"1\" Master \"Disable\" Slave \"Disable\"");
    v.put("PS_WITHOUT_BOARD", ultrascale ? "# the UltraScale+ PS has no DDR or MIO ports in the block design: nothing to make external"
        : "make_bd_intf_pins_external [get_bd_intf_pins ps/DDR ps/FIXED_IO]");
    v.put("PS_FABRIC_CLOCK", ultrascale ? "pl_clk0" : "FCLK_CLK0");
    v.put("PS_AXI_CLOCK_PINS", ultrascale ? "ps/maxihpm*_aclk ps/saxi*_aclk" : "ps/M_AXI_GP*_ACLK ps/S_AXI_*_ACLK");
    // the control master (HPM0_FPD / M_AXI_GP0) and the fabric clock on; the other masters off (the
    // Ultra96-V2 preset enables M_AXI_HPM1_FPD, whose clock would stay unconnected: BD 41-758)
    StringBuilder cfg = new StringBuilder(ultrascale
        ? "CONFIG.PSU__USE__M_AXI_GP0 {1} CONFIG.PSU__USE__M_AXI_GP1 {0} CONFIG.PSU__USE__M_AXI_GP2 {0} CONFIG.PSU__FPGA_PL0_ENABLE {1} "
        : "CONFIG.PCW_USE_M_AXI_GP0 {1} CONFIG.PCW_USE_M_AXI_GP1 {0} CONFIG.PCW_EN_CLK0_PORT {1} ");
    StringBuilder hp = new StringBuilder();
    String[] bundles = TemplateLibrary.M_AXI_BUNDLES;
    for (int i = 0; i < bundles.length; i++) {
      int port = i % b.hpPorts().count();
      String slave = ultrascale ? "S_AXI_HP" + port + "_FPD" : "S_AXI_HP" + port;
      if (i < b.hpPorts().count()) cfg.append(ultrascale ? "CONFIG.PSU__USE__S_AXI_GP" + (port + 2) + " {1} " : "CONFIG.PCW_USE_S_AXI_HP" + port + " {1} ");
      hp.append("apply_bd_automation -rule xilinx.com:bd_rule:axi4 -config [list Clk_master {Auto} Clk_slave {Auto} Clk_xbar {Auto} Master {/cnnhls/m_axi_")
          .append(bundles[i]).append("} Slave {/ps/").append(slave).append("} intc_ip {Auto} master_apm {0}] [get_bd_intf_pins ps/")
          .append(slave).append("]\n");
    }
    cfg.append(ultrascale ? "CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ {" : "CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ {")
        .append(String.format(Locale.ROOT, "%.0f", hw.clockMHz())).append('}');
    v.put("PS_CONFIG", cfg.toString());
    v.put("HP_CONNECTIONS", hp.toString().stripTrailing());
    Shape in = q.graph().shape(p.inputValue());
    FixedType fin = q.format(p.inputValue());
    v.put("INPUT_SHAPE", pyTuple(in));
    v.put("INPUT_LSB", Double.toString(q.realScale(p.inputValue())));
    int[] inRaw = q.inputRawRange(p.inputValue());
    v.put("INPUT_RAW_MIN", String.valueOf(inRaw[0]));
    v.put("INPUT_RAW_MAX", String.valueOf(inRaw[1]));
    v.put("INPUT_FORMAT", fin.toString());
    // the graph outputs in the model's order, for the driver (a Python list) and the README (text)
    StringBuilder py = new StringBuilder("[\n"), text = new StringBuilder();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (EngineProgram.Output o : p.outputs()) {
      FixedType f = q.format(o.value());
      String name = CppNames.literal(o.value());
      // the driver keys outputs by name: two names that sanitize alike stay apart
      for (int k = 1; !names.add(name); k++) name = CppNames.literal(o.value()) + "_" + k;
      py.append("    (\"").append(name).append("\", ").append(o.off()).append(", ").append(o.size()).append(", ")
          .append(pyTuple(q.graph().shape(o.value()))).append(", ").append(Double.toString(q.realScale(o.value()))).append("),  # ").append(f)
          .append('\n');
      text.append(text.length() == 0 ? "" : ", ").append('`').append(name).append("` ").append(q.graph().shape(o.value()))
          .append(' ').append(f);
    }
    v.put("OUTPUTS", py.append(']').toString());
    v.put("OUTPUT_LIST", text.toString());
    v.put("OUTPUT_COUNT", String.valueOf(p.outputs().size()));
    v.put("ACT_W", String.valueOf(p.actWidth()));
    v.put("ACT_DTYPE", EngineProgram.storageBytes(p.actWidth()) == 1 ? "int8" : "int16");
    v.put("WGT_DTYPE", EngineProgram.storageBytes(p.wgtWidth()) == 1 ? "int8" : "int16");
    v.put("FMAP_SIZE", String.valueOf(p.fmapSize()));
    v.put("AXI_BYTES", String.valueOf(hw.axiDataWidth() / 8));
    v.put("INPUT_OFF", String.valueOf(p.inputOff()));
    v.put("INPUT_SIZE", String.valueOf(p.inputSize()));
    v.put("TILES", hw.tm() + " x " + hw.tn() + " MAC array, " + hw.tr() + " x " + hw.tc() + " output tiles");
    return v;
  }

  private static int[] atLeast(int[] v, int n) {
    return v.length >= n ? v : java.util.Arrays.copyOf(v, n);
  }

  private static String pyTuple(Shape s) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < s.rank(); i++) sb.append(s.dim(i)).append(s.rank() == 1 || i < s.rank() - 1 ? ", " : "");
    return sb.toString().replaceAll(", $", ",") + ")";
  }

  /**
   * Replaces @NAME@ placeholders in one left-to-right pass: a substituted value is copied as it is
   * and never scanned again, so a value holding "@X@" (a model file name, say) stays text. An
   * @[A-Z_]+@ without a value is a bug in the template.
   */
  static String fill(String template, Map<String, String> vars) {
    StringBuilder out = new StringBuilder(template.length() + 256);
    int i = 0, n = template.length();
    while (i < n) {
      int at = template.indexOf('@', i);
      if (at < 0) {
        out.append(template, i, n);
        break;
      }
      out.append(template, i, at);
      int end = template.indexOf('@', at + 1);
      if (end > at + 1 && isPlaceholderName(template, at + 1, end)) {
        String key = template.substring(at + 1, end);
        String value = vars.get(key);
        if (value == null) throw new IllegalStateException("template placeholder @" + key + "@ has no value");
        out.append(value);
        i = end + 1;
      } else {
        out.append('@');
        i = at + 1;
      }
    }
    return out.toString();
  }

  private static boolean isPlaceholderName(String s, int from, int to) {
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (!(c >= 'A' && c <= 'Z' || c == '_')) return false;
    }
    return true;
  }

  static String resource(String name) {
    try (InputStream in = ProjectEmitter.class.getResourceAsStream("/codegen/" + name)) {
      if (in == null) throw new IllegalStateException("missing resource codegen/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(s.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) Files.delete(p);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteRecursively(dir);
    } catch (IOException ignored) {
      // a hidden temporary folder is all that can remain
    }
  }
}
