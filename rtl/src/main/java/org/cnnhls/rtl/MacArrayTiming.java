package org.cnnhls.rtl;

/**
 * Cycle model of the RTL MAC array core (rtl/, {@code cnnhls_mac_array}); the Verilator test
 * checks it cycle-exactly against the generated Verilog.
 *
 * <p>A run computes {@code outBeats} output beats of Tm channels; each takes {@code kSteps} paired
 * input beats (Tn activations with Tm x Tn weights), one per cycle. With both input streams valid
 * and the output ready on every cycle, counted from the cycle {@code start} is high (cycle 0) to
 * the cycle {@code done} is high:
 *
 * <pre>
 *   cycles = outBeats * kSteps + latency + 1            (kSteps, outBeats >= 1)
 *   cycles = 1                                          (kSteps = 0 or outBeats = 0)
 * </pre>
 *
 * The start cycle (0) is when the core leaves idle; input beats handshake in cycles 1 ..
 * outBeats * kSteps, one per cycle; the last beat's output is valid {@code latency} cycles after
 * its handshake ({@link #PIPELINE_LATENCY} = 5 for the generated core: product, adder-tree,
 * accumulator, acc x M and output-queue registers) and is accepted in that cycle; {@code done} is
 * registered, one cycle later. Tm and Tn do not appear: the array's width sets how many steps a
 * layer needs ({@link #kSteps}), not the time per step. Each cycle without an input handshake
 * (a stream not valid) before the last one adds a cycle; output back-pressure adds cycles once the
 * core's output queue ({@code latency + 1} beats) is full. Back-to-back runs may start in the
 * cycle {@code done} is high, so a layer is the sum of its runs.
 */
public final class MacArrayTiming {
  private MacArrayTiming() {}

  /** Cycles from a beat's last input handshake to its output being valid (rtl MacArray.Latency). */
  public static final int PIPELINE_LATENCY = 5;

  /**
   * Cycles of one run, from {@code start} to {@code done}, with unstalled streams.
   *
   * @param tm output channels of the array (does not change the count; kept for the call sites)
   * @param tn input channels of the array (likewise)
   * @param kSteps input beats per output beat
   * @param outBeats output beats in the run
   * @param pipelineLatency the core's pipeline latency, {@link #PIPELINE_LATENCY} for the generated core
   */
  public static long tileCycles(int tm, int tn, long kSteps, long outBeats, int pipelineLatency) {
    if (tm < 1 || tn < 1 || kSteps < 0 || outBeats < 0 || pipelineLatency < 0) {
      throw new IllegalArgumentException("bad tile: tm=" + tm + " tn=" + tn + " k=" + kSteps + " beats=" + outBeats
          + " latency=" + pipelineLatency);
    }
    if (kSteps == 0 || outBeats == 0) return 1;
    return Math.multiplyExact(outBeats, kSteps) + pipelineLatency + 1;
  }

  /** {@link #tileCycles} with the generated core's latency. */
  public static long tileCycles(int tm, int tn, long kSteps, long outBeats) {
    return tileCycles(tm, tn, kSteps, outBeats, PIPELINE_LATENCY);
  }

  /** Input beats per output pixel of a convolution: ceil(cin / tn) channel groups x kh x kw window taps. */
  public static long kSteps(int cin, int tn, int kh, int kw) {
    return (long) ((cin + tn - 1) / tn) * kh * kw;
  }

  /**
   * Cycles of a whole convolution on the core alone (no memory time): ceil(cout / tm) runs of
   * {@code oh * ow} output beats each.
   */
  public static long convCycles(int tm, int tn, int cin, int cout, int kh, int kw, int oh, int ow) {
    long runs = (cout + tm - 1) / tm;
    return runs * tileCycles(tm, tn, kSteps(cin, tn, kh, kw), (long) oh * ow);
  }
}
