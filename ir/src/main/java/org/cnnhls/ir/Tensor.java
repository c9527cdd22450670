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

  public Tensor(Shape shape, FloatBuffer data) {
    if (data.remaining() != shape.size()) {
      throw new ModelException(
          "tensor data has " + data.remaining() + " elements but shape " + shape + " needs " + shape.size());
    }
    this.shape = shape;
    this.data = data.asReadOnlyBuffer();
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
