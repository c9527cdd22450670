package org.cnnhls.engine;

/**
 * Element-wise passes (residual Add, standalone activation, concat copy): one value per cycle per
 * DATAFLOW process (the feature-map port is one value wide), see {@link #time}.
 */
public final class VectorUnit implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.ADD, EngineOp.ACT, EngineOp.COPY);
  }

  /** Its adders and shifters are in the engine's fixed fabric cost; it has no buffers of its own. */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    return ResourceModel.Part.NONE;
  }

  /**
   * As add_layer/unary_layer run: chunks of {@link TraceCycles#EW_CHUNK} values, each a DATAFLOW
   * region of reads (both Add operands on the one feature-map port: one lane), compute and write,
   * one value per cycle per process; chunks follow each other.
   */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth());
    boolean add = d.op() == LayerDescriptor.OP_ADD;
    long n = add ? (long) d.outC() * d.outH() * d.outW() : (long) d.inC() * d.inH() * d.inW();
    long full = n / TraceCycles.EW_CHUNK, rest = n % TraceCycles.EW_CHUNK;
    long compute = full * chunk(TraceCycles.EW_CHUNK, add, hw, ddr) + (rest > 0 ? chunk(rest, add, hw, ddr) : 0);
    long bytes = n * actBytes * ((add ? 2 : 1) + 1);
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + compute, compute, compute, bytes, full + (rest > 0 ? 1 : 0));
  }

  static long chunk(long n, boolean add, HardwareConfig hw, DdrModel ddr) {
    String op = add ? "ew_add" : "ew_unary";
    long read = (add ? 2 : 1) * TraceCycles.loop("ew_read", n, n, hw, ddr);
    long[] lanes = {read, TraceCycles.loop(op, n, 0, hw, ddr), TraceCycles.loop("ew_write", n, n, hw, ddr)};
    int[] fills = {TraceCycles.depth("ew_read"), TraceCycles.depth(op), TraceCycles.depth("ew_write")};
    return TraceCycles.dataflow(lanes, fills);
  }
}
