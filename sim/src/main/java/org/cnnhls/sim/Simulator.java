package org.cnnhls.sim;

import org.cnnhls.engine.EngineComponent;
import org.cnnhls.engine.ConvEngine;
import org.cnnhls.engine.GemmEngine;
import org.cnnhls.engine.VectorUnit;
import org.cnnhls.engine.PoolingUnit;
import org.cnnhls.engine.LayerTiming;
import org.cnnhls.engine.DdrModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnnhls.engine.EngineProgram;
import org.cnnhls.engine.HardwareConfig;
import org.cnnhls.engine.LayerDescriptor;

/**
 * Cycle-approximate timing of an engine program on a hardware configuration. Each descriptor goes
 * to the component that runs it; the components own their cost models.
 */
public final class Simulator {
  private Simulator() {}

  private static final EngineComponent CONV = new ConvEngine(), GEMM = new GemmEngine(),
      VECTOR = new VectorUnit(), POOL = new PoolingUnit();

  /** Which component runs each engine op. */
  static final Map<Integer, EngineComponent> COMPONENTS = Map.of(
      LayerDescriptor.OP_CONV, CONV, LayerDescriptor.OP_GEMM, GEMM,
      LayerDescriptor.OP_ADD, VECTOR, LayerDescriptor.OP_ACT, VECTOR, LayerDescriptor.OP_COPY, VECTOR,
      LayerDescriptor.OP_MAXPOOL, POOL, LayerDescriptor.OP_AVGPOOL, POOL, LayerDescriptor.OP_GAVGPOOL, POOL,
      LayerDescriptor.OP_GMAXPOOL, POOL);

  public static SimResult simulate(EngineProgram p, HardwareConfig hw) {
    DdrModel ddr = DdrModel.of(hw);
    int actBytes = EngineProgram.storageBytes(p.actWidth()), wgtBytes = EngineProgram.storageBytes(p.wgtWidth());
    List<LayerTiming> layers = new ArrayList<>(p.layers().size());
    org.cnnhls.engine.EngineLimits limits = org.cnnhls.engine.EngineLimits.of(p);
    for (int i = 0; i < p.layers().size(); i++) {
      LayerDescriptor d = p.layers().get(i);
      layers.add(COMPONENTS.get(d.op()).time(p.layerNodes().get(i), d, hw, ddr, actBytes, wgtBytes, limits));
    }
    boolean packed = p.actWidth() <= 8 && p.wgtWidth() <= 8;
    return new SimResult(layers, hw, packed);
  }
}
