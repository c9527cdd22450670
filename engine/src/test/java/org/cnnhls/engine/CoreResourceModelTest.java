package org.cnnhls.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cnnhls.boards.Board;
import org.junit.jupiter.api.Test;

/**
 * The core resource model against every Yosys synthesis in rtl/bench/resources.csv (packed cores):
 * DSP and FF within 15%, LUT (logic + LUTRAM) within 25%, the targets of the RTL issue. Prints the
 * error per size.
 */
class CoreResourceModelTest {
  @Test
  void coreModelMatchesYosysPerSize() throws IOException {
    List<String> rows = Files.readAllLines(Path.of("../rtl/bench/resources.csv"));
    String[] head = rows.get(0).split(",");
    int fConfig = idx(head, "config"), fFamily = idx(head, "family"), fTm = idx(head, "tm"), fTn = idx(head, "tn");
    int fBits = idx(head, "bits"), fDsp = idx(head, "dsp"), fLut = idx(head, "lut"), fLutram = idx(head, "lutram");
    int fFf = idx(head, "ff");
    int checked = 0;
    for (String row : rows.subList(1, rows.size())) {
      String[] c = row.split(",");
      if (c[fConfig].contains("unpacked")) continue; // the model describes the packed core the generator emits
      Board.Family family = c[fFamily].equals("xc7") ? Board.Family.ZYNQ_7000 : Board.Family.ZYNQ_ULTRASCALE_PLUS;
      ResourceModel.Estimate e = CoreResourceModel.estimate(Integer.parseInt(c[fTm]), Integer.parseInt(c[fTn]),
          Integer.parseInt(c[fBits]), family);
      int dsp = Integer.parseInt(c[fDsp]), lut = Integer.parseInt(c[fLut]) + Integer.parseInt(c[fLutram]);
      int ff = Integer.parseInt(c[fFf]);
      double eDsp = err(e.dsp(), dsp), eLut = err(e.lut(), lut), eFf = err(e.ff(), ff);
      System.out.printf(Locale.ROOT, "core model vs Yosys %-14s DSP %4d/%4d %+6.1f%%  LUT %6d/%6d %+6.1f%%  FF %6d/%6d %+6.1f%%%n",
          c[fConfig], e.dsp(), dsp, eDsp, e.lut(), lut, eLut, e.ff(), ff, eFf);
      assertTrue(Math.abs(eDsp) <= 15 && Math.abs(eFf) <= 15 && Math.abs(eLut) <= 25, "off target for " + c[fConfig]);
      checked++;
    }
    assertTrue(checked >= 6, "too few syntheses in resources.csv");
  }

  static double err(double model, double actual) {
    return 100 * (model - actual) / actual;
  }

  static int idx(String[] head, String name) {
    for (int i = 0; i < head.length; i++) if (head[i].equals(name)) return i;
    throw new IllegalStateException("resources.csv has no column " + name);
  }
}
