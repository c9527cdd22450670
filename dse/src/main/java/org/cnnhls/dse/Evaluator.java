package org.cnnhls.dse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cnnhls.engine.EngineLimits;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.Lowering;
import org.cnnhls.engine.ResourceModel;
import org.cnnhls.ir.Graph;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.Simulator;

/**
 * Scores design points on one model: resources from {@link ResourceModel}, latency from the
 * cycle-approximate simulator. The lowered layer table depends only on the tile shape and the
 * precision, so it is cached across points; evaluation is thread-safe.
 */
public final class Evaluator {
  private final Graph graph;
  private final Map<String, EngineProgram> programs = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong evaluated = new java.util.concurrent.atomic.AtomicLong();

  public Evaluator(Graph graph) {
    this.graph = graph;
  }

  public long evaluated() {
    return evaluated.get();
  }

  public Evaluation evaluate(DesignPoint p) {
    evaluated.incrementAndGet();
    HardwareConfig hw = p.hw();
    // the layer table depends on the tiles only through which fused pools fit them
    String key = hw.tr() + "x" + hw.tc() + "/" + p.precision();
    EngineProgram prog = programs.computeIfAbsent(key, k -> Lowering.forTiming(graph, p.precision(), p.precision(), hw));
    ResourceModel.Estimate r = ResourceModel.estimate(hw, p.precision(), p.precision(), EngineLimits.of(prog));
    boolean fits = ResourceModel.fits(r, hw.board());
    if (!fits) return new Evaluation(p, Long.MAX_VALUE, Double.POSITIVE_INFINITY, 0, r, false);
    SimResult s = Simulator.simulate(prog, hw);
    return new Evaluation(p, s.totalCycles(), s.latencySeconds(), s.gops(), r, true);
  }
}
