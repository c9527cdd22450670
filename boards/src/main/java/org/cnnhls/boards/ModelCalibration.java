package org.cnnhls.boards;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resource models refitted to measured reports of one board's toolchain, as `cnnhls collect
 * --emit-calibration` writes them and `compile`/`dse --calibration-file` read them (this class is
 * the one place that reads the file and makes its text; the CLI writes it as every output file).
 *
 * @param source what the fit was made from (sweep folder, tasks, counts), for the report
 * @param core the compute core's coefficients {per MAC, per output lane, fixed} by key {@code lut8},
 *     {@code ff8}, {@code lut16}, {@code ff16} (the form of engine {@code CoreResourceModel}); a
 *     missing key keeps the built-in coefficients
 * @param engineScale measured / modeled factor per engine resource ({@code dsp}, {@code bram18},
 *     {@code lut}, {@code ff}) from Vitis HLS csynth reports; a missing key is 1
 */
public record ModelCalibration(String source, Map<String, List<Double>> core, Map<String, Double> engineScale) {
  public static final Set<String> CORE_KEYS = Set.of("lut8", "ff8", "lut16", "ff16");
  public static final Set<String> SCALE_KEYS = Set.of("dsp", "bram18", "lut", "ff");
  /** Bounds of a scale factor: a refit outside them means the model is wrong, not that it needs tuning. */
  public static final double MIN_SCALE = 0.1, MAX_SCALE = 10;

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT);

  public ModelCalibration {
    source = source == null ? "" : source;
    // sorted, so the file's text is the same on every run (Map.copyOf's order changes per JVM)
    core = core == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(core));
    engineScale = engineScale == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(engineScale));
    for (var e : core.entrySet()) {
      if (!CORE_KEYS.contains(e.getKey())) throw new IllegalArgumentException("core: unknown key '" + e.getKey() + "' (known: " + CORE_KEYS + ")");
      List<Double> c = e.getValue();
      if (c == null || c.size() != 3 || c.stream().anyMatch(v -> v == null || !Double.isFinite(v) || v < 0)) {
        throw new IllegalArgumentException("core." + e.getKey() + ": expected three finite non-negative numbers [per MAC, per lane, fixed]");
      }
    }
    for (var e : engineScale.entrySet()) {
      if (!SCALE_KEYS.contains(e.getKey())) throw new IllegalArgumentException("engineScale: unknown key '" + e.getKey() + "' (known: " + SCALE_KEYS + ")");
      Double v = e.getValue();
      if (v == null || !(v >= MIN_SCALE && v <= MAX_SCALE)) {
        throw new IllegalArgumentException("engineScale." + e.getKey() + ": " + v + " is outside [" + MIN_SCALE + ", " + MAX_SCALE + "]");
      }
    }
  }

  /** The factor for engine resource {@code key}, 1 when not fitted. */
  public double scale(String key) {
    return engineScale.getOrDefault(key, 1.0);
  }

  /** Core coefficients for {@code key}, or {@code fallback} when not fitted. */
  public double[] core(String key, double[] fallback) {
    List<Double> c = core.get(key);
    return c == null ? fallback : new double[] {c.get(0), c.get(1), c.get(2)};
  }

  /** Reads a calibration file; every problem is one IllegalArgumentException line naming the file. */
  public static ModelCalibration read(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file (write one with `cnnhls collect DIR --emit-calibration FILE`)");
    try {
      return MAPPER.readValue(file.toFile(), ModelCalibration.class);
    } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
      throw new IllegalArgumentException(file + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file + ": not a calibration file (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
