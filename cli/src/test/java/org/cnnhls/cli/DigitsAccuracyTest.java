package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import org.cnnhls.frontend.NpyFiles;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;

/**
 * The float interpreter reproduces the accuracy PyTorch measured on the digits test set when the
 * model was trained (digits_meta.json), sample for sample: the count of correct top-1 predictions
 * must be equal, not merely close.
 */
class DigitsAccuracyTest {

  static JsonNode meta() {
    try {
      return new ObjectMapper().readTree(Cli.DIGITS_META.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void floatInterpreterMatchesTrainingAccuracy() {
    JsonNode meta = meta();
    String inputName = meta.get("input_name").asText(), outputName = meta.get("output_name").asText();
    int expectedCount = meta.get("test_count").asInt(), expectedCorrect = meta.get("test_correct").asInt();

    Graph g = OnnxImporter.load(Cli.DIGITS_MODEL);
    assertEquals(inputName, g.inputs().get(0).name());
    assertEquals(Shape.of(1, 1, 8, 8), g.inputs().get(0).shape());
    NpyFiles.Floats x = NpyFiles.readFloats(Cli.DIGITS_X);
    long[] y = NpyFiles.readLongs(Cli.DIGITS_Y);
    assertEquals(Shape.of(expectedCount, 1, 8, 8), x.shape());
    assertEquals(expectedCount, y.length);

    FloatInterpreter interp = new FloatInterpreter(g);
    int n = 64, correct = 0;
    int[] predicted = new int[10];
    for (int i = 0; i < expectedCount; i++) {
      float[] sample = Arrays.copyOfRange(x.data(), i * n, (i + 1) * n);
      float[] logits = interp.run(Map.of(inputName, sample)).get(outputName);
      assertEquals(10, logits.length);
      int best = 0;
      for (int c = 1; c < logits.length; c++) if (logits[c] > logits[best]) best = c;
      predicted[best]++;
      if (best == y[i]) correct++;
    }
    System.out.printf("digits: float interpreter top-1 %d/%d = %.2f%% (PyTorch at training: %d/%d = %.2f%%)%n", correct,
        expectedCount, 100.0 * correct / expectedCount, expectedCorrect, expectedCount,
        100.0 * meta.get("test_accuracy").asDouble());
    assertEquals(expectedCorrect, correct, "top-1 correct count differs from PyTorch's");
    assertEquals(expectedCorrect / (double) expectedCount, meta.get("test_accuracy").asDouble(), 1e-12);
    for (int c = 0; c < 10; c++) assertTrue(predicted[c] > 0, "class " + c + " is never predicted");
  }
}
