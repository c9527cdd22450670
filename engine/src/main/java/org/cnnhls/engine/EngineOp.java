package org.cnnhls.engine;

/**
 * The engine's descriptor ops: {@code code} is the value of {@code enum OpKind} in cnnhls_desc.h, and
 * the name its C++ enumerator without the OP_ prefix (the contract test compares both with C++).
 */
public enum EngineOp {
  CONV(0), GEMM(1), ADD(2), MAXPOOL(3), AVGPOOL(4), GAVGPOOL(5), GMAXPOOL(6), COPY(7), ACT(8),
  // issue 14: Mul, Resize; structural ops
  MUL(9), RESIZE(10), SPREAD(11);

  public final int code;

  EngineOp(int code) {
    this.code = code;
  }

  public static EngineOp of(int code) {
    for (EngineOp o : values()) if (o.code == code) return o;
    throw new IllegalArgumentException("no engine op has code " + code);
  }
}
