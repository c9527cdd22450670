package org.cnnhls.boards;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a parsed {@link Board} for sane values; returns every problem found, each naming its field. */
final class BoardValidator {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  private BoardValidator() {}

  static List<String> problems(Board b) {
    List<String> p = new ArrayList<>();
    if (!NAME.matcher(b.name()).matches()) {
      p.add("name '" + b.name() + "' must be lower case letters, digits, '-' or '_'");
    }
    for (String a : b.aliases()) {
      if (a == null || !NAME.matcher(a).matches()) {
        p.add("alias '" + a + "' must be lower case letters, digits, '-' or '_'");
      } else if (a.equals(b.name())) {
        p.add("alias '" + a + "' repeats the board name");
      }
    }
    if (b.aliases().stream().distinct().count() != b.aliases().size()) p.add("aliases repeat a name");
    notBlank(p, "description", b.description());
    notBlank(p, "part", b.part());
    notBlank(p, "boardPart", b.boardPart());
    notBlank(p, "psPreset", b.psPreset());
    if (!b.family().psIp().equals(b.psIp())) {
      p.add("psIp must be '" + b.family().psIp() + "' for family " + b.family().id() + " (got '" + b.psIp() + "')");
    }

    Board.Resources r = b.resources();
    positive(p, "resources.dsp", r.dsp());
    positive(p, "resources.bram18", r.bram18());
    nonNegative(p, "resources.uram", r.uram());
    positive(p, "resources.lut", r.lut());
    positive(p, "resources.ff", r.ff());

    Board.Ddr d = b.ddr();
    notBlank(p, "ddr.type", d.type());
    positive(p, "ddr.widthBits", d.widthBits());
    if (d.widthBits() > 0 && d.widthBits() % 8 != 0) p.add("ddr.widthBits must be a multiple of 8 (got " + d.widthBits() + ")");
    positive(p, "ddr.megaTransfersPerSecond", d.megaTransfersPerSecond());
    fraction(p, "ddr.efficiency", d.efficiency());

    Board.HpPorts hp = b.hpPorts();
    positive(p, "hpPorts.count", hp.count());
    int w = hp.widthBits();
    if (w != 32 && w != 64 && w != 128) {
      p.add("hpPorts.widthBits must be 32, 64 or 128 (got " + w + ")");
    } else if (w > b.family().maxHpPortWidthBits()) {
      p.add("hpPorts.widthBits must be at most " + b.family().maxHpPortWidthBits() + " for family "
          + b.family().id() + " (got " + w + ")");
    }

    Board.Clock c = b.clock();
    positive(p, "clock.defaultMHz", c.defaultMHz());
    positive(p, "clock.maxMHz", c.maxMHz());
    if (c.defaultMHz() > c.maxMHz()) {
      p.add("clock.defaultMHz (" + fmt(c.defaultMHz()) + ") must not exceed clock.maxMHz (" + fmt(c.maxMHz()) + ")");
    }

    Board.UtilizationCaps u = b.utilizationCaps();
    fraction(p, "utilizationCaps.dsp", u.dsp());
    fraction(p, "utilizationCaps.bram", u.bram());
    fraction(p, "utilizationCaps.lut", u.lut());
    fraction(p, "utilizationCaps.ff", u.ff());
    fraction(p, "utilizationCaps.uram", u.uram());
    return p;
  }

  private static void notBlank(List<String> p, String field, String v) {
    if (v.isBlank()) p.add(field + " must not be blank");
  }

  private static void positive(List<String> p, String field, double v) {
    if (!(v > 0) || Double.isInfinite(v)) p.add(field + " must be > 0 (got " + fmt(v) + ")");
  }

  private static void nonNegative(List<String> p, String field, long v) {
    if (v < 0) p.add(field + " must be >= 0 (got " + v + ")");
  }

  private static void fraction(List<String> p, String field, double v) {
    if (!(v > 0 && v <= 1)) p.add(field + " must be in (0, 1] (got " + fmt(v) + ")");
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
