package org.cnnhls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.cnnhls.flow.CompileFlow;
import org.cnnhls.frontend.InputFileException;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.quant.FormatSpec;
import org.cnnhls.ir.quant.Calibration;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantOptions.LayerOverride;
import org.cnnhls.ir.quant.QuantizedGraph;
import picocli.CommandLine.Option;

/** Options shared by every command that quantizes a model (quantize, run --fixed, ...). */
final class FixedPointOptions {

  @Option(names = "--precision", paramLabel = "P",
      description = "16 (default: per-layer auto-scaled formats, like Q2.14), 8 (per-channel weight multipliers), "
          + "or W,I for one fixed format everywhere (e.g. 16,2)")
  String precision;

  @Option(names = "--calibration", paramLabel = "X.npy",
      description = "calibration inputs, float32 [N, ...]; without it activation ranges come from a sound analytic bound")
  Path calibration;

  @Option(names = "--percentile", defaultValue = "100", paramLabel = "P",
      description = "activation range: 100 = max over the calibration set (default), e.g. 99.99 to clip outliers")
  double percentile;

  @Option(names = "--calibration-method", paramLabel = "M",
      description = "how calibration sets activation ranges: max (default), percentile (with --percentile), mse (the format "
          + "with the least quantization error on the calibration set), entropy (TensorRT's KL method, 8 bit and below)")
  String calibrationMethod;

  @Option(names = "--per-channel", negatable = true,
      description = "per-output-channel weight scales with integer multipliers (default: on for 8 bit, off for 16)")
  Boolean perChannel;

  @Option(names = "--weight-clipping", paramLabel = "M",
      description = "how weight scales are chosen: max (default: the largest weight stays representable) or mse (per channel, "
          + "the clip with the least squared rounding and clipping error; per layer, the best of three power-of-two formats)")
  String weightClipping;

  @Option(names = "--bias-correction", negatable = true,
      description = "correct each output channel's bias for the rounding of its weights, from the calibration set's input "
          + "means (needs --calibration; default off)")
  boolean biasCorrection;

  @Option(names = "--headroom", paramLabel = "B", defaultValue = "0",
      description = "integer bits of headroom above the calibrated range in every activation format, against saturating "
          + "inputs calibration did not see (0 to 4; default ${DEFAULT-VALUE})")
  int headroom;

  @Option(names = "--quant-config", paramLabel = "FILE.json",
      description = "per-layer overrides: {\"layers\": {\"<layer>\": {\"weights\": \"8\", \"output\": \"16,4\"}}}")
  Path quantConfig;

  @Option(names = "--input-range", defaultValue = "1.0", paramLabel = "R",
      description = "without --calibration: assume inputs lie in [-R, R] (default ${DEFAULT-VALUE})")
  double inputRange;

  @Option(names = "--requantize",
      description = "ignore the quantization a pre-quantized model carries (QDQ, QOperator, QONNX) and calibrate from float instead")
  boolean requantize;

  /**
   * The imported model as the quantizer should see it: without its carried quantization under
   * --requantize; with it, --precision defaults to 8 when the carried formats fit 8 bits.
   */
  Graph prepare(Graph imported) {
    if (requantize) return org.cnnhls.ir.quant.ModelQuantization.dropCarried(imported);
    int w = org.cnnhls.ir.quant.ModelQuantization.carriedWidth(imported);
    if (precision == null && w > 0 && w <= 8) precision = "8";
    return imported;
  }

  /** The preset asked for: --precision, or 16 when it was not given. */
  String preset() {
    return precision != null ? precision : "16";
  }

  /** The widest storage the chosen precision needs (the engine's activation and weight width). */
  int storageWidth() {
    try {
      QuantOptions o = QuantOptions.preset(preset());
      return Math.max(o.weights().width(), o.activations().width());
    } catch (ModelException e) {
      throw new UsageException("--precision: " + e.getMessage());
    }
  }

  /** The calibration samples, or an empty list. */
  List<Map<String, float[]>> calibrationSamples(Graph g) {
    return calibration == null ? List.of() : BatchInput.allSamples(g, calibration);
  }

