package org.cnnhls.dse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cnnhls.boards.Board;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.codegen.HardwareConfig;
import org.cnnhls.codegen.ResourceModel;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmarks of issue 6 (torchvision models with random weights from tools/export_torchvision.py).
 * On demand: {@code mvn -pl dse test -Dtest=DseBenchmark -Dcnnhls.excludedGroups=none}.
 */
@Tag("benchmark")
class DseBenchmark {
  static Graph model(String name) {
    Path p = Path.of("../build/models/" + name + ".onnx");
    assumeTrue(Files.exists(p), "no " + p + ": run /usr/bin/python3 tools/export_torchvision.py --all");
    return PassManager.defaultPipeline().run(OnnxImporter.load(p));
  }

  @Test
  void heuristicAgainstExhaustive() {
    System.out.println("BENCH model        board      exhaustive ms  heuristic ms    gap   exh. points  exh. s  pts/s (timed)   heur. points  heur. s");
    for (String m : List.of("resnet18", "mobilenet_v2", "vgg16")) {
      Graph g = model(m);
      for (String b : List.of("ultra96", "pynq-z2", "zcu104")) {
        DesignSpace space = DesignSpace.of(BoardCatalog.byName(b), new int[] {16, 8});
        Evaluator ev = new Evaluator(g);
        Explorer.Result ex = Explorer.exhaustive(space, ev, Objective.LATENCY);
        Explorer.Result sa = Explorer.anneal(space, new Evaluator(g), Objective.LATENCY, 1, 8, 4000);
        double gap = sa.best().latencySeconds() / ex.best().latencySeconds() - 1;
        System.out.printf(Locale.ROOT, "BENCH %-12s %-9s %13.3f %13.3f %6.2f%% %12d %7.2f %14.0f %14d %8.2f%n", m, b,
            ex.best().latencySeconds() * 1e3, sa.best().latencySeconds() * 1e3, 100 * gap, ex.evaluated(), ex.seconds(),
            ex.fitting().size() / ex.seconds(), sa.evaluated(), sa.seconds());
      }
    }
  }

  @Test
  void resourceModelAgainstPublishedDesigns() {
    // CNNA16 (the seed paper): 192 MACs at 16 bit on ZU3EG (Ultra96): 360 DSP, ~42.5k LUT, ~74k FF, 277 BRAM18
    Board u96 = BoardCatalog.byName("ultra96");
    HardwareConfig cnna = HardwareConfig.defaults(u96).withTiles(16, 12, 14, 14).withClock(172);
    ResourceModel.Estimate e = ResourceModel.estimate(cnna, 16, 16, ResourceModel.defaultLimits());
    System.out.printf(Locale.ROOT, "BENCH CNNA16 estimate vs published: DSP %d vs 360 (%+.0f%%), BRAM18 %d vs 277 (%+.0f%%), "
        + "LUT %d vs 42500 (%+.0f%%), FF %d vs 74000 (%+.0f%%)%n", e.dsp(), pct(e.dsp(), 360), e.bram18(), pct(e.bram18(), 277),
        e.lut(), pct(e.lut(), 42500), e.ff(), pct(e.ff(), 74000));
  }

  static double pct(double est, double pub) {
    return 100 * (est - pub) / pub;
  }
}
