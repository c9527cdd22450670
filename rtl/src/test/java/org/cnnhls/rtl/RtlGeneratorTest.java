package org.cnnhls.rtl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Config parsing, the generated files, and the RTL latency the Java cycle model assumes. */
class RtlGeneratorTest {

  /** A format-1 hardware configuration with these fields (JSON members) added. */
  static String config(String fields) {
    return "{\"format\": 1, \"board\": \"ultra96v2\", \"tr\": 14, \"tc\": 14, \"axiDataWidth\": 128, \"clockMHz\": 200.0, "
        + "\"winograd\": false, " + fields + "}";
  }

  @Test
  void readsTheHardwareConfigFile() {
    RtlConfig c = RtlConfig.parse(config("\"tm\": 8, \"tn\": 4, \"actWidth\": 16, \"wgtWidth\": 8"), "hw.json");
    assertEquals(new RtlConfig(8, 4, 16, 8, 16 + 8 + 15 + 1, 16, 16, 8, true), c);
    assertEquals(40, RtlConfig.parse(config("\"tm\": 1, \"tn\": 1, \"actWidth\": 16, \"wgtWidth\": 16, \"rtl\": {\"maxK\": 100}"), "x")
        .accWidth());
    assertEquals(33, RtlConfig.contractAccWidth(16, 16, 1));
    assertEquals(37, RtlConfig.contractAccWidth(16, 16, 9));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "\"tn\":4,\"actWidth\":16,\"wgtWidth\":16|missing \"tm\"",
      "\"tm\":0,\"tn\":4,\"actWidth\":16,\"wgtWidth\":16|tm must be 1..128, got 0",
      "\"tm\":4,\"tn\":4,\"actWidth\":33,\"wgtWidth\":16|actWidth must be 2..16, got 33",
      "\"tm\":4,\"tn\":4,\"actWidth\":16,\"wgtWidth\":16,\"outWidth\":16|unknown key \"outWidth\"",
      "\"tm\":4,\"tn\":4,\"actWidth\":16,\"wgtWidth\":16,\"rtl\":{\"accWidth\":20}|'accWidth' must be 35..64, got 20",
      "\"tm\":\"4\",\"tn\":4,\"actWidth\":16,\"wgtWidth\":16|\"tm\" must be an integer, got \"4\"",
      "\"tm\":4.5,\"tn\":4,\"actWidth\":16,\"wgtWidth\":16|\"tm\" must be an integer, got 4.5",
      "\"tm\":4,\"tn\":4,\"actWidth\":16,\"wgtWidth\":16,\"rtl\":{\"packMacs\":\"yes\"}|\"rtl.packMacs\" must be true or false",
      "\"tm\":4,\"tn\":4,\"actWidth\":16,\"wgtWidth\":16,\"rtl\":{\"pack\":true}|unknown key \"rtl.pack\""})
  void rejectsBadConfigsInOneLine(String fields, String message) {
    RtlConfigException e = assertThrows(RtlConfigException.class, () -> RtlConfig.parse(config(fields), "cfg.json"));
    assertTrue(e.getMessage().startsWith("cfg.json"), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {"[1,2]|must hold a JSON object", "{\"tm\":|is not valid JSON",
      "{\"tm\": 4}|missing \"format\""})
  void rejectsFilesThatAreNotConfigurations(String json, String message) {
    RtlConfigException e = assertThrows(RtlConfigException.class, () -> RtlConfig.parse(json, "cfg.json"));
    assertTrue(e.getMessage().startsWith("cfg.json") && e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void missingConfigFile(@TempDir Path dir) {
    RtlConfigException e = assertThrows(RtlConfigException.class, () -> RtlConfig.read(dir.resolve("nope.json")));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void packsTwoMacsPerMultiplierOnlyWhenTheWidthsFit() {
    assertTrue(RtlGenerator.packed(new RtlConfig(4, 4, 8, 8, 32, 8, 16, 8, true)));
    assertTrue(!RtlGenerator.packed(new RtlConfig(4, 4, 8, 8, 32, 8, 16, 8, false)), "packMacs off");
    assertTrue(!RtlGenerator.packed(new RtlConfig(4, 4, 16, 16, 48, 16, 16, 8, true)), "16-bit products do not fit");
    assertTrue(!RtlGenerator.packed(new RtlConfig(1, 4, 8, 8, 32, 8, 16, 8, true)), "one output channel");
  }

  @Test
  void rtlLatencyIsTheCycleModels() {
    assertEquals(MacArrayTiming.PIPELINE_LATENCY, RtlGenerator.latency());
  }

  @Test
  void writesVerilogJsonAndReadme(@TempDir Path dir) throws Exception {
    RtlConfig c = new RtlConfig(2, 3, 8, 8, 24, 8, 16, 8, true);
    var files = RtlGenerator.generate(c, dir);
    assertEquals(3, files.size());
    String sv = Files.readString(dir.resolve("cnnhls_mac_array.sv"));
    assertTrue(sv.contains("module cnnhls_mac_array("), "top module");
    for (String port : new String[] {"input  [23:0]  s_axis_act_tdata", "input  [47:0]  s_axis_wgt_tdata",
        "output [15:0]  m_axis_out_tdata", "input  [47:0]  bias"}) {
      assertTrue(sv.replaceAll(" +", " ").contains(port.replaceAll(" +", " ")), "port " + port + " in\n" + sv);
    }
    assertTrue(sv.matches("(?s).*\\bdone\\b.*") && sv.contains("m_axis_out_tready"), "control and stream ports");
    String meta = Files.readString(dir.resolve("cnnhls_mac_array.json"));
    assertTrue(meta.contains("\"latency\" : " + MacArrayTiming.PIPELINE_LATENCY), meta);
    assertTrue(RtlGenerator.packed(c) && meta.contains("\"multipliers\" : 3"), "8-bit: one multiplier per channel pair\n" + meta);
    String readme = Files.readString(dir.resolve("README.md"));
    assertTrue(readme.contains("2 x 3 MAC array") && readme.contains("Vitis HLS") && readme.contains("ipx::package_project"));
  }
}
