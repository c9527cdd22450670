package org.cnnhls.engine;

/**
 * Timing of one engine layer: total cycles, the cycles the MAC array (or vector unit) computes,
 * the cycles DDR is busy, and stall = total - compute (waiting on memory or pipeline fill).
 */
public record LayerTiming(String node, String op, long macs, long cycles, long computeCycles, long memoryCycles,
    long ddrBytes, long tiles) {

  public long stallCycles() {
    return cycles - computeCycles;
  }

  /** Compute-bound when the array is busy at least as long as DDR is. */
  public boolean computeBound() {
    return computeCycles >= memoryCycles;
  }
}
