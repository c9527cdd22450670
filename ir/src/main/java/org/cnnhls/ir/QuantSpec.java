package org.cnnhls.ir;

import java.util.Arrays;

/**
 * A quantization a model carries (QDQ QuantizeLinear/DequantizeLinear, QOperator QLinear* ops,
 * QONNX Quant): integers of {@code bits} bits, signed or not, {@code narrow} dropping the most
 * negative (signed) or the largest (unsigned) code; real value = (q - zeroPoint) * scale, with one
 * scale and zero point per tensor ({@code axis} = -1) or per index along {@code axis}.
 *
 * <p>Float semantics (ONNX QuantizeLinear then DequantizeLinear, QONNX Quant with rounding ROUND):
 * q = clamp(rint(x / scale) + zeroPoint, qmin, qmax) computed in float32 as ONNX Runtime does, ties
 * to even; y = (q - zeroPoint) * scale in float32.
 */
public record QuantSpec(int bits, boolean signed, boolean narrow, float[] scale, long[] zeroPoint, int axis) {

  public static final int MAX_BITS = 32;

  public QuantSpec {
    if (bits < 1 || bits > MAX_BITS) throw new ModelException("a quantization of " + bits + " bits is impossible (1 to 32)");
    if (scale.length == 0) throw new ModelException("a quantization needs at least one scale");
    if (zeroPoint.length != 1 && zeroPoint.length != scale.length) {
      throw new ModelException(scale.length + " scales but " + zeroPoint.length + " zero points");
    }
    if (axis < 0 && scale.length != 1) throw new ModelException(scale.length + " scales need an axis");
    for (float s : scale) {
      if (!(s > 0) || Float.isInfinite(s)) throw new ModelException("scale " + s + " is not a positive finite number");
    }
    scale = scale.clone();
    zeroPoint = zeroPoint.clone();
    for (long z : zeroPoint) {
      if (z < qmin(bits, signed, narrow) || z > qmax(bits, signed, narrow)) {
        throw new ModelException("zero point " + z + " is outside the " + describeRange(bits, signed, narrow) + " range");
      }
    }
  }

  /** One scale and zero point for the whole tensor. */
  public static QuantSpec perTensor(int bits, boolean signed, boolean narrow, float scale, long zeroPoint) {
    return new QuantSpec(bits, signed, narrow, new float[] {scale}, new long[] {zeroPoint}, -1);
  }

  public long qmin() {
    return qmin(bits, signed, narrow);
  }

  public long qmax() {
    return qmax(bits, signed, narrow);
  }

  static long qmin(int bits, boolean signed, boolean narrow) {
    return signed ? -(1L << (bits - 1)) + (narrow ? 1 : 0) : 0;
  }

  static long qmax(int bits, boolean signed, boolean narrow) {
    return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1 - (narrow ? 1 : 0);
  }

  /** Smallest q - zeroPoint (per tensor): the least raw value when raw values are stored offset-free. */
  public long rawMin() {
    return qmin() - zeroPoint(0);
  }

  /** Largest q - zeroPoint (per tensor). */
  public long rawMax() {
    return qmax() - zeroPoint(0);
  }

  /** Bits of the narrowest signed integer holding every q - zeroPoint (per tensor). */
  public int signedWidth() {
    int w = 2;
    while (w < 64 && (rawMin() < -(1L << (w - 1)) || rawMax() > (1L << (w - 1)) - 1)) w++;
    return w;
  }

  public boolean perAxis() {
    return axis >= 0;
  }

  public int channels() {
    return scale.length;
  }

  public float scale(int c) {
    return scale[scale.length == 1 ? 0 : c];
  }

  public long zeroPoint(int c) {
    return zeroPoint[zeroPoint.length == 1 ? 0 : c];
  }

  /** Every zero point is 0: the integers are the real value divided by the scale. */
  public boolean symmetric() {
    for (long z : zeroPoint) if (z != 0) return false;
    return true;
  }

  /** Every scale is a power of two (then the integers are a fixed-point format's raw values). */
  public boolean powerOfTwo() {
    for (float s : scale) if (!isPowerOfTwo(s)) return false;
    return true;
  }

  public static boolean isPowerOfTwo(double s) {
    return s > 0 && Math.scalb(1.0, Math.getExponent(s)) == s;
  }

  /** The integer of {@code x} in channel c: clamp(rint(x / scale) + zeroPoint), float32 division as ONNX Runtime. */
  public long quantize(float x, int c) {
    float r = (float) Math.rint(x / scale(c));
    if (Float.isNaN(r)) return Math.max(qmin(), Math.min(qmax(), zeroPoint(c)));
    double q = (double) r + zeroPoint(c);
    return (long) Math.max(qmin(), Math.min(qmax(), q));
  }

  public float dequantize(long q, int c) {
    return (float) (q - zeroPoint(c)) * scale(c);
  }

  public float fakeQuantize(float x, int c) {
    return dequantize(quantize(x, c), c);
  }

  /** Fake quantization of a whole tensor of shape {@code s}, per tensor or along {@link #axis}. */
  public float[] fakeQuantize(Shape s, float[] x) {
    float[] y = new float[x.length];
    if (!perAxis()) {
      for (int i = 0; i < x.length; i++) y[i] = fakeQuantize(x[i], 0);
      return y;
    }
    int channels = s.dim(axis), inner = 1;
    for (int d = axis + 1; d < s.rank(); d++) inner *= s.dim(d);
    for (int i = 0; i < x.length; i++) y[i] = fakeQuantize(x[i], (i / inner) % channels);
    return y;
  }

  /** For dumps and {@code inspect}: {@code int8 scale=0.0123} or {@code uint8 narrow axis=0 scales=[..] zp=[..]}. */
  public String describe() {
    StringBuilder sb = new StringBuilder(signed ? "int" : "uint").append(bits);
    if (narrow) sb.append(" narrow");
    if (perAxis()) sb.append(" axis=").append(axis);
    if (scale.length == 1) {
      sb.append(" scale=").append(scale[0]);
    } else {
      float lo = Float.MAX_VALUE, hi = 0;
      for (float v : scale) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      sb.append(" scales=[").append(scale.length).append(" in ").append(lo).append("..").append(hi).append(']');
    }
    if (powerOfTwo()) sb.append(" (power of two)");
    if (!symmetric()) sb.append(zeroPoint.length == 1 ? " zp=" + zeroPoint[0] : " zp=" + Arrays.toString(zeroPoint));
    return sb.toString();
  }

  private static String describeRange(int bits, boolean signed, boolean narrow) {
    return (signed ? "int" : "uint") + bits + (narrow ? " narrow" : "") + " [" + qmin(bits, signed, narrow) + ", " + qmax(bits, signed, narrow) + "]";
  }

  @Override public boolean equals(Object o) {
    return o instanceof QuantSpec q && bits == q.bits && signed == q.signed && narrow == q.narrow && axis == q.axis
        && Arrays.equals(scale, q.scale) && Arrays.equals(zeroPoint, q.zeroPoint);
  }

  @Override public int hashCode() {
    return Arrays.hashCode(scale) * 31 + bits + axis;
  }

  @Override public String toString() {
    return describe();
  }
}
