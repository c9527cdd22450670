package org.cnnhls.engine;

/**
 * The buffer limits the engine is sized for, derived from the model (cnnhls_engine.h's defaults are
 * raised to fit it). The conv input tile is (Tr-1)*maxStride + (maxK-1)*maxDilation + 1 rows.
 * {@code leaky}: the engine is built with its LeakyReLU multipliers (CNNHLS_LEAKY), because some
 * layer needs them; {@code actTables}: with the table-activation unit (CNNHLS_ACT_TABLES), because
 * some layer is a table activation (issue 14); {@code mulUnit}, {@code resizeUnit}: with the
 * element-wise Mul (CNNHLS_MUL) and the Resize unit (CNNHLS_RESIZE), because some layer is one.
 * Only {@link #of} turns the last two off: a configuration checked without a model keeps them.
 */
public record EngineLimits(int maxK, int maxStride, int maxDilation, int maxFcIn, int maxW, int maxPoolWin, int accWidth,
    int multWidth, boolean leaky, boolean actTables, boolean mulUnit, boolean resizeUnit) {

  /** With the Mul and Resize units (what an engine built before the model is known must hold). */
  public EngineLimits(int maxK, int maxStride, int maxDilation, int maxFcIn, int maxW, int maxPoolWin, int accWidth,
      int multWidth, boolean leaky, boolean actTables) {
    this(maxK, maxStride, maxDilation, maxFcIn, maxW, maxPoolWin, accWidth, multWidth, leaky, actTables, true, true);
  }

  /** Without table activations (CNNHLS_ACT_TABLES 0). */
  public EngineLimits(int maxK, int maxStride, int maxDilation, int maxFcIn, int maxW, int maxPoolWin, int accWidth,
      int multWidth, boolean leaky) {
    this(maxK, maxStride, maxDilation, maxFcIn, maxW, maxPoolWin, accWidth, multWidth, leaky, false);
  }

  /**
   * Channels of the element-wise Mul's on-chip factor buffer (CNNHLS_MUL_MAX_C, tied by
   * CppContractTest): a per-channel Mul with more channels is refused by name at lowering (issue 14).
   */
  public static final int MUL_MAX_C = 2048;

  /** Limits of an engine with LeakyReLU support (the conservative choice when the model is not known). */
  public EngineLimits(int maxK, int maxStride, int maxDilation, int maxFcIn, int maxW, int maxPoolWin, int accWidth, int multWidth) {
    this(maxK, maxStride, maxDilation, maxFcIn, maxW, maxPoolWin, accWidth, multWidth, true);
  }

  public static EngineLimits of(EngineProgram p) {
    int maxK = 1, maxStride = 1, maxDil = 1, maxFcIn = 1, maxW = 1, maxPoolWin = 1;
    boolean leaky = false, tables = false, mul = false, resize = false;
    for (LayerDescriptor d : p.layers()) {
      leaky |= d.leaky() == 1;
      tables |= d.actKind() != 0;
      mul |= d.engineOp() == EngineOp.MUL;
      resize |= d.engineOp() == EngineOp.RESIZE;
      maxW = Math.max(maxW, Math.max(d.inW(), d.outW()));
      switch (d.engineOp()) {
        case CONV -> {
          maxK = Math.max(maxK, Math.max(d.kH(), d.kW()));
          maxStride = Math.max(maxStride, Math.max(d.sH(), d.sW()));
          maxDil = Math.max(maxDil, Math.max(d.dH(), d.dW()));
        }
        case GEMM -> maxFcIn = Math.max(maxFcIn, d.inC());
        case AVGPOOL -> maxPoolWin = Math.max(maxPoolWin, d.kH() * d.kW());
        case RESIZE -> maxW = Math.max(maxW, d.outH()); // its row table is MAX_W long
        default -> { }
      }
    }
    return new EngineLimits(Math.max(maxK, 3), Math.max(maxStride, 2), maxDil, Math.max(maxFcIn, 16), Math.max(maxW, 16),
        Math.max(maxPoolWin, 4), Math.max(p.accWidth(), 2), Math.max(p.multWidth(), 1), leaky, tables, mul, resize);
  }

  /**
   * Limits for a configuration checked before a model is known (3x3 windows, stride 2, 4096-long
   * FC input), with the accumulator and multiplier widths of the 16-bit preset (power-of-two
   * scaling) or the 8-bit preset (15-bit per-channel multipliers).
   */
  public static EngineLimits nominal(int actWidth, int wgtWidth) {
    int acc = actWidth + wgtWidth + 13 + 1;
    return new EngineLimits(3, 2, 1, 4096, 224, 49, acc, wgtWidth <= 8 ? 15 : 1);
  }

  /** These limits with the accumulator and multiplier widths of a quantized model. */
  public EngineLimits withWidths(int acc, int mult) {
    return new EngineLimits(maxK, maxStride, maxDilation, maxFcIn, maxW, maxPoolWin, Math.max(acc, 2), Math.max(mult, 1), leaky, actTables,
        mulUnit, resizeUnit);
  }

  public int inputTileRows(HardwareConfig hw) {
    return (hw.tr() - 1) * maxStride + (maxK - 1) * maxDilation + 1;
  }

  public int inputTileCols(HardwareConfig hw) {
    return (hw.tc() - 1) * maxStride + (maxK - 1) * maxDilation + 1;
  }
}
