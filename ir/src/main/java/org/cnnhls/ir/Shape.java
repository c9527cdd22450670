package org.cnnhls.ir;

import java.util.Arrays;

/** A static tensor shape. All dimensions are known and positive once a graph is built. */
public record Shape(int[] dims) {

  public Shape {
    dims = dims.clone();
  }

  public static Shape of(int... dims) {
    return new Shape(dims);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int axis) {
    return dims[axis < 0 ? axis + dims.length : axis];
  }

  @Override
  public int[] dims() {
    return dims.clone();
  }

  /** The most elements one tensor may have (Java arrays and the int indexing of every kernel). */
  public static final long MAX_ELEMENTS = Integer.MAX_VALUE;

  /** Number of elements; refuses (ModelException) a product beyond {@link #MAX_ELEMENTS}, never wraps. */
  public int size() {
    return product(0, dims.length);
  }

  /** Product of the dimensions in [from, to); refuses one beyond {@link #MAX_ELEMENTS}, never wraps. */
  public int product(int from, int to) {
    for (int i = from; i < to; i++) if (dims[i] == 0) return 0;
    long n = 1;
    for (int i = from; i < to; i++) {
      n *= dims[i]; // |n| <= 2^31 - 1 and |dims[i]| < 2^31 before this: no long overflow
      if (n > MAX_ELEMENTS || n < -MAX_ELEMENTS) {
        throw new ModelException("tensor of shape " + this + " has more than " + MAX_ELEMENTS + " (2^31-1) elements");
      }
    }
    return (int) n;
  }

  /** Row-major strides in elements (refuses, like {@link #size()}, a shape beyond the cap). */
  public int[] strides() {
    size();
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** Normalizes a possibly negative axis against this rank, or fails naming the axis. */
  public int axis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= Math.max(dims.length, 1)) {
      throw new ModelException("axis " + axis + " is out of range for a tensor of rank " + dims.length);
    }
    return a;
  }

  /** Numpy multidirectional broadcasting of two shapes. */
  public static Shape broadcast(Shape a, Shape b) {
    int r = Math.max(a.rank(), b.rank());
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i - (r - a.rank()) >= 0 ? a.dims[i - (r - a.rank())] : 1;
      int db = i - (r - b.rank()) >= 0 ? b.dims[i - (r - b.rank())] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new ModelException("shapes " + a + " and " + b + " cannot be broadcast together");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }

  public boolean isPositive() {
    for (int d : dims) if (d <= 0) return false;
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Printed like {@code [1,3,224,224]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) sb.append(',');
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }
}
