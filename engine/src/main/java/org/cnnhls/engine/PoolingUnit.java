package org.cnnhls.engine;

/**
 * Standalone pooling (max, average, global): Tm channels in parallel, one window element per
 * cycle; input read and output written over the shared DDR, overlapped with the compute.
 */
public final class PoolingUnit implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.MAXPOOL, EngineOp.AVGPOOL, EngineOp.GAVGPOOL, EngineOp.GMAXPOOL);
  }

  /** Two line buffers of the widest row. */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    return new ResourceModel.Part(0, 2L * ResourceModel.bram18(limits.maxW(), hw.actWidth()), 0, 0, 0);
  }

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth());
    boolean global = d.op() == LayerDescriptor.OP_GAVGPOOL || d.op() == LayerDescriptor.OP_GMAXPOOL;
    long window = global ? (long) d.inH() * d.inW() : (long) d.kH() * d.kW();
    long channelSteps = (d.inC() + hw.tm() - 1) / hw.tm();
    long compute = channelSteps * d.outH() * d.outW() * window;
    long bytes = ((long) d.inC() * d.inH() * d.inW() + d.outSize()) * actBytes;
    long memory = ddr.transfer(bytes);
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + Math.max(compute, memory), compute, memory, bytes, 1);
  }
}
