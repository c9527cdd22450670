package org.cnnhls.sweep;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The steps a sweep task can run, in the order run.sh runs them. */
public enum Step {
  CSIM, SYSTEMC, CSYNTH, IMPL, YOSYS;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** "csim,systemc,csynth": refuses unknown or repeated names, keeps the canonical order. */
  public static Set<Step> parse(String list) {
    Set<Step> out = EnumSet.noneOf(Step.class);
    for (String s : list.split(",", -1)) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      Step step = null;
      for (Step x : values()) if (x.id().equals(t)) step = x;
      if (step == null) throw new IllegalArgumentException("unknown step '" + s.trim() + "' (csim, systemc, csynth, impl, yosys)");
      if (!out.add(step)) throw new IllegalArgumentException("step '" + t + "' given twice");
    }
    return out;
  }

  public static List<String> ids(Set<Step> steps) {
    List<String> out = new ArrayList<>();
    for (Step s : steps) out.add(s.id());
    return out;
  }
}
