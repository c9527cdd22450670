package org.cnnhls.engine;

/**
 * One row of the engine's layer table; mirrors {@code struct LayerDesc} in
 * templates/cnnhls/cnnhls_desc.h field for field, and the OP_* codes its enum OpKind (change both
 * together; CppContractTest compiles the header and compares).
 */
public record LayerDescriptor(
    int op,
    int inOff, int in2Off, int outOff,
    int inC, int inH, int inW,
    int outC, int outH, int outW,
    int convH, int convW,
    int kH, int kW, int sH, int sW,
    int padT, int padL, int padB, int padR,
    int dH, int dW, int groups,
    int wOff, int bOff, int qOff,
    int transB,
    int pool,
    int poolKH, int poolKW, int poolSH, int poolSW,
    int poolPadT, int poolPadL, int poolPadB, int poolPadR,
    int outWidth,
    int actLo, int actHi,
    int leaky, int leakM, int leakS,
    int shiftA, int shiftB, int shiftOut,
    int countIncludePad,
    int concatCOff,
    // issue 14 (Mul, Resize)
    int mulKind, int rsCoord, int rsNearest, int rsScaleH, int rsScaleW,
    // table activations (issue 14): ActTable.Kind code (0: none), the table's first entry in the bias
    // blob, its entry count (2^k + 1), the input format's width (k = min(it, 8) index bits)
    int actKind, int actTabOff, int actTabLen, int actInWidth,
    // COPY: output channels between consecutive copied channels (0 or 1: one contiguous run; a
    // ChannelShuffle group lands its channels groups apart)
    int copyCStride) {

  public static final int OP_CONV = EngineOp.CONV.code, OP_GEMM = EngineOp.GEMM.code, OP_ADD = EngineOp.ADD.code,
      OP_MAXPOOL = EngineOp.MAXPOOL.code, OP_AVGPOOL = EngineOp.AVGPOOL.code, OP_GAVGPOOL = EngineOp.GAVGPOOL.code,
      OP_GMAXPOOL = EngineOp.GMAXPOOL.code, OP_COPY = EngineOp.COPY.code, OP_ACT = EngineOp.ACT.code,
      OP_MUL = EngineOp.MUL.code, OP_RESIZE = EngineOp.RESIZE.code;
  // structural ops (issue 14)
  public static final int OP_SPREAD = EngineOp.SPREAD.code;

  /**
   * This descriptor as the timing models see it: feature-map offsets reduced modulo {@code ae} (the
   * elements per beat: only a burst's alignment within a beat changes its cost) and parameter
   * offsets dropped. Layers with equal keys take equal cycles, so the simulator times each key once.
   */
  public LayerDescriptor timingKey(int ae) {
    return new LayerDescriptor(op, Math.floorMod(inOff, ae), Math.floorMod(in2Off, ae), Math.floorMod(outOff, ae), inC, inH,
        inW, outC, outH, outW, convH, convW, kH, kW, sH, sW, padT, padL, padB, padR, dH, dW, groups, 0, 0, 0, transB, pool,
        poolKH, poolKW, poolSH, poolSW, poolPadT, poolPadL, poolPadB, poolPadR, outWidth, actLo, actHi, leaky, leakM, leakS,
        shiftA, shiftB, shiftOut, countIncludePad, concatCOff, mulKind, rsCoord, rsNearest, rsScaleH, rsScaleW, actKind, 0,
        actTabLen, actInWidth, copyCStride);
  }

  public EngineOp engineOp() {
    return EngineOp.of(op);
  }

  public String opName() {
    return engineOp().name();
  }

  public int outSize() {
    return outC * outH * outW;
  }

  /** The C++ aggregate initializer, fields in declaration order. */
  public String toCpp() {
    int[] v = {op, inOff, in2Off, outOff, inC, inH, inW, outC, outH, outW, convH, convW, kH, kW, sH, sW, padT, padL, padB,
        padR, dH, dW, groups, wOff, bOff, qOff, transB, pool, poolKH, poolKW, poolSH, poolSW, poolPadT, poolPadL, poolPadB,
        poolPadR, outWidth, actLo, actHi, leaky, leakM, leakS, shiftA, shiftB, shiftOut, countIncludePad, concatCOff, mulKind, rsCoord, rsNearest,
        rsScaleH, rsScaleW, actKind, actTabOff, actTabLen, actInWidth, copyCStride};
    StringBuilder sb = new StringBuilder("{cnnhls::OP_" + opName());
    for (int i = 1; i < v.length; i++) sb.append(", ").append(v[i]);
    return sb.append('}').toString();
  }

  /** A mutable builder: most descriptors set a handful of fields. */
  public static final class Builder {
    public int op, inOff, in2Off, outOff, inC = 1, inH = 1, inW = 1, outC = 1, outH = 1, outW = 1, convH = 1, convW = 1;
    public int kH = 1, kW = 1, sH = 1, sW = 1, padT, padL, padB, padR, dH = 1, dW = 1, groups = 1, wOff, bOff, qOff, transB;
    public int pool, poolKH = 1, poolKW = 1, poolSH = 1, poolSW = 1, poolPadT, poolPadL, poolPadB, poolPadR;
    public int outWidth = 16, actLo, actHi, leaky, leakM = 1, leakS, shiftA, shiftB, shiftOut, countIncludePad, concatCOff;
    // issue 14 (Mul, Resize)
    public int mulKind, rsCoord, rsNearest, rsScaleH, rsScaleW;
    public int actKind, actTabOff, actTabLen, actInWidth; // table activations (issue 14)
    public int copyCStride;

    public Builder(int op) {
      this.op = op;
    }

    public LayerDescriptor build() {
      return new LayerDescriptor(op, inOff, in2Off, outOff, inC, inH, inW, outC, outH, outW, convH, convW, kH, kW, sH, sW,
          padT, padL, padB, padR, dH, dW, groups, wOff, bOff, qOff, transB, pool, poolKH, poolKW, poolSH, poolSW, poolPadT,
          poolPadL, poolPadB, poolPadR, outWidth, actLo, actHi, leaky, leakM, leakS, shiftA, shiftB, shiftOut,
          countIncludePad, concatCOff, mulKind, rsCoord, rsNearest, rsScaleH, rsScaleW, actKind, actTabOff, actTabLen, actInWidth,
          copyCStride);
    }
  }
}
