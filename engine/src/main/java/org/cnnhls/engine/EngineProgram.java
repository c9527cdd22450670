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
 * @param outputs the graph's outputs in the model's order, each a region of the feature-map buffer
 *     the host reads after the last layer
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
    List<Output> outputs,
    int[] weights,
    long[] bias,
    int[] quant,
    int accWidth,
    int multWidth) {

  /** One graph output: its IR value and where it lies in the feature-map buffer (elements). */
  public record Output(String value, int off, int size) {}

  public EngineProgram {
    outputs = List.copyOf(outputs);
    if (outputs.isEmpty()) throw new IllegalArgumentException("a program has at least one output");
  }

  public boolean checked(int layer) {
    return layerValues.get(layer) != null;
  }

  /** Bytes per stored element for a width: 1 up to 8 bits, else 2. */
  public static int storageBytes(int width) {
    return width <= 8 ? 1 : 2;
  }
}
