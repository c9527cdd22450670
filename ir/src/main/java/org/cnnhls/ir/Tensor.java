package org.cnnhls.ir;

import java.nio.FloatBuffer;

/**
 * An immutable float tensor (weights, constants). The data may be a view straight into a
 * memory-mapped model file, so large models are not copied on import; callers that need a
 * {@code float[]} ask for one with {@link #toFloatArray()}.
 */
public final class Tensor {
  private final Shape shape;
  private final FloatBuffer data;
  /** The integers these values came from (a model's quantized weights), or null; see {@link #quant()}. */
  private final QuantSpec quant;

  public Tensor(Shape shape, FloatBuffer data) {
    this(shape, data, null);
  }

  private Tensor(Shape shape, FloatBuffer data, QuantSpec quant) {
    if (data.remaining() != shape.size()) {
      throw new ModelException(
          "tensor data has " + data.remaining() + " elements but shape " + shape + " needs " + shape.size());
    }
    this.shape = shape;
    this.data = data.asReadOnlyBuffer();
    this.quant = quant;
  }

  /**
   * The quantization a pre-quantized model gave these values (they are its dequantized integers,
   * (q - zp) * scale), or null. A pass that computes new values makes a new tensor without it, so a
   * tag always describes exactly these values.
   */
  public QuantSpec quant() {
    return quant;
  }

  /** The same values, tagged with the quantization they were dequantized from. */
  public Tensor withQuant(QuantSpec spec) {
    return new Tensor(shape, data, spec);
  }

  public static Tensor of(Shape shape, float[] values) {
    return new Tensor(shape, FloatBuffer.wrap(values.clone()));
  }

  /** Wraps without copying; the caller must not modify {@code values} afterwards. */
  public static Tensor wrap(Shape shape, float[] values) {
    return new Tensor(shape, FloatBuffer.wrap(values));
  }

  public static Tensor scalar(float value) {
    return wrap(Shape.of(), new float[] {value});
  }

  public Shape shape() {
    return shape;
  }

  public int size() {
    return shape.size();
  }

  public float get(int index) {
    return data.get(data.position() + index);
  }

  /** A read-only view of the values, positioned at the first (for chunked bulk reads). */
  public java.nio.FloatBuffer buffer() {
    return data.duplicate();
  }

  /** A fresh copy of the values. */
  public float[] toFloatArray() {
    float[] out = new float[size()];
    data.duplicate().get(out);
    return out;
  }
}
