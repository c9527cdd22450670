package org.cnnhls.ir.ops;

/** Text helpers for fused ops. */
final class Fused {
  private Fused() {}

  static String suffix(Op.Activation a) {
    if (a == null) return "";
    String attrs = a.attributes();
    return " +" + a.type() + (attrs.isEmpty() ? "" : "(" + attrs + ")");
  }
}
