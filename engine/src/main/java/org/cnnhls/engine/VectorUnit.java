package org.cnnhls.engine;

/**
 * Element-wise passes (residual Add, standalone activation, concat copy): one AXI beat of values per
 * cycle in and out; reads and writes share DDR, so the pass costs the larger of the lane compute
 * and the total traffic.
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

  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    int actBytes = EngineProgram.storageBytes(hw.actWidth());
    long n = (long) d.inC() * d.inH() * d.inW();
    int lanes = Math.max(1, ddr.axiBytes() / actBytes);
    long compute = (n + lanes - 1) / lanes;
    int reads = d.op() == LayerDescriptor.OP_ADD ? 2 : 1;
    long bytes = n * actBytes * (reads + 1);
    long memory = ddr.transfer(bytes);
    return new LayerTiming(node, d.opName(), 0, LAYER_OVERHEAD + Math.max(compute, memory), compute, memory, bytes, 1);
  }
}
