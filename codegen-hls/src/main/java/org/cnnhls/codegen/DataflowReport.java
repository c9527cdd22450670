package org.cnnhls.codegen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.dataflow.DataflowPlan;
import org.cnnhls.engine.dataflow.DataflowStage;
import org.cnnhls.engine.dataflow.StageResources;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * A dataflow project's report (report.json as this record, report.md from it): per stage its op,
 * shapes, folding, modeled cycles and resources; the modeled interval, throughput and latency; the
 * totals against the board's caps; and, when the flow chose the architecture, why.
 */
public record DataflowReport(String model, String architecture, String board, String part, double clockMHz, String timingModel,
    String choice, long intervalCycles, double imagesPerSecond, long latencyCycles, double latencyMicroseconds, String slowestStage,
    List<Stage> stages, Totals totals) {

  public record Stage(int index, String name, String node, String op, String in, String out, int pe, int simd, long cycles,
      long fillCycles, int multipliers, int dsp, int bram18, int lut, int ff, long weightBits) {}

  public record Totals(int dsp, int dspCap, int bram18, int bram18Cap, int lut, int lutCap, int ff, int ffCap, long weightBits,
      boolean fits, String overflow) {}

  public static final String TIMING_MODEL = "modeled: each stage's pipelined loops (engine DataflowStage.loops, depth + II (trips - 1) each, "
      + "UG1399), checked against traced C-sim loop counts; interval = slowest stage; latency = sum of stage fills + slowest stage";

  public static DataflowReport of(String model, QuantizedGraph q, DataflowPlan plan, String choice) {
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < plan.stages().size(); i++) {
      DataflowStage s = plan.stages().get(i);
      StageResources r = s.resources();
      stages.add(new Stage(i, s.name(), s.node(), s.op(), s.in().toString(), s.out().toString(), s.pe(), s.simd(), s.cycles(), s.fillCycles(),
          r.multipliers(), r.dsp(), r.bram18(), r.lut(), r.ff(), r.weightBits()));
    }
    StageResources t = plan.resources();
    Board b = plan.board();
    var caps = b.utilizationCaps();
    Fit fit = plan.fit();
    Totals totals = new Totals(t.dsp(), Fit.cap(b.resources().dsp(), caps.dsp()), t.bram18(), Fit.cap(b.resources().bram18(), caps.bram()),
        t.lut(), Fit.cap(b.resources().lut(), caps.lut()), t.ff(), Fit.cap(b.resources().ff(), caps.ff()), t.weightBits(), fit.fits(), fit.overflow());
    return new DataflowReport(model, "dataflow", b.name(), b.part(), plan.clockMHz(), TIMING_MODEL, choice, plan.intervalCycles(),
        plan.imagesPerSecond(), plan.latencyCycles(), plan.latencySeconds() * 1e6, plan.slowest().name(), stages, totals);
  }

  /** Free text (a reason that may name model nodes) safe in Markdown: printable ASCII without | ` * < > @ \\, at most 400 characters. */
  public static String markdownText(String text) {
    StringBuilder sb = new StringBuilder();
    for (char ch : text.toCharArray()) sb.append(ch >= 32 && ch < 127 && "|`*<>@\\".indexOf(ch) < 0 ? ch : '_');
    return sb.length() > 400 ? sb.substring(0, 400) : sb.toString();
  }

  String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(CppNames.literal(model)).append(" on ").append(board).append(": dataflow accelerator\n\n");
    if (choice != null) sb.append("Architecture: ").append(markdownText(choice)).append("\n\n");
    sb.append(String.format(Locale.ROOT, "%s at %.1f MHz. Modeled: one image every %,d cycles (%,.0f images/s, slowest stage `%s`), "
        + "latency %,d cycles (%.2f us).%n%n", part, clockMHz, intervalCycles, imagesPerSecond, CppNames.literal(slowestStage), latencyCycles,
        latencyMicroseconds));
    sb.append("| # | stage | op | in | out | PE | SIMD | cycles | DSP | BRAM18 | LUT | FF | weight bits |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Stage s : stages) {
      sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %d | %d | %,d | %d | %d | %,d | %,d | %,d |%n", s.index(),
          CppNames.literal(s.name()), CppNames.literal(s.op()), s.in(), s.out(), s.pe(), s.simd(), s.cycles(), s.dsp(), s.bram18(), s.lut(), s.ff(),
          s.weightBits()));
    }
    sb.append(String.format(Locale.ROOT, "%nTotals (estimated, no synthesis): DSP %d / %d, BRAM18 %d / %d, LUT %,d / %,d, FF %,d / %,d "
        + "(caps); on-chip weights %,d bits.%s%n", totals.dsp(), totals.dspCap(), totals.bram18(), totals.bram18Cap(), totals.lut(),
        totals.lutCap(), totals.ff(), totals.ffCap(), totals.weightBits(), totals.fits() ? "" : " OVER THE CAPS: " + totals.overflow()));
    sb.append("\nTiming: ").append(timingModel).append(".\n");
    return sb.toString();
  }
}
