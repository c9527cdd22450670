package org.cnnhls.engine;

import java.util.List;

/**
 * A model lowered to the overlay engine: the layer table, where every tensor lives in the feature-map
 * buffer, and the parameter blobs. {@code checked[i]} says whether layer i's output has a golden
 * counterpart in the bit-accurate model (scratch tensors of split layers do not).
 *
 * @param layerNodes the IR node each layer comes from (several layers may share one node)
 * @param layerValues the IR value each layer writes, or null for scratch tensors
 * @param accWidth signed bits that hold every conv/gemm accumulator (|bias| + sum |w| 2^(Wx-1))
 * @param multWidth unsigned bits of the largest requantize multiplier (1: power-of-two scaling only)
 */
public record EngineProgram(
    List<LayerDescriptor> layers,
    List<String> layerNodes,
    List<String> layerValues,
    int actWidth,
    int wgtWidth,
    int fmapSize,
    String inputValue,
    int inputOff,
    int inputSize,
    String outputValue,
    int outputOff,
    int outputSize,
    int[] weights,
    long[] bias,
    int[] quant,
    int accWidth,
    int multWidth) {

  public boolean checked(int layer) {
    return layerValues.get(layer) != null;
  }

  /** Bytes per stored element for a width: 1 up to 8 bits, else 2. */
  public static int storageBytes(int width) {
    return width <= 8 ? 1 : 2;
  }
}
