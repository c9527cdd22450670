package org.cnnhls.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.boards.ModelCalibration;
import org.cnnhls.engine.CoreResourceModel;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.EngineLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The refit recovers known coefficients from exact data, keeps them non-negative when the best
 * unconstrained fit is not, falls back to one factor when the points cannot fix three, and what it
 * writes changes the estimates of compile and dse by exactly the fitted amounts.
 */
class ModelFitTest {

  static List<ModelFit.CorePoint> points(double[] lut, double[] ff, int[][] shapes, double noise, long seed) {
    Random r = new Random(seed);
    List<ModelFit.CorePoint> out = new ArrayList<>();
    for (int[] s : shapes) {
      int macs = s[0] * s[1];
      out.add(new ModelFit.CorePoint("t", s[0], s[1], 16, Board.Family.ZYNQ_ULTRASCALE_PLUS,
          lut[0] * macs + lut[1] * s[0] + lut[2] + noise * r.nextGaussian(), ff[0] * macs + ff[1] * s[0] + ff[2] + noise * r.nextGaussian()));
    }
    return out;
  }

  static final int[][] SHAPES = {{2, 2}, {4, 2}, {4, 4}, {8, 2}, {8, 4}, {16, 4}, {6, 2}};

  @Test
  void exactDataGivesBackItsCoefficients() {
    double[] lut = {40.0, 300.0, 500.0}, ff = {30.0, 120.0, 200.0};
    List<ModelFit.CorePoint> pts = points(lut, ff, SHAPES, 0, 1);
    assertArrayEquals(lut, ModelFit.fitCore(pts, "lut", 16), 1e-6);
    assertArrayEquals(ff, ModelFit.fitCore(pts, "ff", 16), 1e-6);
  }

  @Test
  void coefficientsStayNonNegative() {
    // a negative fixed term fits this data best without bounds; the bounded fit drops it to 0
    double[] lut = {40.0, 300.0, -900.0};
    List<ModelFit.CorePoint> pts = points(lut, lut, SHAPES, 0, 1);
    double[] c = ModelFit.fitCore(pts, "lut", 16);
    for (double v : c) assertTrue(v >= 0, java.util.Arrays.toString(c));
    assertEquals(0, c[2], 1e-9);
    // and it is the best such fit: no grid point with c >= 0 does better
    double best = sse(pts, c);
    for (double a = 30; a <= 60; a += 0.5) {
      for (double b = 0; b <= 400; b += 5) assertTrue(sse(pts, new double[] {a, b, 0}) >= best - 1e-6);
    }
  }

  static double sse(List<ModelFit.CorePoint> pts, double[] c) {
    double s = 0;
    for (ModelFit.CorePoint p : pts) {
      double d = p.lut() - (c[0] * p.tm() * p.tn() + c[1] * p.tm() + c[2]);
      s += d * d;
    }
    return s;
  }

  @Test
  void onePointScalesTheBuiltInCoefficients() {
    double[] base = CoreResourceModel.coefficients("lut", 16);
    double modeled = base[0] * 16 + base[1] * 4 + base[2];
    List<ModelFit.CorePoint> one = List.of(new ModelFit.CorePoint("t", 4, 4, 16, Board.Family.ZYNQ_ULTRASCALE_PLUS, 1.5 * modeled, 0));
    double[] c = ModelFit.fitCore(one, "lut", 16);
    for (int i = 0; i < 3; i++) assertEquals(1.5 * base[i], c[i], 1e-9);
  }

  @Test
  void aCalibrationFileChangesTheEstimatesByItsFactors(@TempDir Path tmp) throws Exception {
    ModelCalibration cal = new ModelCalibration("test", Map.of("lut16", List.of(50.0, 400.0, 1000.0)), Map.of("lut", 1.25, "dsp", 1.0));
    Path f = tmp.resolve("cal.json");
    Files.writeString(f, cal.toJson());
    assertEquals(cal, ModelCalibration.read(f));
    // the text does not depend on the maps' order (sorted keys)
    java.util.LinkedHashMap<String, List<Double>> lutFirst = new java.util.LinkedHashMap<>(), ffFirst = new java.util.LinkedHashMap<>();
    lutFirst.put("lut16", List.of(1.0, 2.0, 3.0));
    lutFirst.put("ff16", List.of(4.0, 5.0, 6.0));
    ffFirst.put("ff16", List.of(4.0, 5.0, 6.0));
    ffFirst.put("lut16", List.of(1.0, 2.0, 3.0));
    assertEquals(new ModelCalibration("s", lutFirst, Map.of()).toJson(), new ModelCalibration("s", ffFirst, Map.of()).toJson());
    Board b = BoardCatalog.byName("ultra96");
    HardwareConfig plain = HardwareConfig.defaults(b, 16);
    HardwareConfig calibrated = new HardwareConfig(b.withModelCalibration(cal), plain.tm(), plain.tn(), plain.tr(), plain.tc(),
        plain.axiDataWidth(), plain.clockMHz(), plain.winograd(), plain.actWidth(), plain.wgtWidth());
    EngineLimits limits = EngineLimits.nominal(16, 16);
    Fit p = Fit.of(plain, limits), c = Fit.of(calibrated, limits);
    assertEquals(p.estimate().dsp(), c.estimate().dsp());
    assertEquals(p.estimate().bram18(), c.estimate().bram18());
    int tm = plain.tm(), macs = tm * plain.tn();
    double[] base = CoreResourceModel.coefficients("lut", 16);
    long coreDelta = Math.round(50.0 * macs + 400.0 * tm + 1000.0) - Math.round(base[0] * macs + base[1] * tm + base[2]);
    assertEquals(Math.round((p.estimate().lut() + coreDelta) * 1.25), c.estimate().lut(), 1.0);
    // a bad file is one line naming it
    Files.writeString(tmp.resolve("bad.json"), "{\"source\":\"x\",\"core\":{\"lut9\":[1,2,3]},\"engineScale\":{}}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCalibration.read(tmp.resolve("bad.json")));
    assertTrue(e.getMessage().contains("bad.json") && e.getMessage().contains("lut9"), e.getMessage());
    Files.writeString(tmp.resolve("scale.json"), "{\"source\":\"x\",\"core\":{},\"engineScale\":{\"lut\":50}}");
    e = assertThrows(IllegalArgumentException.class, () -> ModelCalibration.read(tmp.resolve("scale.json")));
    assertTrue(e.getMessage().contains("engineScale.lut"), e.getMessage());
  }
}
