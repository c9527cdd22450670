package org.cnnhls.engine.dataflow;

/**
 * Pipeline depths the dataflow kernels are costed with (templates' cnnhls/dataflow/*.h). They are
 * assumptions, not synthesis results (no Vitis here): a report that says otherwise changes them.
 * Every kernel loop is II=1.
 */
public final class DataflowLatencies {
  private DataflowLatencies() {}

  /** Stream read (or pad zero) into a line buffer or input buffer, one SIMD word per iteration. */
  public static final int STORE_DEPTH = 2;
  /** The I/O adapters: one value per cycle between the AXI stream and the pixel stream. */
  public static final int IO_DEPTH = 2;
  /** The max-pool row accumulator: read, compare, write back. */
  public static final int POOL_DEPTH = 3;
  /** MAC loop: weight ROM read and operand registers (2), multiply (3), accumulate (1), requantize and activation (3). */
  public static final int MAC_BASE_DEPTH = 9;

  /** MAC loop depth with the SIMD products summed by an adder tree of ceil(log2 SIMD) levels. */
  public static int macDepth(int simd) {
    return MAC_BASE_DEPTH + (32 - Integer.numberOfLeadingZeros(Math.max(1, simd) - 1));
  }
}
