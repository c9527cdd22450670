package org.cnnhls.engine.dataflow;

/**
 * What one stream between stages carries per image: h x w pixels in raster order, each one stream
 * word of c values of {@code width} bits (hls4ml's io_stream layout: all channels of a pixel in one
 * word). A vector (an FC's input or output) is one pixel of c values.
 */
public record PixelShape(int h, int w, int c, int width) {
  public int pixels() {
    return h * w;
  }

  public int values() {
    return h * w * c;
  }

  /** Bits of one stream word. */
  public int wordBits() {
    return c * width;
  }

  @Override
  public String toString() {
    return h + "x" + w + "x" + c;
  }
}
