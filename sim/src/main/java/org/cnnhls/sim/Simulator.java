package org.cnnhls.sim;

import org.cnnhls.codegen.DdrModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cnnhls.codegen.EngineProgram;
import org.cnnhls.codegen.HardwareConfig;
import org.cnnhls.codegen.LayerDescriptor;

/**
 * Cycle-approximate timing of an engine program on a hardware configuration. Each descriptor goes
 * to the component that runs it; the components own their cost models.
 */
public final class Simulator {
  private Simulator() {}

  private static final ComponentModel CONV = new ConvEngineModel(), GEMM = new GemmEngineModel(),
      VECTOR = new VectorUnitModel(), POOL = new PoolingUnitModel();

  /** Which component runs each engine op. */
  static final Map<Integer, ComponentModel> COMPONENTS = Map.of(
      LayerDescriptor.OP_CONV, CONV, LayerDescriptor.OP_GEMM, GEMM,
      LayerDescriptor.OP_ADD, VECTOR, LayerDescriptor.OP_ACT, VECTOR, LayerDescriptor.OP_COPY, VECTOR,
      LayerDescriptor.OP_MAXPOOL, POOL, LayerDescriptor.OP_AVGPOOL, POOL, LayerDescriptor.OP_GAVGPOOL, POOL,
      LayerDescriptor.OP_GMAXPOOL, POOL);

  public static SimResult simulate(EngineProgram p, HardwareConfig hw) {
    DdrModel ddr = DdrModel.of(hw);
    int actBytes = EngineProgram.storageBytes(p.actWidth()), wgtBytes = EngineProgram.storageBytes(p.wgtWidth());
    List<LayerTiming> layers = new ArrayList<>(p.layers().size());
    org.cnnhls.codegen.EngineLimits limits = org.cnnhls.codegen.EngineLimits.of(p);
    for (int i = 0; i < p.layers().size(); i++) {
      LayerDescriptor d = p.layers().get(i);
      layers.add(COMPONENTS.get(d.op()).time(p.layerNodes().get(i), d, hw, ddr, actBytes, wgtBytes, limits));
    }
    boolean packed = p.actWidth() <= 8 && p.wgtWidth() <= 8;
    return new SimResult(layers, hw, packed);
  }
}
