package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On demand (tag benchmark): a torchvision export (tools/export_torchvision.py --inputs) quantized to
 * power-of-two QDQ by {@link QdqTransform} (calibrated on its _calib.npy), written next to it as
 * NAME_qdq_pow2.onnx, and compared with ONNX Runtime (ops by definition) on the calibration inputs.
 * {@code -Dcnnhls.torchvision=/path/resnet18.onnx}.
 */
@Tag("benchmark")
class PreQuantizedTorchvisionBench {
  @Test
  void powerOfTwoQdqMatchesOnnxRuntime() throws Exception {
    String file = System.getProperty("cnnhls.torchvision");
    Assumptions.assumeTrue(file != null, "give -Dcnnhls.torchvision=MODEL.onnx");
    Path model = Path.of(file);
    String base = model.getFileName().toString().replace(".onnx", "");
    ModelProto fm = OnnxReader.read(model);
    NpyFiles.Floats calib = NpyFiles.readFloats(model.resolveSibling(base + "_calib.npy"));
    int n = calib.shape().dim(0), per = calib.data().length / n;
    List<float[]> xs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] x = new float[per];
      System.arraycopy(calib.data(), i * per, x, 0, per);
      xs.add(x);
    }
    ModelProto q = QdqTransform.quantize(fm, xs, true);
    Path out = model.resolveSibling(base + "_qdq_pow2.onnx");
    try (var os = Files.newOutputStream(out)) {
      q.writeTo(os);
    }
    PreQuantizedModelTest.Match m = PreQuantizedModelTest.compareWithOrt(q, 0f, 2.0, 2);
    assertEquals(0, m.differ(), m.toString());
  }
}
