package org.cnnhls.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.boards.UnknownBoardException;
import org.cnnhls.ir.ModelException;

/**
 * The one file format of a {@link HardwareConfig}, read and written only here: what `dse
 * --emit-config` writes, `compile --config` and `rtl` read, and every pareto row and report
 * carries. Version 1:
 *
 * <pre>
 * {"format": 1, "board": "ultra96v2", "tm": 16, "tn": 16, "tr": 14, "tc": 14, "axiDataWidth": 128,
 *  "clockMHz": 200.0, "winograd": false, "actWidth": 16, "wgtWidth": 16,
 *  "modeled": {...}, "rtl": {...}}
 * </pre>
 *
 * Every key of the record is required and exactly typed (integers must be integral and in range, so
 * 16.9 or 2^32 + 16 are refused, not truncated). {@code modeled} is what the writer predicted
 * (latency, resources): informational, ignored on reading. {@code rtl} holds the optional
 * parameters of the Chisel core ({@link Rtl}). Any other key is refused, naming it.
 */
public final class HardwareConfigFile {
  private HardwareConfigFile() {}

  public static final int FORMAT = 1;

  private static final List<String> RECORD_KEYS =
      List.of("board", "tm", "tn", "tr", "tc", "axiDataWidth", "clockMHz", "winograd", "actWidth", "wgtWidth");
  private static final Set<String> RTL_KEYS = Set.of("accWidth", "maxK", "mulWidth", "shiftWidth", "packMacs");

  /** Optional parameters of the RTL core; null means the core's default. */
  public record Rtl(Integer accWidth, Long maxK, Integer mulWidth, Integer shiftWidth, Boolean packMacs) {
    public static final Rtl DEFAULTS = new Rtl(null, null, null, null, null);
  }

  /** What a file holds. */
  public record Document(HardwareConfig hw, Rtl rtl) {}

  /** A file that is not a valid configuration; the message names the file and the key. */
  public static final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  public static Document read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("configuration file " + file + " does not exist");
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  public static Document parse(String json, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(source + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new InvalidConfigException(source + " must hold a JSON object");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("format") && !k.equals("modeled") && !k.equals("rtl") && !RECORD_KEYS.contains(k)) {
        throw new InvalidConfigException(source + ": unknown key \"" + k + "\" (a format " + FORMAT + " configuration has "
            + String.join(", ", RECORD_KEYS) + ", and optionally modeled and rtl)");
      }
    }
    JsonNode format = root.get("format");
    if (format == null) throw new InvalidConfigException(source + ": missing \"format\" (this cnnhls reads format " + FORMAT + ")");
    if (!format.isIntegralNumber() || format.asLong() != FORMAT) {
      throw new InvalidConfigException(source + ": \"format\" is " + format + "; this cnnhls reads format " + FORMAT);
    }
    for (String k : RECORD_KEYS) {
      if (!root.hasNonNull(k)) throw new InvalidConfigException(source + ": missing \"" + k + "\"");
    }
    JsonNode boardNode = root.get("board");
    if (!boardNode.isTextual()) throw new InvalidConfigException(source + ": \"board\" must be a string, got " + boardNode);
    Board board;
    try {
      board = BoardCatalog.byName(boardNode.asText());
    } catch (UnknownBoardException e) {
      throw new InvalidConfigException(source + ": " + e.getMessage());
    }
    JsonNode clock = root.get("clockMHz");
    if (!clock.isNumber()) throw new InvalidConfigException(source + ": \"clockMHz\" must be a number, got " + clock);
    JsonNode wino = root.get("winograd");
    if (!wino.isBoolean()) throw new InvalidConfigException(source + ": \"winograd\" must be true or false, got " + wino);
    JsonNode modeled = root.get("modeled");
    if (modeled != null && !modeled.isObject()) throw new InvalidConfigException(source + ": \"modeled\" must be an object");
    HardwareConfig hw;
    try {
      hw = new HardwareConfig(board, integer(root, "tm", source), integer(root, "tn", source), integer(root, "tr", source),
          integer(root, "tc", source), integer(root, "axiDataWidth", source), clock.asDouble(), wino.asBoolean(),
          integer(root, "actWidth", source), integer(root, "wgtWidth", source));
    } catch (ModelException e) {
      throw new InvalidConfigException(source + ": " + e.getMessage());
    }
    return new Document(hw, rtl(root.get("rtl"), source));
  }

  private static Rtl rtl(JsonNode n, String source) {
    if (n == null) return Rtl.DEFAULTS;
    if (!n.isObject()) throw new InvalidConfigException(source + ": \"rtl\" must be an object");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!RTL_KEYS.contains(k)) {
        throw new InvalidConfigException(source + ": unknown key \"rtl." + k + "\" (known: " + String.join(", ", RTL_KEYS.stream().sorted().toList()) + ")");
      }
    }
    JsonNode pack = n.get("packMacs");
    if (pack != null && !pack.isBoolean()) throw new InvalidConfigException(source + ": \"rtl.packMacs\" must be true or false, got " + pack);
    JsonNode maxK = n.get("maxK");
    if (maxK != null && (!maxK.isIntegralNumber() || !maxK.canConvertToLong())) {
      throw new InvalidConfigException(source + ": \"rtl.maxK\" must be an integer, got " + maxK);
    }
    return new Rtl(optionalInt(n, "accWidth", source), maxK == null ? null : maxK.asLong(), optionalInt(n, "mulWidth", source),
        optionalInt(n, "shiftWidth", source), pack == null ? null : pack.asBoolean());
  }

  private static Integer optionalInt(JsonNode n, String key, String source) {
    return n.has(key) ? integer(n, key, source + ": rtl") : null;
  }

  private static int integer(JsonNode n, String key, String source) {
    JsonNode v = n.get(key);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new InvalidConfigException(source + ": \"" + key + "\" must be an integer, got " + v);
    }
    return v.asInt();
  }

  /** The record as an ordered map (format first), for files, pareto rows and reports. */
  public static Map<String, Object> toMap(HardwareConfig hw) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("board", hw.board().name());
    m.put("tm", hw.tm());
    m.put("tn", hw.tn());
    m.put("tr", hw.tr());
    m.put("tc", hw.tc());
    m.put("axiDataWidth", hw.axiDataWidth());
    m.put("clockMHz", hw.clockMHz());
    m.put("winograd", hw.winograd());
    m.put("actWidth", hw.actWidth());
    m.put("wgtWidth", hw.wgtWidth());
    return m;
  }

  /** As {@link #toMap}, with what the writer modeled for it (latency, resources) under "modeled". */
  public static Map<String, Object> toMap(HardwareConfig hw, Map<String, Object> modeled) {
    Map<String, Object> m = toMap(hw);
    if (modeled != null && !modeled.isEmpty()) m.put("modeled", modeled);
    return m;
  }

  /** The file text: indented JSON, keys in a fixed order, newline-terminated. */
  public static String toJson(HardwareConfig hw, Map<String, Object> modeled) {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap(hw, modeled)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
