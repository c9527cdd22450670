package org.cnnhls.boards;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One FPGA board, as described by its data file under {@code resources/boards/}. Immutable. Obtain
 * boards through {@link BoardCatalog}; every board it returns has passed {@link BoardValidator}.
 *
 * @param name canonical lower-case name, equal to the data file's base name (e.g. {@code ultra96v2})
 * @param aliases other accepted names (lower case), possibly empty
 * @param description one human-readable line
 * @param family SoC family; decides the PS IP and the HP port width
 * @param part Vivado / Vitis HLS part name (e.g. {@code xczu3eg-sbva484-1-i})
 * @param boardPart Vivado board part (e.g. {@code avnet.com:ultra96v2:part0:1.2})
 * @param psIp the processing-system IP for the block design ({@code zynq_ultra_ps_e} or
 *     {@code processing_system7})
 * @param psPreset how the PS is configured; {@code board} means Vivado board automation with
 *     {@code apply_board_preset 1}
 */
public record Board(
    String name,
    List<String> aliases,
    String description,
    Family family,
    String part,
    String boardPart,
    String psIp,
    String psPreset,
    Resources resources,
    Ddr ddr,
    HpPorts hpPorts,
    Clock clock,
    UtilizationCaps utilizationCaps,
    @JsonIgnore ModelCalibration modelCalibration) {

  /** What a board data file holds: everything but a calibration, which comes from its own file ({@link #withModelCalibration}). */
  @JsonCreator
  public Board(@JsonProperty("name") String name, @JsonProperty("aliases") List<String> aliases,
      @JsonProperty("description") String description, @JsonProperty("family") Family family, @JsonProperty("part") String part,
      @JsonProperty("boardPart") String boardPart, @JsonProperty("psIp") String psIp, @JsonProperty("psPreset") String psPreset,
      @JsonProperty("resources") Resources resources, @JsonProperty("ddr") Ddr ddr, @JsonProperty("hpPorts") HpPorts hpPorts,
      @JsonProperty("clock") Clock clock, @JsonProperty("utilizationCaps") UtilizationCaps utilizationCaps) {
    this(name, aliases, description, family, part, boardPart, psIp, psPreset, resources, ddr, hpPorts, clock, utilizationCaps, null);
  }

  /** {@link #psPreset()} value meaning "apply_bd_automation with apply_board_preset 1". */
  public static final String PRESET_BOARD = "board";

  public Board {
    // Not List.copyOf: a null element must reach the validator, which names it.
    aliases = aliases == null ? null : Collections.unmodifiableList(new ArrayList<>(aliases));
  }

  /** SoC family. JSON values: {@code zynquplus}, {@code zynq7000}. */
  public enum Family {
    @JsonProperty("zynquplus")
    ZYNQ_ULTRASCALE_PLUS("zynquplus", "zynq_ultra_ps_e", 128),
    @JsonProperty("zynq7000")
    ZYNQ_7000("zynq7000", "processing_system7", 64);

    private final String id;
    private final String psIp;
    private final int maxHpPortWidthBits;

    Family(String id, String psIp, int maxHpPortWidthBits) {
      this.id = id;
      this.psIp = psIp;
      this.maxHpPortWidthBits = maxHpPortWidthBits;
    }

    /** The identifier used in the data files. */
    public String id() {
      return id;
    }

    /** The Vivado IP name of this family's processing system. */
    public String psIp() {
      return psIp;
    }

    /** The widest AXI HP port data width this family offers (128 on UltraScale+, 64 on 7000). */
    public int maxHpPortWidthBits() {
      return maxHpPortWidthBits;
    }

    @Override
    public String toString() {
      return id;
    }
  }

  /** Programmable-logic resources of the part. */
  public record Resources(int dsp, int bram18, int uram, int lut, int ff) {

    /** These resources scaled by the caps, rounded down: the budget a design may use. */
    public Resources capped(UtilizationCaps caps) {
      return new Resources(
          (int) Math.floor(dsp * caps.dsp()),
          (int) Math.floor(bram18 * caps.bram()),
          (int) Math.floor(uram * caps.uram()),
          (int) Math.floor(lut * caps.lut()),
          (int) Math.floor(ff * caps.ff()));
    }
  }

  /**
   * External memory attached to the PS.
   *
   * @param type e.g. {@code LPDDR4}, {@code DDR3}, {@code DDR4}
   * @param widthBits data bus width
   * @param megaTransfersPerSecond transfer rate (e.g. 1066 for LPDDR4-1066)
   * @param efficiency fraction of peak bandwidth to plan on, in (0, 1]
   */
  public record Ddr(String type, int widthBits, int megaTransfersPerSecond, double efficiency) {

    /** Peak bandwidth in bytes per second: width/8 · MT/s · 10^6. */
    public double peakBytesPerSecond() {
      return widthBits / 8.0 * megaTransfersPerSecond * 1e6;
    }

    /** Bandwidth to plan on: peak · efficiency. */
    public double usableBytesPerSecond() {
      return peakBytesPerSecond() * efficiency;
    }
  }

  /** The PS's high-performance AXI slave ports used by the accelerator's {@code m_axi} masters. */
  public record HpPorts(int count, int widthBits) {}

  /** Fabric clock in MHz: the default target and the most the board file allows. */
  public record Clock(double defaultMHz, double maxMHz) {}

  /** Fractions of each resource a generated design may use, each in (0, 1]. */
  public record UtilizationCaps(double dsp, double bram, double lut, double ff, double uram) {}

  /**
   * This board with the resource models refitted to measured reports ({@link ModelCalibration});
   * null keeps the built-in models.
   */
  public Board withModelCalibration(ModelCalibration c) {
    return new Board(name, aliases, description, family, part, boardPart, psIp, psPreset, resources, ddr, hpPorts, clock,
        utilizationCaps, c);
  }

  /** All names this board answers to: its name first, then its aliases. */
  public List<String> names() {
    List<String> all = new ArrayList<>(aliases.size() + 1);
    all.add(name);
    all.addAll(aliases);
    return Collections.unmodifiableList(all);
  }

  /** Whether {@code nameOrAlias} (trimmed, case-insensitive) names this board. */
  public boolean matches(String nameOrAlias) {
    if (nameOrAlias == null) return false;
    String key = nameOrAlias.trim().toLowerCase(Locale.ROOT);
    return names().contains(key);
  }

  /** Peak DDR bandwidth in bytes per second (e.g. 4.264e9 on Ultra96). */
  public double peakDdrBytesPerSecond() {
    return ddr.peakBytesPerSecond();
  }

  /** DDR bandwidth to plan on: peak · {@code ddr.efficiency}. */
  public double usableDdrBytesPerSecond() {
    return ddr.usableBytesPerSecond();
  }

  /** Peak 16-bit throughput in GOPS at {@code mhz}: one MAC (2 ops) per DSP per cycle. */
  public double peakGops16(double mhz) {
    return resources.dsp() * mhz * 1e6 * 2 / 1e9;
  }

  /** Peak 16-bit throughput in GOPS at the default clock. */
  public double peakGops16() {
    return peakGops16(clock.defaultMHz());
  }

  /** The resources a design may use: {@link #resources()} scaled by {@link #utilizationCaps()}. */
  public Resources budget() {
    return resources.capped(utilizationCaps);
  }

  /** Name plus aliases in parentheses, e.g. {@code ultra96v2 (ultra96)}. */
  public String displayName() {
    return aliases.isEmpty() ? name : name + " (" + String.join(", ", aliases) + ")";
  }
}