  /** The quantization options these flags ask for, before calibration. */
  QuantOptions options(Graph g) {
    QuantOptions options;
    try {
      options = QuantOptions.preset(preset());
    } catch (ModelException e) {
      throw new UsageException("--precision: " + e.getMessage());
    }
    if (perChannel != null) options = options.withPerChannel(perChannel);
    if (quantConfig != null) options = options.withOverrides(readOverrides(quantConfig, g));
    return options.withWeightClipping(weightClipping()).withBiasCorrection(biasCorrection()).withHeadroom(headroom());
  }

  /** --weight-clipping, checked. */
  QuantOptions.WeightClipping weightClipping() {
    if (weightClipping == null) return QuantOptions.WeightClipping.MAX;
    return switch (weightClipping.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "max" -> QuantOptions.WeightClipping.MAX;
      case "mse" -> QuantOptions.WeightClipping.MSE;
      default -> throw new UsageException("--weight-clipping: '" + weightClipping + "' is not max or mse");
    };
  }

  /** --headroom, checked. */
  int headroom() {
    if (headroom < 0 || headroom > QuantOptions.MAX_HEADROOM_BITS) {
      throw new UsageException("--headroom must be in [0, " + QuantOptions.MAX_HEADROOM_BITS + "], got " + headroom);
    }
    return headroom;
  }

  /** --bias-correction, refused without calibration data (it needs the inputs' means). */
  boolean biasCorrection() {
    if (biasCorrection && calibration == null) {
      throw new UsageException("--bias-correction needs --calibration (it corrects biases by the calibration set's input means)");
    }
    return biasCorrection;
  }

  QuantizedGraph quantize(Graph g, List<Map<String, float[]>> calibrationSamples, java.io.PrintWriter err) {
    return CompileFlow.quantize(g, options(g), calibrationSamples, calibration(), inputRange, w -> err.println("cnnhls: warning: " + w));
  }

  /** The calibration method asked for: --calibration-method, or percentile when only --percentile is below 100. */
  Calibration calibration() {
    return calibration(calibrationMethod, percentile);
  }

  static Calibration calibration(String method, double percentile) {
    if (!(percentile > 0 && percentile <= 100)) throw new UsageException("--percentile must be in (0, 100], got " + percentile);
    if (method == null) return Calibration.percentile(percentile);
    try {
      return Calibration.parse(method, percentile);
    } catch (ModelException e) {
      throw new UsageException("--calibration-method: " + e.getMessage());
    }
  }

  /** Parses the override file; an unknown layer or impossible format is a usage error naming the file. */
  static Map<String, LayerOverride> readOverrides(Path file, Graph g) {
    if (!Files.isRegularFile(file)) throw new InputFileException(file + ": no such file");
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InputFileException(file + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InputFileException(file + ": cannot read (" + e.getMessage() + ")");
    }
    JsonNode layers = root == null ? null : root.get("layers");
    if (layers == null || !layers.isObject()) throw new InputFileException(file + ": expected {\"layers\": {\"<layer>\": {...}}}");
    Map<String, LayerOverride> out = new HashMap<>();
    List<String> known = g.nodes().stream().map(Node::name).toList();
    for (Iterator<Map.Entry<String, JsonNode>> it = layers.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!known.contains(e.getKey())) {
        throw new InputFileException(file + ": layer '" + e.getKey() + "' is not in the model (see `cnnhls passes` for layer names)");
      }
      try {
        out.put(e.getKey(), new LayerOverride(spec(e.getValue(), "weights"), spec(e.getValue(), "output")));
      } catch (ModelException ex) {
        throw new InputFileException(file + ": layer '" + e.getKey() + "': " + ex.getMessage());
      }
    }
    return out;
  }

  private static FormatSpec spec(JsonNode layer, String key) {
    JsonNode v = layer.get(key);
    return v == null || v.isNull() ? null : FormatSpec.parse(v.asText());
  }
}
