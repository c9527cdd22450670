package org.cnnhls.dse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.cnnhls.boards.BoardCatalog;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.ResourceModel;
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
    System.out.println("BENCH design                     DSP est/pub      BRAM18 est/pub    LUT est/pub            FF est/pub");
    for (PublishedDesigns.Published d : PublishedDesigns.ALL) {
      ResourceModel.Estimate e = d.estimate();
      System.out.printf(Locale.ROOT, "BENCH %-25s %4d/%-4d %+4.0f%%  %4d/%-4d %+4.0f%%  %6d/%-6d %+4.0f%%  %6d/%-6d %+4.0f%%%n", d.name(),
          e.dsp(), d.dsp(), pct(e.dsp(), d.dsp()), e.bram18(), d.bram18(), pct(e.bram18(), d.bram18()), e.lut(), d.lut(),
          pct(e.lut(), d.lut()), e.ff(), d.ff(), pct(e.ff(), d.ff()));
    }
  }

  static double pct(double est, double pub) {
    return 100 * (est - pub) / pub;
  }
}
