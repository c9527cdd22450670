package org.cnnhls.engine.dataflow;

/**
 * How an on-chip array maps to memory: {@code banks} independent banks (the partitioned
 * dimension) of {@code depth} words of {@code width} bits. A bank of {@link #LUTRAM_MAX_BITS}
 * bits or fewer is distributed memory (one LUT per 64 x 1 bits, RAM64X1/ROM64X1); larger ones take BRAM18s
 * in the aspect ratio that needs fewest (512x36 ... 16384x1). Two banks never share a BRAM18
 * (conservative: Vitis may pack two small ROMs into one dual-port block). The threshold is an
 * assumption (Vitis chooses the storage itself; no BIND_STORAGE is emitted).
 */
public final class DataflowMemory {
  private DataflowMemory() {}

  public static final int LUTRAM_MAX_BITS = 2048;
  private static final int[][] ASPECTS = {{512, 36}, {1024, 18}, {2048, 9}, {4096, 4}, {8192, 2}, {16384, 1}};

  public record Cost(int bram18, int lut) {}

  public static Cost of(long banks, long depth, int width) {
    if (banks == 0 || depth == 0 || width == 0) return new Cost(0, 0);
    long bits = depth * width;
    if (bits <= LUTRAM_MAX_BITS) return new Cost(0, (int) (banks * ((depth + 63) / 64) * width));
    long best = Long.MAX_VALUE;
    for (int[] a : ASPECTS) best = Math.min(best, ((depth + a[0] - 1) / a[0]) * ((width + a[1] - 1) / a[1]));
    return new Cost((int) Math.min(Integer.MAX_VALUE, banks * best), 0);
  }
}
