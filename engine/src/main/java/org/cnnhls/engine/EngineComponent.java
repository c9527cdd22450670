package org.cnnhls.engine;

import java.util.List;

/**
 * One component of the overlay engine (FINN's HWCustomOp is the model): the IR nodes it lowers and
 * the descriptor ops it runs, its cost model (cycles of one descriptor, as its kernel in cnnhls_engine.h runs it) and its share
 * of the engine's resources. The simulator times a program through {@link #of}; the resource model
 * sums {@link #resources} over {@link #ALL}. A new engine op is a new component here, plus its
 * kernel, its SystemC schedule and its descriptor op code.
 */
public sealed interface EngineComponent permits ConvEngine, GemmEngine, VectorUnit, PoolingUnit {

  /** The descriptor ops this component runs. */
  List<EngineOp> ops();

  /** Whether this component runs IR node {@code n} (of graph {@code g}). */
  boolean lowers(org.cnnhls.ir.Node n, org.cnnhls.ir.Graph g);

  /** Appends node {@code n}'s descriptors (and its parameters, memory regions) to the program {@code l} is lowering. */
  void lower(org.cnnhls.ir.Node n, Lowering l);

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

  /** The component that lowers node {@code n}; {@link Lowering#checkMappable} has refused nodes none lowers. */
  static EngineComponent lowering(org.cnnhls.ir.Node n, org.cnnhls.ir.Graph g) {
    for (EngineComponent c : ALL) if (c.lowers(n, g)) return c;
    throw new IllegalArgumentException("no engine component lowers node " + n.name());
  }

  static EngineComponent of(int opCode) {
    return of(EngineOp.of(opCode));
  }
}
