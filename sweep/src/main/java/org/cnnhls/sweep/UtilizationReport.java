package org.cnnhls.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Vivado utilization report ({@code report_utilization}, e.g. {@code *_utilization_placed.rpt}):
 * LUTs ("CLB LUTs" on UltraScale+, "Slice LUTs" on 7-series), registers, Block RAM tiles (one
 * RAMB36 tile = two BRAM18, so 116.5 tiles are 233 BRAM18), URAM where the part has it and DSPs,
 * used and available. The tables are text: each table's header row gives the positions of its
 * "Used" and "Available" columns (older reports have no "Prohibited" column). Strict: a missing row
 * is a {@link ReportException} naming the file and the row.
 */
public record UtilizationReport(String source, String device, String designState, Resources used, Resources available) {

  public static UtilizationReport parse(Path file, String name) {
    if (!Files.isRegularFile(file)) throw new ReportException(name + ": missing");
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new ReportException(name + ": cannot read (" + HlsReport.oneLine(e.getMessage()) + ")");
    }
    String device = header(lines, "Device");
    if (device == null) throw new ReportException(name + ": no '| Device :' line (not a Vivado utilization report?)");
    String state = header(lines, "Design State");
    long[] lut = row(lines, name, "CLB LUTs", "Slice LUTs");
    long[] ff = row(lines, name, "CLB Registers", "Slice Registers");
    long[] bram = rowHalves(lines, name, "Block RAM Tile");
    long[] dsp = row(lines, name, "DSPs");
    long[] uram = find(lines, name, new String[] {"URAM"}, false);
    return new UtilizationReport(name, device, state == null ? "" : state,
        new Resources(lut[0], ff[0], bram[0], dsp[0], uram == null ? -1 : uram[0]),
        new Resources(lut[1], ff[1], bram[1], dsp[1], uram == null ? -1 : uram[1]));
  }

  /** "| Device       : xczu3egsbva484-1" */
  private static String header(List<String> lines, String key) {
    for (String l : lines) {
      String t = l.trim();
      if (!t.startsWith("|")) continue;
      int colon = t.indexOf(':');
      if (colon > 0 && t.substring(1, colon).trim().equals(key)) return t.substring(colon + 1).trim();
    }
    return null;
  }

  private static long[] row(List<String> lines, String name, String... labels) {
    long[] v = find(lines, name, labels, false);
    if (v == null) throw new ReportException(name + ": no '" + String.join("' or '", labels) + "' row");
    return v;
  }

  /** Block RAM tiles in halves: BRAM18 used and available. */
  private static long[] rowHalves(List<String> lines, String name, String label) {
    long[] v = find(lines, name, new String[] {label}, true);
    if (v == null) throw new ReportException(name + ": no '" + label + "' row");
    return v;
  }

  /**
   * The first table row whose label is one of {@code labels}, as {used, available}; with
   * {@code halves} each value is doubled (tiles of two BRAM18, which may be counted in halves).
   */
  private static long[] find(List<String> lines, String name, String[] labels, boolean halves) {
    int used = -1, avail = -1;
    for (String l : lines) {
      if (!l.startsWith("|")) continue;
      String[] cells = l.split("\\|", -1);
      // cells[0] is "" before the first bar
      if (cells.length > 2 && cells[1].trim().equals("Site Type")) {
        used = avail = -1;
        for (int i = 2; i < cells.length; i++) {
          String c = cells[i].trim();
          if (c.equals("Used")) used = i;
          if (c.equals("Available")) avail = i;
        }
        continue;
      }
      if (cells.length < 3) continue;
      String label = cells[1].trim();
      for (String want : labels) {
        if (!label.equals(want)) continue;
        if (used < 0 || avail < 0 || used >= cells.length || avail >= cells.length) {
          throw new ReportException(name + ": the '" + want + "' row is not under a table header with Used and Available");
        }
        return new long[] {value(cells[used], name, want, "Used", halves), value(cells[avail], name, want, "Available", halves)};
      }
    }
    return null;
  }

  private static long value(String cell, String name, String row, String column, boolean halves) {
    String t = cell.trim();
    try {
      if (halves) {
        double d = Double.parseDouble(t) * 2;
        if (d != Math.rint(d) || d < 0) throw new NumberFormatException();
        return (long) d;
      }
      long v = Long.parseLong(t);
      if (v < 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new ReportException(name + ": '" + row + "' " + column + " is '" + t + "', not a " + (halves ? "tile count" : "count"));
    }
  }
}
