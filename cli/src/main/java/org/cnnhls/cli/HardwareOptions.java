package org.cnnhls.cli;

import java.nio.file.Path;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.boards.UnknownBoardException;
import org.cnnhls.engine.EngineLimits;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.HardwareConfigFile;
import org.cnnhls.ir.ModelException;
import picocli.CommandLine.Option;

/** Board and hardware-configuration options shared by compile and simulate. */
final class HardwareOptions {
  static final String DEFAULT_BOARD = "ultra96v2";

  @Option(names = "--board", description = "target board (see `cnnhls boards`; default " + DEFAULT_BOARD
      + ", or the board of --config)")
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

  @Option(names = "--calibration-file", paramLabel = "CAL.json",
      description = "resource models refitted to measured reports (written by `cnnhls collect DIR --emit-calibration`)")
  Path calibrationFile;

  /** True when the user fixed any configuration parameter on the command line. */
  boolean anyGiven() {
    return tm != null || tn != null || tr != null || tc != null || clock != null || axiWidth != null || winograd != null;
  }

  /**
   * The configuration of a file written by `cnnhls dse --emit-config` (or a project's
   * hardware.json); command-line options still win, a different --board is refused.
   */
  HardwareConfig fromFile(Path file) {
    HardwareConfig hw;
    try {
      hw = HardwareConfigFile.read(file).hw();
    } catch (HardwareConfigFile.InvalidConfigException e) {
      throw new UsageException(e.getMessage());
    }
    if (board != null && !board().name().equals(hw.board().name())) {
      throw new UsageException(file + " is for board " + hw.board().name() + ", not " + board().name() + " (drop --board or pass --board "
          + hw.board().name() + ")");
    }
    hw = override(hw);
    Board calibrated = calibrated(hw.board(), calibrationFile);
    return new HardwareConfig(calibrated, hw.tm(), hw.tn(), hw.tr(), hw.tc(), hw.axiDataWidth(), hw.clockMHz(), hw.winograd(),
        hw.actWidth(), hw.wgtWidth());
  }

  Board board() {
    try {
      return calibrated(BoardCatalog.byName(board != null ? board : DEFAULT_BOARD), calibrationFile);
    } catch (UnknownBoardException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** {@code b} with the refit of {@code file} (none: unchanged); a bad file is a usage error naming it. */
  static Board calibrated(Board b, Path file) {
    if (file == null) return b;
    try {
      return b.withModelCalibration(org.cnnhls.boards.ModelCalibration.read(file));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--calibration-file " + e.getMessage());
    }
  }

  /**
   * The board's default configuration at this storage width, with the command line's overrides.
   * A clock above the board's maximum, or a design that does not fit before a model is known
   * (nominal buffer limits), is a usage error; commands that know the model check again with its
   * own limits through the same {@link Fit}.
   */
  HardwareConfig config(int width) {
    return config(width, false);
  }

  /** As {@link #config(int)}; {@code overCaps} (compile --force) leaves the fit to the command, which warns. */
  HardwareConfig config(int width, boolean overCaps) {
    HardwareConfig hw = override(HardwareConfig.defaults(board(), width));
    Fit fit = Fit.of(hw, EngineLimits.nominal(width, width));
    if (!fit.fits() && !overCaps) {
      throw new UsageException("configuration does not fit " + hw.board().name() + ": " + fit.overflow()
          + " (--force writes it anyway)");
    }
    return hw;
  }

  private HardwareConfig override(HardwareConfig hw) {
    try {
      return new HardwareConfig(hw.board(), tm != null ? tm : hw.tm(), tn != null ? tn : hw.tn(), tr != null ? tr : hw.tr(),
          tc != null ? tc : hw.tc(), axiWidth != null ? axiWidth : hw.axiDataWidth(), clock != null ? clock : hw.clockMHz(),
          winograd != null ? winograd : hw.winograd(), hw.actWidth(), hw.wgtWidth());
    } catch (ModelException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
