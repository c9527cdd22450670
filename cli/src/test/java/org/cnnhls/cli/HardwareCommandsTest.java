package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.cnnhls.ir.Shape;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compile, csim, systemc, simulate, dse and quantize end to end, and their bad inputs. */
class HardwareCommandsTest {
  @TempDir Path tmp;

  /** A --calibration-file changes the modeled resources by its factors, and the report says it was applied and from what. */
  @Test
  void reportNamesTheResourceCalibration() throws java.io.IOException {
    Path cal = Files.writeString(tmp.resolve("cal.json"),
        "{\"source\": \"sweep sw, 8 of 16 tasks\", \"core\": {}, \"engineScale\": {\"lut\": 1.1}}");
    Cli.Result plain = Cli.run("compile", Cli.DIGITS_MODEL, "--no-dse", "-o", tmp.resolve("plain"));
    Cli.Result refit = Cli.run("compile", Cli.DIGITS_MODEL, "--no-dse", "--calibration-file", cal, "-o", tmp.resolve("refit"));
    assertEquals(0, plain.code(), plain::toString);
    assertEquals(0, refit.code(), refit::toString);
    String a = Files.readString(tmp.resolve("plain/report.md")), b = Files.readString(tmp.resolve("refit/report.md"));
    assertTrue(a.contains("(modeled by the resource model, not synthesized)"), a);
    assertTrue(b.contains("(modeled by the resource model refitted by --calibration-file (sweep sw, 8 of 16 tasks), not synthesized)"), b);
    com.fasterxml.jackson.databind.JsonNode ja = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("plain/report.json").toFile());
    com.fasterxml.jackson.databind.JsonNode jb = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tmp.resolve("refit/report.json").toFile());
    assertTrue(ja.path("resourceCalibration").isNull(), ja::toString);
    assertEquals("sweep sw, 8 of 16 tasks", jb.path("resourceCalibration").asText());
    int lutA = ja.path("resources").path("lut").path("used").asInt(), lutB = jb.path("resources").path("lut").path("used").asInt();
    // the same configuration (the factor keeps the safe default within the caps), LUT scaled by it
    assertEquals(ja.path("config"), jb.path("config"));
    assertEquals(Math.round(lutA * 1.1), lutB, 1, lutA + " -> " + lutB);
    assertEquals(ja.path("resources").path("dsp").path("used").asInt(), jb.path("resources").path("dsp").path("used").asInt());
  }

  @Test
  void compileThenCsimAndSystemcAreBitExact() {
    Path out = tmp.resolve("digits");
    Cli.Result r = Cli.run("compile", Cli.DIGITS_MODEL, "--calibration", Cli.DIGITS_X, "-o", out);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.err().contains("design space exploration chose"), r::toString);
    assertTrue(Files.exists(out.resolve("report.md")) && Files.exists(out.resolve("systemc/cnnhls_sc_model.h")));
    Cli.Result c = Cli.run("csim", out);
    assertEquals(0, c.code(), c::toString);
    assertTrue(c.out().contains("PASS: 4 layers"), c::toString);
    Cli.Result s = Cli.run("systemc", out);
    assertEquals(0, s.code(), s::toString);
    assertTrue(s.out().contains("SYSTEMC cycles="), s::toString);
  }

  @Test
  void compileRefusesForeignFoldersUnlessForced() throws IOException {
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(mine.resolve("thesis.tex"), "precious");
    Cli.assertError(2, Cli.run("compile", Cli.DIGITS_MODEL, "-o", mine, "--no-dse"), "not made by cnnhls", "--force");
    assertEquals("precious", Files.readString(mine.resolve("thesis.tex")));
    assertEquals(0, Cli.run("compile", Cli.DIGITS_MODEL, "-o", mine, "--no-dse", "--force").code());
    assertFalse(Files.exists(mine.resolve("thesis.tex")));
  }

  @Test
  void badHardwareChoicesAreOneLineUsageErrors() {
    Cli.assertError(2, Cli.run("compile", Cli.DIGITS_MODEL, "--board", "de10nano", "-o", tmp.resolve("x")), "de10nano", "ultra96v2");
    Cli.assertError(2, Cli.run("simulate", Cli.DIGITS_MODEL, "--clock", "450"), "450", "maximum");
    Cli.assertError(2, Cli.run("simulate", Cli.DIGITS_MODEL, "--tm", "64", "--tn", "64"), "does not fit", "DSP", "by");
    Cli.assertError(2, Cli.run("compile", Cli.DIGITS_MODEL, "--tm", "64", "--tn", "64", "-o", tmp.resolve("y")), "DSP");
    assertFalse(Files.exists(tmp.resolve("y")));
    Cli.assertError(2, Cli.run("dse", Cli.DIGITS_MODEL, "--objective", "beauty"), "objective");
  }

  @Test
  void simulateChecksItsInputAndWritesJsonAndSvg() throws IOException {
    Path bad = tmp.resolve("bad.npy");
    NpyFiles.writeFloats(bad, Shape.of(2, 3, 8, 8), new float[384]);
    Cli.assertError(2, Cli.run("simulate", Cli.DIGITS_MODEL, "--input", bad), "bad.npy", "[1,1,8,8]");
    Path json = tmp.resolve("t.json"), svg = tmp.resolve("t.svg");
    Cli.Result r = Cli.run("simulate", Cli.DIGITS_MODEL, "--input", Cli.DIGITS_X, "--json", json, "--svg", svg);
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("bit-accurate output"), r::toString);
    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertEquals(4, doc.get("layers").size());
    assertTrue(doc.get("totalCycles").asLong() > 0);
    assertTrue(Files.readString(svg).startsWith("<svg"));
  }

  @Test
  void dseWritesFrontsAndAConfigCompileAccepts() throws IOException {
    Path dir = tmp.resolve("dse"), cfg = tmp.resolve("best.json");
    Cli.Result r = Cli.run("dse", Cli.DIGITS_MODEL, "--board", "pynq-z2", "-o", dir, "--emit-config", cfg, "--top", "3");
    assertEquals(0, r.code(), r::toString);
    for (String f : new String[] {"pareto.csv", "pareto.json", "pareto.svg"}) assertTrue(Files.exists(dir.resolve(f)), f);
    JsonNode best = new ObjectMapper().readTree(cfg.toFile());
    Path out = tmp.resolve("prj");
    Cli.Result c = Cli.run("compile", Cli.DIGITS_MODEL, "--board", "pynq-z2", "--config", cfg, "-o", out);
    assertEquals(0, c.code(), c::toString);
    String header = Files.readString(out.resolve("hls/cnnhls_config.h"));
    assertTrue(header.contains("#define CNNHLS_TM " + best.get("tm").asInt() + " "));
    assertTrue(header.contains("#define CNNHLS_WINOGRAD " + (best.get("winograd").asBoolean() ? 1 : 0) + " "), header);
    // the configuration's mode can be overridden on the command line, and compile still checks the caps
    Path forced = tmp.resolve("prj_wino");
    Cli.Result w = Cli.run("compile", Cli.DIGITS_MODEL, "--board", "pynq-z2", "--config", cfg, "--winograd", "-o", forced);
    assertEquals(0, w.code(), w::toString);
    assertTrue(Files.readString(forced.resolve("hls/cnnhls_config.h")).contains("#define CNNHLS_WINOGRAD 1 "));
    Cli.Result csim = Cli.run("csim", forced);
    assertEquals(0, csim.code(), csim::toString);
    Cli.assertError(2, Cli.run("compile", Cli.DIGITS_MODEL, "--board", "ultra96", "--config", cfg, "-o", tmp.resolve("z")),
        "pynq-z2");
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "dse --precision {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"8", "both"})
  void dseConfigKeepsItsPrecisionThroughCompileWithTheSameFitVerdict(String precision) throws IOException {
    Path cfg = tmp.resolve("best.json");
    Cli.Result d = Cli.run("dse", Cli.DIGITS_MODEL, "--board", "ultra96", "--precision", precision, "--calibration", Cli.DIGITS_X,
        "--emit-config", cfg);
    assertEquals(0, d.code(), d::toString);
    JsonNode best = new ObjectMapper().readTree(cfg.toFile());
    assertEquals(1, best.get("format").asInt());
    int width = best.get("actWidth").asInt();
    if (precision.equals("8")) assertEquals(8, width);
    Path out = tmp.resolve("prj");
    Cli.Result c = Cli.run("compile", Cli.DIGITS_MODEL, "--config", cfg, "--calibration", Cli.DIGITS_X, "-o", out);
    assertEquals(0, c.code(), c::toString);
    String header = Files.readString(out.resolve("hls/cnnhls_config.h"));
    assertTrue(header.contains("#define CNNHLS_ACT_W " + width + " ") && header.contains("#define CNNHLS_WGT_W " + width + " "), header);
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    for (String r : new String[] {"dsp", "bram18", "lut", "ff"}) {
      assertEquals(best.at("/modeled/" + r).asInt(), report.at("/resources/" + r + "/used").asInt(), r + ": dse vs compile --config");
    }
    assertEquals(width, report.at("/config/actWidth").asInt());
    // the project's own hardware.json round-trips, and a contradicting --precision is refused
    Cli.Result again = Cli.run("compile", Cli.DIGITS_MODEL, "--config", out.resolve("hardware.json"), "--calibration", Cli.DIGITS_X,
        "-o", tmp.resolve("prj2"));
    assertEquals(0, again.code(), again::toString);
    String other = width == 8 ? "16" : "8";
    Cli.assertError(2, Cli.run("compile", Cli.DIGITS_MODEL, "--config", cfg, "--precision", other, "-o", tmp.resolve("prj3")),
        "precision " + other, width + "-bit");
    Assertions.assertFalse(Files.exists(tmp.resolve("prj3")));
  }

  /** Extremes of the accepted ranges (issue 18): what compile accepts C-simulates bit-exact. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "--tm 1 --tn 1 --tr 1 --tc 1 --axi-width 32", "--tm 1 --tn 1 --tr 1 --tc 1 --axi-width 256 --clock 1",
      "--tm 1 --tn 128 --force", "--precision 2,1 --no-dse"})
  void acceptedExtremesBuildAndAreBitExact(String options) {
    Path out = tmp.resolve("extreme");
    List<Object> args = new java.util.ArrayList<>(List.of("compile", Cli.DIGITS_MODEL, "--calibration", Cli.DIGITS_X, "-o", out));
    args.addAll(List.of((Object[]) options.split(" ")));
    Cli.Result c = Cli.run(args.toArray());
    assertEquals(0, c.code(), c::toString);
    Cli.Result s = Cli.run("csim", out);
    assertEquals(0, s.code(), s::toString);
    assertTrue(s.out().contains("bit-exact"), s::toString);
  }

  @Test
  void configFilesAreReadStrictlyNamingTheKey() throws IOException {
    Path cfg = tmp.resolve("c.json");
    String good = "\"format\": 1, \"board\": \"ultra96v2\", \"tn\": 8, \"tr\": 14, \"tc\": 14, \"axiDataWidth\": 128, "
        + "\"clockMHz\": 200.0, \"winograd\": false, \"actWidth\": 16, \"wgtWidth\": 16";
    String[][] cases = {
        {"{" + good + ", \"tm\": 8, \"tmm\": 8}", "unknown key \"tmm\""},
        {"{" + good + ", \"tm\": 16.9}", "\"tm\" must be an integer"},
        {"{" + good + ", \"tm\": 4294967312}", "\"tm\" must be an integer"},
        {"{" + good + "}", "missing \"tm\""},
        {"{" + good.replace("\"format\": 1", "\"format\": 2") + ", \"tm\": 8}", "format"},
        {"{" + good.replace("\"clockMHz\": 200.0", "\"clockMHz\": 1e-300") + ", \"tm\": 8}", "clock"},
        {"{" + good.replace("\"winograd\": false", "\"winograd\": \"no\"") + ", \"tm\": 8}", "winograd"}};
    for (String[] c : cases) {
      Files.writeString(cfg, c[0]);
      Cli.assertError(2, Cli.run("compile", Cli.DIGITS_MODEL, "--config", cfg, "-o", tmp.resolve("never")), "c.json", c[1]);
      Cli.assertError(2, Cli.run("simulate", Cli.DIGITS_MODEL, "--config", cfg), c[1]);
    }
    Assertions.assertFalse(Files.exists(tmp.resolve("never")));
  }

  @Test
  void unmappableOpIsNamedAndNothingIsWritten() throws IOException {
    OnnxModelBuilder b = org.cnnhls.frontend.ReferenceModels.convThenTranspose();
    Path model = b.save(tmp.resolve("sig.onnx"));
    Path out = tmp.resolve("sig_out");
    Cli.assertError(3, Cli.run("compile", model, "--no-dse", "-o", out), "Transpose");
    assertFalse(Files.exists(out));
  }

  @Test
  void quantizeRejectsBadCalibrationAndOverrides() throws IOException {
    Path wrongShape = tmp.resolve("calib.npy");
    NpyFiles.writeFloats(wrongShape, Shape.of(4, 1, 9, 9), new float[324]);
    Cli.assertError(2, Cli.run("quantize", Cli.DIGITS_MODEL, "--calibration", wrongShape), "calib.npy");
    Path ints = tmp.resolve("ints.npy");
    NpyFiles.writeInts(ints, Shape.of(4, 1, 8, 8), new int[256]);
    Cli.assertError(2, Cli.run("quantize", Cli.DIGITS_MODEL, "--calibration", ints), "int32");
    Path unknown = tmp.resolve("o1.json");
    Files.writeString(unknown, "{\"layers\": {\"no_such_layer\": {\"weights\": \"8\"}}}");
    Cli.assertError(2, Cli.run("quantize", Cli.DIGITS_MODEL, "--calibration", Cli.DIGITS_X, "--quant-config", unknown),
        "no_such_layer");
    Path wide = tmp.resolve("o2.json");
    Files.writeString(wide, "{\"layers\": {\"/0/Conv\": {\"weights\": \"40\"}}}");
    Cli.assertError(2, Cli.run("quantize", Cli.DIGITS_MODEL, "--calibration", Cli.DIGITS_X, "--quant-config", wide), "40");
    Path narrow = tmp.resolve("o3.json");
    Files.writeString(narrow, "{\"layers\": {\"/0/Conv\": {\"output\": \"1\"}}}");
    Cli.assertError(2, Cli.run("quantize", Cli.DIGITS_MODEL, "--calibration", Cli.DIGITS_X, "--quant-config", narrow), "1");
    Cli.Result ok = Cli.run("quantize", Cli.DIGITS_MODEL, "--calibration", Cli.DIGITS_X, "--precision", "8");
    assertEquals(0, ok.code(), ok::toString);
    assertTrue(ok.out().contains("top-1 agreement"), ok::toString);
  }

  @Test
  void rtlTakesTheConfigurationDseEmits() throws IOException {
    Path cfg = tmp.resolve("best.json");
    assertEquals(0, Cli.run("dse", Cli.DIGITS_MODEL, "--board", "ultra96", "--precision", "8", "--winograd", "off",
        "--emit-config", cfg).code());
    // keep the RTL small for the test; the rest of the record is what dse wrote
    ObjectMapper m = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(cfg.toFile());
    n.put("tm", 4);
    n.put("tn", 4);
    m.writeValue(cfg.toFile(), n);
    Path out = tmp.resolve("rtl");
    Cli.Result r = Cli.run("rtl", cfg, "-o", out);
    assertEquals(0, r.code(), r::toString);
    String sv = Files.readString(out.resolve("cnnhls_mac_array.sv"));
    assertTrue(sv.contains("module cnnhls_mac_array"), "no top module in the SystemVerilog");
    Path bad = tmp.resolve("bad.json");
    n.put("tm", 0);
    m.writeValue(bad.toFile(), n);
    Cli.assertError(2, Cli.run("rtl", bad, "-o", tmp.resolve("rtl2")), "tm");
    n.put("tm", 4);
    // the core has no Winograd mode: such a configuration is refused, not silently built direct
    n.put("winograd", true);
    m.writeValue(cfg.toFile(), n);
    Cli.assertError(2, Cli.run("rtl", cfg, "-o", tmp.resolve("rtl3")), "Winograd");
    Cli.assertError(2, Cli.run("dse", Cli.DIGITS_MODEL, "--winograd", "maybe"), "--winograd");
    Cli.assertError(2, Cli.run("dse", Cli.DIGITS_MODEL, "--board", "ultra96", "--clock", "400"), "400");
  }
}
