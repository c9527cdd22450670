package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.cnnhls.ir.pass.PassManager;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.QuantOptions;
import org.cnnhls.ir.quant.QuantizedGraph;
import org.cnnhls.ir.quant.Quantizer;
import org.cnnhls.ir.quant.ValueRanges;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trained digits CNN pre-quantized outside cnnhls (tools/quantize_digits.py: PyTorch FX PTQ to
 * QDQ, its power-of-two variant, hand-written QONNX at 4 and 8 bits), on the 450 held-out samples.
 * QDQ: ONNX Runtime runs the model (each op by its ONNX definition: graph optimizations off); the bit-accurate interpreter's logits are its integers (all of
 * them equal, or within 1 LSB on at most 0.1%), every top-1 equals ORT's, and the accuracy equals
 * the exported model's QDQ semantics computed in torch by the tool (digits_quant_meta.json, which
 * also records PyTorch's reference quantized model's own accuracy, float bias and all). QONNX (no
 * runtime here): the accuracy equals the QONNX semantics computed in torch by the tool, and the
 * integers equal the float interpreter's fake quantization.
 */
class DigitsPreQuantizedTest {
  static final Path DIR = Path.of("../examples/digits");

  static QuantizedGraph quantize(Graph imported) {
    Graph g = PassManager.defaultPipeline().run(imported);
    return Quantizer.quantize(g, QuantOptions.preset("8"), ValueRanges.analytic(g, 1.0));
  }

  /** A number the tool recorded for a model in digits_quant_meta.json (flat objects, so a pattern reads them), or NaN. */
  static double meta(String model, String key) throws Exception {
    String json = Files.readString(DIR.resolve("digits_quant_meta.json"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + model + "\": \\{([^}]*)\\}").matcher(json);
    if (!m.find()) throw new AssertionError("no " + model + " in digits_quant_meta.json");
    java.util.regex.Matcher v = java.util.regex.Pattern.compile("\"" + key + "\": ([0-9.eE+-]+)").matcher(m.group(1));
    return v.find() ? Double.parseDouble(v.group(1)) : Double.NaN;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"digits_qdq_int8", "digits_qdq_pow2"})
  void qdqMatchesOnnxRuntimeAndTheSourceAccuracy(String model) throws Exception {
    Path file = DIR.resolve(model + ".onnx");
    Graph imported = OnnxImporter.load(file);
    QuantizedGraph q = quantize(imported);
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    NpyFiles.Floats x = NpyFiles.readFloats(DIR.resolve("test_x.npy"));
    long[] labels = NpyFiles.readLongs(DIR.resolve("test_y.npy"));
    int n = labels.length, per = x.data().length / n;
    double outScale = q.realScale("logits");
    long outputs = 0, differ = 0, worst = 0, optDiffer = 0, optWorst = 0;
    int correct = 0, sameTop1 = 0, optSameTop1 = 0;
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    // the reference: ORT evaluating each ONNX op by its definition (no graph optimizations); ORT's
    // default level fuses QDQ into its own integer kernels, whose results are reported, not held
    OrtSession.SessionOptions plain = new OrtSession.SessionOptions();
    plain.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
    try (OrtSession session = env.createSession(file.toString(), plain);
        OrtSession fused = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
      for (int s = 0; s < n; s++) {
        float[] xi = new float[per];
        System.arraycopy(x.data(), s * per, xi, 0, per);
        float[] ort = ort(env, session, xi), opt = ort(env, fused, xi);
        int[] raw = bit.run(Map.of("input", q.quantizeInput("input", xi))).get("logits");
        for (int i = 0; i < raw.length; i++) {
          long d = Math.abs(Math.round(ort[i] / outScale) - raw[i]), e = Math.abs(Math.round(opt[i] / outScale) - raw[i]);
          outputs++;
          if (d != 0) differ++;
          if (e != 0) optDiffer++;
          worst = Math.max(worst, d);
          optWorst = Math.max(optWorst, e);
        }
        int top = argmax(raw);
        if (top == labels[s]) correct++;
        if (top == argmax(ort)) sameTop1++;
        if (top == argmax(opt)) optSameTop1++;
      }
    }
    System.out.printf("%s: ORT with its default optimizations (fused integer kernels): top-1 equal on %d/%d, %d of %d logits differ"
        + " (worst %d LSB)%n", model, optSameTop1, n, optDiffer, outputs, optWorst);
    double source = meta(model, "qdq_semantics_accuracy"), reference = meta(model, "source_accuracy");
    double acc = (double) correct / n;
    System.out.printf("%s: top-1 %.2f%% (QDQ semantics in torch %.2f%%, PyTorch's reference quantized model %s), top-1 = ORT on %d/%d,"
        + " %d of %d logits differ from ORT (worst %d LSB)%n", model, 100 * acc, 100 * source,
        Double.isNaN(reference) ? "-" : String.format("%.2f%%", 100 * reference), sameTop1, n, differ, outputs, worst);
    assertTrue(worst <= 1 && differ * 1000 <= outputs, differ + " of " + outputs + " differ, worst " + worst);
    assertEquals(n, sameTop1, "every top-1 equals ONNX Runtime's");
    assertEquals(source, acc, 1e-9, "accuracy equals the exported model's semantics computed by the source framework");
  }

