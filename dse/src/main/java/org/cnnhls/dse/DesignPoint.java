package org.cnnhls.dse;

import org.cnnhls.engine.HardwareConfig;

/** One candidate: a hardware configuration at a precision (16 or 8 bit storage). */
public record DesignPoint(HardwareConfig hw, int precision) {
  public String label() {
    return String.format(java.util.Locale.ROOT, "%dx%d tiles %dx%d axi%d %dbit %.0fMHz%s", hw.tm(), hw.tn(), hw.tr(), hw.tc(),
        hw.axiDataWidth(), precision, hw.clockMHz(), hw.winograd() ? " winograd" : "");
  }
}
