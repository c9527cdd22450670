package org.cnnhls.engine;

/**
 * The buffer limits the engine is sized for, derived from the model (cnnhls_engine.h's defaults are
 * raised to fit it). The conv input tile is (Tr-1)*maxStride + (maxK-1)*maxDilation + 1 rows.
 */
public record EngineLimits(int maxK, int maxStride, int maxDilation, int maxFcIn, int maxW, int maxPoolWin, int accWidth,
    int multWidth) {

  public static EngineLimits of(EngineProgram p) {
    int maxK = 1, maxStride = 1, maxDil = 1, maxFcIn = 1, maxW = 1, maxPoolWin = 1;
    for (LayerDescriptor d : p.layers()) {
      maxW = Math.max(maxW, Math.max(d.inW(), d.outW()));
      switch (d.op()) {
        case LayerDescriptor.OP_CONV -> {
          maxK = Math.max(maxK, Math.max(d.kH(), d.kW()));
          maxStride = Math.max(maxStride, Math.max(d.sH(), d.sW()));
          maxDil = Math.max(maxDil, Math.max(d.dH(), d.dW()));
        }
        case LayerDescriptor.OP_GEMM -> maxFcIn = Math.max(maxFcIn, d.inC());
        case LayerDescriptor.OP_AVGPOOL -> maxPoolWin = Math.max(maxPoolWin, d.kH() * d.kW());
        default -> { }
      }
    }
    return new EngineLimits(Math.max(maxK, 3), Math.max(maxStride, 2), maxDil, Math.max(maxFcIn, 16), Math.max(maxW, 16),
        Math.max(maxPoolWin, 4), Math.max(p.accWidth(), 2), Math.max(p.multWidth(), 1));
  }

  public int inputTileRows(HardwareConfig hw) {
    return (hw.tr() - 1) * maxStride + (maxK - 1) * maxDilation + 1;
  }

  public int inputTileCols(HardwareConfig hw) {
    return (hw.tc() - 1) * maxStride + (maxK - 1) * maxDilation + 1;
  }
}
