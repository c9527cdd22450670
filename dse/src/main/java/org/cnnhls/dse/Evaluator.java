package org.cnnhls.dse;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cnnhls.engine.EngineLimits;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.Lowering;
import org.cnnhls.ir.Graph;
import org.cnnhls.sim.SimResult;
import org.cnnhls.sim.Simulator;

/**
 * Scores design points on one model: the fit verdict ({@link Fit}, the one every command uses) and
 * latency from the cycle-approximate simulator. The lowered layer table depends only on the tile
 * shape and the precision, so it is cached across points; evaluation is thread-safe and its result
 * does not depend on the order points are evaluated in.
 *
 * <p>Without a quantized model the engine's accumulator and multiplier widths are the contract's
 * nominal ones for the precision; `compile` passes the widths of the quantized model instead, so
 * the search and the project it writes size the engine alike.
 */
public final class Evaluator {
  private final Graph graph;
  private final Widths widths;
  private final Map<String, EngineProgram> programs = new ConcurrentHashMap<>();
  private final Map<String, EngineLimits> limits = new ConcurrentHashMap<>();
  private final AtomicLong evaluated = new AtomicLong();

  /** Accumulator and requantize-multiplier widths of a quantized model, per precision (null: nominal). */
  @FunctionalInterface
  public interface Widths {
    /** {accWidth, multWidth} for a precision, or null to use the nominal ones. */
    int[] of(int precision);
  }

  public Evaluator(Graph graph) {
    this(graph, precision -> null);
  }

  public Evaluator(Graph graph, Widths widths) {
    this.graph = graph;
    this.widths = widths;
  }

  public long evaluated() {
    return evaluated.get();
  }

  /** The layer table the engine runs for this point's tiles and precision (timing only: no weights). */
  public EngineProgram program(HardwareConfig hw) {
    return programs.computeIfAbsent(key(hw), k -> Lowering.forTiming(graph, hw));
  }

  /** The buffer limits the engine of this point is built with (they follow the program, so cached with it). */
  public EngineLimits limits(HardwareConfig hw) {
    return limits.computeIfAbsent(key(hw), k -> {
      EngineLimits l = EngineLimits.of(program(hw));
      int[] w = widths.of(hw.precision());
      return w == null ? l : l.withWidths(w[0], w[1]);
    });
  }

  /** The layer table depends on the tiles only through which fused pools fit them, and on the precision. */
  private static String key(HardwareConfig hw) {
    return hw.tr() + "x" + hw.tc() + "/" + hw.actWidth() + "/" + hw.wgtWidth();
  }

  public Evaluation evaluate(DesignPoint p) {
    evaluated.incrementAndGet();
    HardwareConfig hw = p.hw();
    Fit fit = Fit.of(hw, limits(hw));
    if (!fit.fits()) return new Evaluation(p, Long.MAX_VALUE, Double.POSITIVE_INFINITY, 0, fit.estimate(), false);
    SimResult s = Simulator.simulate(program(hw), hw);
    return new Evaluation(p, s.totalCycles(), s.latencySeconds(), s.gops(), fit.estimate(), true);
  }
}