  /** The quantization between each ReLU and its max pool is the pool's own: conv, ReLU and pool fuse into one engine layer again. */
  @org.junit.jupiter.api.Test
  void equalQuantizationsAroundAPoolDoNotBlockFusion() {
    QuantizedGraph q = quantize(OnnxImporter.load(DIR.resolve("digits_qdq_int8.onnx")));
    assertTrue(q.graph().nodes().stream().noneMatch(n -> n.op() instanceof org.cnnhls.ir.ops.Op.MaxPool), q.graph().dump());
    assertEquals(2, q.graph().nodes().stream().filter(n -> n.op() instanceof org.cnnhls.ir.ops.Op.FusedConv f && f.pool() != null).count());
  }

  @ParameterizedTest(name = "{0} bits")
  @ValueSource(ints = {4, 8})
  void qonnxMatchesItsSemantics(int bits) throws Exception {
    String model = "digits_qonnx_w" + bits;
    Graph imported = OnnxImporter.load(DIR.resolve(model + ".onnx"));
    QuantizedGraph q = quantize(imported);
    BitAccurateInterpreter bit = new BitAccurateInterpreter(q);
    FloatInterpreter fakeQuant = new FloatInterpreter(imported);
    NpyFiles.Floats x = NpyFiles.readFloats(DIR.resolve("test_x.npy"));
    long[] labels = NpyFiles.readLongs(DIR.resolve("test_y.npy"));
    int n = labels.length, per = x.data().length / n, correct = 0;
    double lsb = q.realScale("logits");
    for (int s = 0; s < n; s++) {
      float[] xi = new float[per];
      System.arraycopy(x.data(), s * per, xi, 0, per);
      int[] raw = bit.run(Map.of("input", q.quantizeInput("input", xi))).get("logits");
      float[] f = fakeQuant.run(Map.of("input", xi)).get("logits");
      for (int i = 0; i < raw.length; i++) assertEquals(Math.round(f[i] / lsb), raw[i], "sample " + s + " logit " + i);
      if (argmax(raw) == labels[s]) correct++;
    }
    double source = meta(model, "qonnx_semantics_accuracy"), acc = (double) correct / n;
    System.out.printf("%s: top-1 %.2f%% (QONNX semantics in torch %.2f%%)%n", model, 100 * acc, 100 * source);
    assertEquals(source, acc, 1e-9);
  }

  static float[] ort(OrtEnvironment env, OrtSession session, float[] x) throws Exception {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 1, 8, 8});
        OrtSession.Result r = session.run(Map.of("input", t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
  }

  /** First index of the largest value, as torch.argmax and numpy pick it. */
  static int argmax(int[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
    return best;
  }
}
