package org.cnnhls.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.ir.Graph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated flow scripts run by tclsh against the stand-ins of {@code src/test/resources/tcl/}:
 * run_hls.tcl under a vitis_hls-like and a vitis-run-like launcher (and through the Makefile), and
 * build_bd.tcl with the board part found (newest revision), not found (bare part), the Ultra96-V2
 * preset's HPM1 master, other preset masters, and the Zynq-7000 PS. The stand-ins reject unknown
 * options and properties, so each test can fail; {@link #standInsCatchWhatVivadoWouldReject} shows
 * that they do.
 */
class FlowScriptsTest {
  @TempDir static Path tmp;
  static final Path TCL = Path.of("src/test/resources/tcl").toAbsolutePath();
  static final Map<String, Path> PROJECTS = new LinkedHashMap<>();

  static final String U96_12 = "avnet.com:ultra96v2:part0:1.2";
  static final String U96_13 = "Avnet-tria:Ultra96v2:part0:1.3";
  /** What the Ultra96-V2 board preset sets among the PS masters (board store preset.xml, rev 1.2). */
  static final String U96_PRESET = "ultra96v2 {PSU__USE__M_AXI_GP0 1 PSU__USE__M_AXI_GP1 1 PSU__USE__M_AXI_GP2 0}";

  @BeforeAll
  static void emit() {
    for (String board : List.of("ultra96", "pynq-z2", "zcu104")) {
      Graph g = Projects.model("lenet5");
      HardwareConfig hw = HardwareConfig.defaults(BoardCatalog.byName(board));
      PROJECTS.put(board, Projects.emit(tmp.resolve(board), "lenet5", Projects.quantize(g, "lenet5", "16"), hw,
          Projects.samples(g, "lenet5", 1).get(0).get(g.inputs().get(0).name())).dir());
    }
  }

  // ------------------------------------------------------------------ run_hls.tcl

  @Test
  void hlsScriptRunsTheSameUnderBothLaunchersFromAnyFolder() throws IOException, InterruptedException {
    Path dir = PROJECTS.get("ultra96");
    Board b = BoardCatalog.byName("ultra96");
    List<String> viaHls = launch(dir.resolve("hls"), Map.of(), "vitis_hls", "-f", "run_hls.tcl");
    List<String> viaRun = launch(dir, Map.of(), "vitis-run", "--mode", "hls", "--tcl", "hls/run_hls.tcl");
    List<String> viaRun2 = launch(dir.resolve("hls"), Map.of(), "vitis-run", "--tcl", "--mode", "hls", "run_hls.tcl");
    assertEquals("launcher vitis_hls", viaHls.get(0));
    assertEquals("launcher vitis-run", viaRun.get(0));
    assertEquals(viaHls.subList(1, viaHls.size()), viaRun.subList(1, viaRun.size()), "same commands under both launchers");
    assertEquals(viaHls.subList(1, viaHls.size()), viaRun2.subList(1, viaRun2.size()));
    assertEquals("dir " + dir.resolve("hls").toRealPath(), viaRun.get(1), "the project is made in hls/ whatever the current folder");
    String period = String.format(Locale.ROOT, "%.3f", 1000.0 / HardwareConfig.defaults(b).clockMHz());
    List<String> cmds = viaHls.stream().map(l -> l.split(" ")[0]).toList();
    assertEquals(List.of("csim_design", "csynth_design", "cosim_design", "export_design", "exit"),
        cmds.stream().filter(c -> c.endsWith("_design") || c.equals("exit")).toList());
    assertTrue(viaHls.contains("set_part " + b.part()), viaHls.toString());
    assertTrue(viaHls.contains("create_clock -period " + period + " -name default"), viaHls.toString());
    assertTrue(viaHls.stream().anyMatch(l -> l.startsWith("export_design ") && l.contains("-ipname cnnhls_lenet5 ")), viaHls.toString());

    // steps chosen by CNNHLS_STEPS, the same under both; an unknown step is an error
    List<String> some = launch(dir, Map.of("CNNHLS_STEPS", "csim csynth"), "vitis-run", "--mode", "hls", "--tcl", "hls/run_hls.tcl");
    assertTrue(some.stream().anyMatch(l -> l.startsWith("csynth_design")) && some.stream().noneMatch(l -> l.startsWith("cosim_design")
        || l.startsWith("export_design")), some.toString());
    Run bad = run(dir.resolve("hls"), Map.of("CNNHLS_STEPS", "csim synth", "CNNHLS_STUB_LOG", tmp.resolve("bad.log").toString()),
        "tclsh", TCL.resolve("launcher.tcl").toString(), "vitis_hls", "-f", "run_hls.tcl");
    assertNotEquals(0, bad.exit);
    assertTrue(bad.out.contains("unknown step 'synth'"), bad.out);
  }

  @Test
  void makefileRunsTheHlsScriptWithTheInstalledLauncher() throws IOException, InterruptedException {
    Path hls = PROJECTS.get("ultra96").resolve("hls");
    Path both = launchers("both", "vitis-run", "vitis_hls"), old = launchers("old", "vitis_hls");
    Path log = tmp.resolve("make.log");
    for (var c : List.of(List.of(both, "ip", "vitis-run"), List.of(old, "ip", "vitis_hls"), List.of(both, "ip-vitis_hls", "vitis_hls"),
        List.of(both, "ip-vitis-run", "vitis-run"))) {
      Files.deleteIfExists(log);
      Run r = run(hls, Map.of("PATH", c.get(0) + ":/usr/bin:/bin", "CNNHLS_STUB_LOG", log.toString()), "make", "-s", (String) c.get(1));
      assertEquals(0, r.exit, "make " + c.get(1) + ":\n" + r.out);
      List<String> lines = Files.readAllLines(log);
      assertEquals("launcher " + c.get(2), lines.get(0), "make " + c.get(1) + " with " + c.get(0));
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("export_design")), lines.toString());
    }
  }

  // ------------------------------------------------------------------ build_bd.tcl

  @Test
  void newestInstalledBoardPartRevisionIsChosen() throws IOException, InterruptedException {
    Path dir = PROJECTS.get("ultra96");
    // either order of installation; another board's part is ignored
    for (String installed : List.of(U96_12 + " xczu3eg-sbva484-1-i " + U96_13 + " xczu3eg-sbva484-1-i xilinx.com:zcu104:part0:1.1 xczu7ev-ffvc1156-2-e",
        U96_13 + " xczu3eg-sbva484-1-i " + U96_12 + " xczu3eg-sbva484-1-i")) {
      String out = vivado(dir, "set ::installed_board_parts {" + installed + "}\nset ::board_presets {" + U96_PRESET + "}",
          "puts \"BOARD=$::board_part PART=$::part HPM1=[dict get $::ps_config PSU__USE__M_AXI_GP1]\"");
      assertTrue(out.contains("BOARD=" + U96_13 + " PART=xczu3eg-sbva484-1-i HPM1=0"), out);
      assertTrue(out.contains("cnnhls: using board part " + U96_13 + " (installed for ultra96v2: "), out);
      assertFalse(out.contains("connecting unused PS clock pin"), "HPM1 is switched off, not patched: " + out);
      assertTrue(out.contains("LOG apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e -config {apply_board_preset \"1\"} ps"), out);
      assertTrue(out.contains("LOG validate_bd_design"), out);
    }
    // revisions compare as versions: 1.10 is newer than 1.9
    String out = vivado(dir, "set ::installed_board_parts {a.com:ultra96v2:part0:1.9 xczu3eg-sbva484-1-i a.com:ultra96v2:part0:1.10 xczu3eg-sbva484-1-i}",
        "puts \"BOARD=$::board_part\"");
    assertTrue(out.contains("BOARD=a.com:ultra96v2:part0:1.10"), out);
  }

  @Test
  void withoutABoardPartTheBarePartIsUsed() throws IOException, InterruptedException {
    Path dir = PROJECTS.get("ultra96");
    String out = vivado(dir, "set ::installed_board_parts {xilinx.com:zcu104:part0:1.1 xczu7ev-ffvc1156-2-e}",
        "puts \"BOARD=<$::board_part> PART=$::part HPM1=[dict get $::ps_config PSU__USE__M_AXI_GP1]\"");
    assertTrue(out.contains("BOARD=<> PART=xczu3eg-sbva484-1-i HPM1=0"), out);
    assertTrue(out.contains("cnnhls: no board part for ultra96v2 is installed (looked for: *:ultra96v2:part0:*); using the bare part xczu3eg-sbva484-1-i."), out);
    assertTrue(out.contains("LOG set_property part xczu3eg-sbva484-1-i proj"), out);
    assertFalse(out.contains("bd_rule:zynq_ultra_ps_e"), "no board automation without a board: " + out);
    assertTrue(out.contains("LOG validate_bd_design"), out);
  }

  @Test
  void psMastersWithoutAClockAreHandled() throws IOException, InterruptedException {
    Path dir = PROJECTS.get("ultra96");
    String setup = "set ::installed_board_parts {" + U96_12 + " xczu3eg-sbva484-1-i}\nset ::board_presets {" + U96_PRESET + "}";
    String script = Files.readString(dir.resolve("vivado/build_bd.tcl"));
    // HPM1 left as the preset has it: its clock gets the fabric clock, and the design validates
    String keep = script.replace("CONFIG.PSU__USE__M_AXI_GP1 {0} ", "");
    assertNotEquals(script, keep);
    String out = vivadoText(dir, setup, keep, "");
    assertTrue(out.contains("cnnhls: connecting unused PS clock pin ps/maxihpm1_fpd_aclk to ps/pl_clk0"), out);
    assertTrue(out.contains("LOG validate_bd_design"), out);
    // a master that another preset enables (HPC0 here) is clocked too
    out = vivado(dir, "set ::installed_board_parts {" + U96_12 + " xczu3eg-sbva484-1-i}\nset ::board_presets {ultra96v2 {PSU__USE__S_AXI_GP0 1 PSU__USE__M_AXI_GP2 1}}", "");
    assertTrue(out.contains("cnnhls: connecting unused PS clock pin ps/saxihpc0_fpd_aclk to ps/pl_clk0"), out);
    assertFalse(out.contains("maxihpm0_lpd_aclk"), "HPM0_LPD is switched off: " + out);
  }

  @Test
  void zynq7000BoardsBuildWithAndWithoutTheirBoardPart() throws IOException, InterruptedException {
    Path dir = PROJECTS.get("pynq-z2");
    String out = vivado(dir, "set ::installed_board_parts {tul.com.tw:pynq-z2:part0:1.0 xc7z020clg400-1}\nset ::board_presets {pynq-z2 {PCW_USE_S_AXI_ACP 1}}",
        "puts \"BOARD=$::board_part PART=$::part GP1=[dict get $::ps_config PCW_USE_M_AXI_GP1] HP0=[dict get $::ps_config PCW_USE_S_AXI_HP0]\"");
    assertTrue(out.contains("BOARD=tul.com.tw:pynq-z2:part0:1.0 PART=xc7z020clg400-1 GP1=0 HP0=1"), out);
    assertTrue(out.contains("LOG apply_bd_automation -rule xilinx.com:bd_rule:processing_system7 -config {make_external \"FIXED_IO, DDR\" apply_board_preset \"1\" Master \"Disable\" Slave \"Disable\"} ps"), out);
    assertTrue(out.contains("cnnhls: connecting unused PS clock pin ps/S_AXI_ACP_ACLK to ps/FCLK_CLK0"), out);
    assertTrue(out.contains("LOG validate_bd_design"), out);

    out = vivado(dir, "", "puts \"BOARD=<$::board_part> PART=$::part\"");
    assertTrue(out.contains("BOARD=<> PART=xc7z020clg400-1"), out);
    assertTrue(out.contains("LOG make_bd_intf_pins_external ps/DDR ps/FIXED_IO"), out);
    assertTrue(out.contains("LOG validate_bd_design"), out);
  }

  @Test
  void otherUltraScaleBoardsUseTheirOwnBoardPart() throws IOException, InterruptedException {
    Board b = BoardCatalog.byName("zcu104");
    String out = vivado(PROJECTS.get("zcu104"), "set ::installed_board_parts {" + b.boardPart() + " " + b.part() + " " + U96_13 + " xczu3eg-sbva484-1-i}",
        "puts \"BOARD=$::board_part PART=$::part\"");
    assertTrue(out.contains("BOARD=" + b.boardPart() + " PART=" + b.part()), out);
    assertTrue(out.contains("LOG validate_bd_design"), out);
  }

  @Test
  void standInsCatchWhatVivadoWouldReject() throws IOException, InterruptedException {
    Path dir = PROJECTS.get("ultra96");
    String setup = "set ::installed_board_parts {" + U96_12 + " xczu3eg-sbva484-1-i}\nset ::board_presets {" + U96_PRESET + "}";
    String script = Files.readString(dir.resolve("vivado/build_bd.tcl"));
    Map<String, String> broken = new LinkedHashMap<>();
    // HPM1 neither switched off nor clocked: BD 41-758
    broken.put("BD 41-758", script.replace("CONFIG.PSU__USE__M_AXI_GP1 {0} ", "").replace("connect_bd_net [get_bd_pins", "list [get_bd_pins"));
    broken.put("has no property CONFIG.PSU__USE__M_AXI_GP01", script.replace("PSU__USE__M_AXI_GP1 ", "PSU__USE__M_AXI_GP01 "));
    broken.put("unknown option -nocas", script.replace("-nocase", "-nocas"));
    broken.put("unknown config key apply_board_presets", script.replace("apply_board_preset ", "apply_board_presets "));
    broken.put("cnnhls/m_axi_gmem_f is not connected", script.replace("Master {/cnnhls/m_axi_gmem_f}", "Master {/cnnhls/m_axi_gmem_q}"));
    broken.put("The board_part definition was not found", script.replace("set_property board_part $board_part", "set_property board_part " + U96_13));
    for (Map.Entry<String, String> e : broken.entrySet()) {
      assertNotEquals(script, e.getValue(), e.getKey());
      Run r = tclsh(dir.resolve("vivado"), setup, "build_bd_broken.tcl", e.getValue(), "");
      assertNotEquals(0, r.exit, e.getKey() + " was not caught:\n" + r.out);
      assertTrue(r.out.contains(e.getKey()), r.out);
    }
    // Zynq-7000 without DDR/FIXED_IO made external
    Path z = PROJECTS.get("pynq-z2");
    String zs = Files.readString(z.resolve("vivado/build_bd.tcl")).replace("make_bd_intf_pins_external", "list");
    Run r = tclsh(z.resolve("vivado"), "", "build_bd_broken.tcl", zs, "");
    assertNotEquals(0, r.exit, r.out);
    assertTrue(r.out.contains("ps/DDR is not connected"), r.out);
  }

  // ------------------------------------------------------------------ helpers

  record Run(int exit, String out) {}

  /** Sources build_bd.tcl after {@code setup} and the stand-ins; fails on a Tcl error; prints the log as "LOG ..." lines. */
  static String vivado(Path project, String setup, String check) throws IOException, InterruptedException {
    return vivadoText(project, setup, Files.readString(project.resolve("vivado/build_bd.tcl")), check);
  }

  static String vivadoText(Path project, String setup, String script, String check) throws IOException, InterruptedException {
    Run r = tclsh(project.resolve("vivado"), setup, "build_bd_run.tcl", script, check + "\nforeach e $::log { puts \"LOG $e\" }");
    assertEquals(0, r.exit, "build_bd.tcl failed:\n" + r.out);
    return r.out;
  }

  static Run tclsh(Path cwd, String setup, String name, String script, String check) throws IOException, InterruptedException {
    Path file = cwd.resolve(name);
    Files.writeString(file, script);
    try {
      // a program file, not stdin: tclsh reading stdin reports an error and carries on; from a file it stops, exit 1
      Path program = cwd.resolve(name + ".main");
      Files.writeString(program, setup + "\nsource {" + TCL.resolve("vitis_stubs.tcl") + "}\nsource {" + name + "}\n" + check + "\n");
      return run(cwd, Map.of(), "tclsh", program.getFileName().toString());
    } finally {
      Files.deleteIfExists(cwd.resolve(name + ".main"));
      Files.delete(file);
    }
  }

  /** Runs the launcher stand-in in {@code cwd}; returns its command log (first line: the launcher, then the project folder). */
  static List<String> launch(Path cwd, Map<String, String> env, String... launcherArgs) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "hls", ".log");
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put("CNNHLS_STUB_LOG", log.toString());
    List<String> cmd = new ArrayList<>(List.of("tclsh", TCL.resolve("launcher.tcl").toString()));
    cmd.addAll(List.of(launcherArgs));
    Run r = run(cwd, e, cmd.toArray(String[]::new));
    assertEquals(0, r.exit, String.join(" ", launcherArgs) + ":\n" + r.out);
    return Files.readAllLines(log);
  }

  /** A folder of executables named like the launchers, each running the launcher stand-in. */
  static Path launchers(String name, String... names) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin-" + name));
    for (String n : names) {
      Path f = bin.resolve(n);
      Files.writeString(f, "#!/bin/sh\nexec tclsh '" + TCL.resolve("launcher.tcl") + "' " + n + " \"$@\"\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin;
  }

  static Run run(Path cwd, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(p.waitFor(), out);
  }
}
