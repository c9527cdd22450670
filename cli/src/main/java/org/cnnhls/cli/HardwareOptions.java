package org.cnnhls.cli;

import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.boards.UnknownBoardException;
import org.cnnhls.engine.CostEstimate;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.ir.ModelException;
import picocli.CommandLine.Option;

/** Board and hardware-configuration options shared by compile and simulate. */
final class HardwareOptions {
  @Option(names = "--board", defaultValue = "ultra96v2", description = "target board (see `cnnhls boards`; default ${DEFAULT-VALUE})")
  String board;

  @Option(names = "--tm", description = "MAC array output channels (default 16)") Integer tm;
  @Option(names = "--tn", description = "MAC array input channels (default 16)") Integer tn;
  @Option(names = "--tr", description = "output tile rows (default 14)") Integer tr;
  @Option(names = "--tc", description = "output tile columns (default 14)") Integer tc;
  @Option(names = "--clock", paramLabel = "MHZ", description = "clock in MHz (default: the board's default)") Double clock;
  @Option(names = "--axi-width", paramLabel = "BITS", description = "m_axi data width: 32, 64, 128 or 256 (default: the HP port width)")
  Integer axiWidth;
  @Option(names = "--winograd", arity = "0..1", paramLabel = "BOOL",
      description = "give the MAC array its Winograd F(2x2,3x3) mode for 3x3 stride-1 convs (default: off, or as the config file says)")
  Boolean winograd;

  /** True when the user fixed any configuration parameter on the command line. */
  boolean anyGiven() {
    return tm != null || tn != null || tr != null || tc != null || clock != null || axiWidth != null || winograd != null;
  }

  /** The configuration of a JSON file written by `cnnhls dse --emit-config` (command-line options still win). */
  HardwareConfig fromFile(java.nio.file.Path file, int actWidth, int wgtWidth) {
    com.fasterxml.jackson.databind.JsonNode n;
    try {
      n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    } catch (java.io.IOException e) {
      throw new org.cnnhls.frontend.InputFileException(file + " is not a readable JSON configuration: " + e.getMessage());
    }
    for (String key : new String[] {"tm", "tn", "tr", "tc", "axiDataWidth", "clockMHz"}) {
      if (n == null || !n.hasNonNull(key) || !n.get(key).isNumber()) {
        throw new org.cnnhls.frontend.InputFileException(file + ": missing or non-numeric \"" + key + "\"");
      }
    }
    if (n.hasNonNull("board") && !board().matches(n.get("board").asText())) {
      throw new UsageException(file + " is for board " + n.get("board").asText() + ", not " + board().name() + " (pass --board)");
    }
    if (tm == null) tm = n.get("tm").asInt();
    if (tn == null) tn = n.get("tn").asInt();
    if (tr == null) tr = n.get("tr").asInt();
    if (tc == null) tc = n.get("tc").asInt();
    if (axiWidth == null) axiWidth = n.get("axiDataWidth").asInt();
    if (clock == null) clock = n.get("clockMHz").asDouble();
    if (n.has("winograd") && !n.get("winograd").isBoolean()) {
      throw new org.cnnhls.frontend.InputFileException(file + ": \"winograd\" must be true or false");
    }
    if (winograd == null && n.has("winograd")) winograd = n.get("winograd").asBoolean();
    return config(actWidth, wgtWidth);
  }

  Board board() {
    try {
      return BoardCatalog.byName(board);
    } catch (UnknownBoardException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The configuration; a clock above the board's maximum or a design over its caps is a usage error. */
  HardwareConfig config(int actWidth, int wgtWidth) {
    Board b = board();
    HardwareConfig hw = HardwareConfig.defaults(b);
    try {
      hw = new HardwareConfig(b, tm != null ? tm : hw.tm(), tn != null ? tn : hw.tn(), tr != null ? tr : hw.tr(),
          tc != null ? tc : hw.tc(), axiWidth != null ? axiWidth : hw.axiDataWidth(), clock != null ? clock : hw.clockMHz(),
          winograd != null && winograd);
    } catch (ModelException e) {
      throw new UsageException(e.getMessage());
    }
    String over = CostEstimate.overCaps(hw, actWidth, wgtWidth);
    if (over != null) throw new UsageException("configuration does not fit " + b.name() + ": " + over);
    return hw;
  }
}
