package org.cnnhls.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shape arithmetic never wraps (issue 18): beyond 2^31-1 elements it refuses, naming the shape. */
class ShapeOverflowTest {
  private static final int BIG = Integer.MAX_VALUE;

  @Test
  void productsWithinTheCapAreExact() {
    assertEquals(BIG, Shape.of(BIG).size());
    assertEquals(BIG, Shape.of(1, BIG, 1).size());
    assertEquals(1, Shape.of().size());
    assertEquals(0, Shape.of(BIG, BIG, BIG, 0).size());
    assertEquals(150528, Shape.of(1, 3, 224, 224).size());
    assertEquals(50176, Shape.of(1, 3, 224, 224).product(2, 4));
    assertArrayEquals(new int[] {150528, 50176, 224, 1}, Shape.of(1, 3, 224, 224).strides());
  }

  @Test
  void productsBeyondTheCapAreRefusedNotWrapped() {
    // 2^32 * 2^32 = 2^64 wraps a long to 0; (2^31-1)^3 wraps too
    for (Shape s : new Shape[] {Shape.of(65536, 65536, 65536, 65536), Shape.of(BIG, BIG, BIG), Shape.of(2, 1 << 30),
        Shape.of(46341, 46341), Shape.of(BIG, 2)}) {
      ModelException e = assertThrows(ModelException.class, s::size);
      assertTrue(e.getMessage().contains(s.toString()), e.getMessage());
      assertThrows(ModelException.class, () -> s.product(0, s.rank()));
      assertThrows(ModelException.class, s::strides);
    }
  }
}
