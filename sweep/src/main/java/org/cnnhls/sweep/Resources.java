package org.cnnhls.sweep;

import java.util.LinkedHashMap;
import java.util.Map;

/** FPGA resource counts as the tools report them; BRAM in 18 Kb blocks. URAM is -1 where the report has none. */
public record Resources(long lut, long ff, long bram18, long dsp, long uram) {
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("lut", lut);
    m.put("ff", ff);
    m.put("bram18", bram18);
    m.put("dsp", dsp);
    if (uram >= 0) m.put("uram", uram);
    return m;
  }
}
