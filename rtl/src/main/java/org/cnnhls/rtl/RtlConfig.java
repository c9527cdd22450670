package org.cnnhls.rtl;

import java.nio.file.Path;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.HardwareConfigFile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parameters of the RTL core, from the hardware configuration file the rest of the compiler
 * uses ({@link HardwareConfigFile}: one format, one reader). The array and widths come from the
 * record (tm, tn, actWidth, wgtWidth; outputs are stored at actWidth). Its optional "rtl" object
 * may set {@code accWidth} (default: the contract's Wx + Ww + ceil(log2 maxK) + 1), {@code maxK}
 * (terms per output the default accumulator must hold, default 32768 = VGG16's largest layer
 * rounded up), {@code mulWidth} (unsigned requantize multiplier, default 16), {@code shiftWidth}
 * (signed shift, default 8), {@code packMacs} (two MACs per multiplier when the widths allow it,
 * i.e. 8-bit data; default true).
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
    try {
      return of(HardwareConfigFile.read(file), file.toString());
    } catch (HardwareConfigFile.InvalidConfigException e) {
      throw new RtlConfigException(e.getMessage());
    }
  }

  public static RtlConfig parse(String json, String source) {
    try {
      return of(HardwareConfigFile.parse(json, source), source);
    } catch (HardwareConfigFile.InvalidConfigException e) {
      throw new RtlConfigException(e.getMessage());
    }
  }

  /** The core of a hardware configuration file (its record and its optional "rtl" parameters). */
  public static RtlConfig of(HardwareConfigFile.Document doc, String source) {
    HardwareConfig hw = doc.hw();
    HardwareConfigFile.Rtl r = doc.rtl();
    if (hw.winograd()) {
      // the core multiplies raw weights and activations; Winograd mode needs transformed, wider operands
      throw new RtlConfigException(source + " asks for the Winograd mode, which the Chisel core does not have: emit a "
          + "configuration with `cnnhls dse --winograd off`");
    }
    try {
      long maxK = r.maxK() != null ? r.maxK() : DEFAULT_MAX_K;
      if (maxK < 1) throw new RtlConfigException("rtl.maxK must be at least 1, got " + maxK);
      int act = hw.actWidth(), wgt = hw.wgtWidth();
      int acc = r.accWidth() != null ? r.accWidth() : Math.min(MAX_ACC_WIDTH, contractAccWidth(act, wgt, maxK));
      return new RtlConfig(hw.tm(), hw.tn(), act, wgt, acc, act, r.mulWidth() != null ? r.mulWidth() : 16,
          r.shiftWidth() != null ? r.shiftWidth() : 8, r.packMacs() == null || r.packMacs());
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

  private static void range(String key, int v, int lo, int hi) {
    if (v < lo || v > hi) throw new RtlConfigException("'" + key + "' must be " + lo + ".." + hi + ", got " + v);
  }
}
