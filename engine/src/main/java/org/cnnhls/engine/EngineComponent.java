package org.cnnhls.engine;

import java.util.List;

/**
 * One component of the overlay engine (FINN's HWCustomOp is the model): the descriptor ops it runs,
 * its cost model (cycles of one descriptor, as its kernel in cnnhls_engine.h runs it) and its share
 * of the engine's resources. The simulator times a program through {@link #of}; the resource model
 * sums {@link #resources} over {@link #ALL}. A new engine op is a new component here, plus its
 * kernel, its SystemC schedule and its descriptor op code.
 */
public sealed interface EngineComponent permits ConvEngine, GemmEngine, VectorUnit, PoolingUnit {

  /** The descriptor ops this component runs. */
  List<EngineOp> ops();

  /** Timing of one descriptor on this component, in an engine built with {@code limits}. */
  LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits);

  /** What this component adds to the engine: multipliers, buffers (BRAM18 and bank count), fabric. */
  ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits);

  /** Cycles to fetch a descriptor and start the engine, and to drain it at the end of a layer. */
  int LAYER_OVERHEAD = EngineLatencies.LAYER_OVERHEAD;

  /** Every component, in the order the resource model adds them. */
  List<EngineComponent> ALL = List.of(new ConvEngine(), new GemmEngine(), new VectorUnit(), new PoolingUnit());

  /** The component that runs descriptor op {@code op}. */
  static EngineComponent of(EngineOp op) {
    for (EngineComponent c : ALL) if (c.ops().contains(op)) return c;
    throw new IllegalArgumentException("no engine component runs " + op);
  }

  static EngineComponent of(int opCode) {
    return of(EngineOp.of(opCode));
  }
}
