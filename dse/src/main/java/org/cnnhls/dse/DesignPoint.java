package org.cnnhls.dse;

import org.cnnhls.engine.HardwareConfig;

/** One candidate: a hardware configuration, its precision included. */
public record DesignPoint(HardwareConfig hw) {
  public int precision() {
    return hw.precision();
  }

  public String label() {
    return hw.label();
  }
}
