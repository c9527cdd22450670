package org.cnnhls.rtl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of the RTL core, read from the hardware-configuration JSON the rest of the
 * compiler uses (one source of truth). Required keys: {@code tm, tn, actWidth, wgtWidth,
 * outWidth}. Optional: {@code accWidth} (default: the contract's Wx + Ww + ceil(log2 maxK) + 1),
 * {@code maxK} (terms per output the default accumulator must hold, default 32768 = VGG16's
 * largest layer rounded up), {@code mulWidth} (unsigned requantize multiplier, default 16),
 * {@code shiftWidth} (signed shift, default 8), {@code packMacs} (two MACs per multiplier when the
 * widths allow it, i.e. 8-bit data; default true). Unknown keys (tr, tc, clockMHz, board, ...) are
 * ignored.
 */
public record RtlConfig(int tm, int tn, int actWidth, int wgtWidth, int accWidth, int outWidth, int mulWidth,
    int shiftWidth, boolean packMacs) {

  public static final int MAX_TILE = 128, MAX_DATA_WIDTH = 32, MAX_ACC_WIDTH = 64;
  public static final long DEFAULT_MAX_K = 32768;

  public RtlConfig {
    range("tm", tm, 1, MAX_TILE);
    range("tn", tn, 1, MAX_TILE);
    range("actWidth", actWidth, 2, MAX_DATA_WIDTH);
    range("wgtWidth", wgtWidth, 2, MAX_DATA_WIDTH);
    range("outWidth", outWidth, 2, MAX_DATA_WIDTH);
    if (minAccWidth(actWidth, wgtWidth, tn) > MAX_ACC_WIDTH) {
      throw new RtlConfigException("actWidth + wgtWidth + ceil(log2 tn) + 1 = " + minAccWidth(actWidth, wgtWidth, tn)
          + " bits exceeds the " + MAX_ACC_WIDTH + "-bit accumulator limit");
    }
    range("accWidth", accWidth, minAccWidth(actWidth, wgtWidth, tn), MAX_ACC_WIDTH);
    range("mulWidth", mulWidth, 1, 32);
    range("shiftWidth", shiftWidth, 2, 8);
  }

  /** The contract's accumulator width for K terms: Wx + Ww + ceil(log2 K) + 1. */
  public static int contractAccWidth(int actWidth, int wgtWidth, long k) {
    int log = k <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(k - 1);
    return actWidth + wgtWidth + log + 1;
  }

  /** The narrowest accumulator that holds one step (Tn products). */
  static int minAccWidth(int actWidth, int wgtWidth, int tn) {
    return contractAccWidth(actWidth, wgtWidth, tn);
  }

  public static RtlConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new RtlConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new RtlConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  public static RtlConfig parse(String json, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new RtlConfigException(source + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new RtlConfigException(source + " must hold a JSON object");
    JsonNode wino = root.get("winograd");
    if (wino != null && wino.asBoolean(false)) {
      // the core multiplies raw weights and activations; Winograd mode needs transformed, wider operands
      throw new RtlConfigException(source + " asks for the Winograd mode, which the Chisel core does not have: emit a "
          + "configuration with `cnnhls dse --winograd off`");
    }
    try {
      int act = required(root, "actWidth"), wgt = required(root, "wgtWidth"), tn = required(root, "tn");
      int tm = required(root, "tm"), out = required(root, "outWidth");
      long maxK = optional(root, "maxK", DEFAULT_MAX_K);
      if (maxK < 1) throw new RtlConfigException("maxK must be at least 1, got " + maxK);
      int acc = (int) optional(root, "accWidth", Math.min(MAX_ACC_WIDTH, contractAccWidth(act, wgt, maxK)));
      JsonNode pack = root.get("packMacs");
      if (pack != null && !pack.isBoolean() && !pack.isNull()) {
        throw new RtlConfigException("'packMacs' must be true or false, got " + pack);
      }
      return new RtlConfig(tm, tn, act, wgt, acc, out, (int) optional(root, "mulWidth", 16),
          (int) optional(root, "shiftWidth", 8), pack == null || pack.isNull() || pack.asBoolean());
    } catch (RtlConfigException e) {
      throw new RtlConfigException(source + ": " + e.getMessage());
    }
  }

  /** The resolved parameters as the JSON object written next to the Verilog. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tm", tm);
    m.put("tn", tn);
    m.put("actWidth", actWidth);
    m.put("wgtWidth", wgtWidth);
    m.put("accWidth", accWidth);
    m.put("outWidth", outWidth);
    m.put("mulWidth", mulWidth);
    m.put("shiftWidth", shiftWidth);
    m.put("packMacs", packMacs);
    return m;
  }

  private static int required(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) throw new RtlConfigException("missing key '" + key + "'");
    return (int) integer(key, v);
  }

  private static long optional(JsonNode root, String key, long dflt) {
    JsonNode v = root.get(key);
    return v == null || v.isNull() ? dflt : integer(key, v);
  }

  private static long integer(String key, JsonNode v) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new RtlConfigException("'" + key + "' must be an integer, got " + v);
    }
    return v.asInt();
  }

  private static void range(String key, int v, int lo, int hi) {
    if (v < lo || v > hi) throw new RtlConfigException("'" + key + "' must be " + lo + ".." + hi + ", got " + v);
  }
}
