package org.cnnhls.frontend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.interp.FloatInterpreter;
import org.junit.jupiter.api.Test;

/**
 * Runs the float interpreter on the ONNX conformance cases shipped by Debian's libonnx-testdata
 * (node and pytorch-converted). A case counts as supported when all its op types are supported and
 * the importer does not refuse it with an {@link UnsupportedFeatureException} (a documented
 * limitation such as 1-D convolution, non-float data or a Resize mode other than nearest). Every
 * supported case must match to rtol 1e-4, atol 1e-5.
 */
class OnnxConformanceTest {
  static final Path ROOT = Path.of("/usr/share/libonnx-testdata/data");
  static final double RTOL = 1e-4, ATOL = 1e-5;

  @Test
  void supportedConformanceCasesPass() throws IOException {
    assertTrue(Files.isDirectory(ROOT), ROOT + " is missing: apt-get install libonnx-testdata (.ci/run does)");
    Map<String, int[]> perOp = new TreeMap<>(); // op -> {passed, failed}
    Map<String, Integer> skippedOps = new TreeMap<>();
    List<String> skippedFeatures = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int passed = 0;
    for (String suite : List.of("node", "pytorch-converted")) {
      List<Path> cases;
      try (Stream<Path> s = Files.list(ROOT.resolve(suite))) {
        cases = s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().toList();
      }
      for (Path dir : cases) {
        String id = suite + "/" + dir.getFileName();
        ModelProto model = OnnxReader.read(dir.resolve("model.onnx"));
        TreeSet<String> ops = new TreeSet<>();
        for (NodeProto n : model.getGraph().getNodeList()) ops.add(n.getOpType());
        List<String> unknown = ops.stream().filter(o -> !OnnxImporter.supportedOps().contains(o)).toList();
        if (!unknown.isEmpty()) {
          unknown.forEach(o -> skippedOps.merge(o, 1, Integer::sum));
          continue;
        }
        String result;
        try {
          result = runCase(dir, model);
        } catch (UnsupportedFeatureException e) {
          skippedFeatures.add(id + ": " + e.getMessage());
          continue;
        } catch (ModelException | IllegalStateException | IllegalArgumentException | ArithmeticException
            | IndexOutOfBoundsException | NullPointerException e) {
          result = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        boolean ok = result == null;
        for (String op : ops) perOp.computeIfAbsent(op, k -> new int[2])[ok ? 0 : 1]++;
        if (ok) passed++;
        else failures.add(id + ": " + result);
      }
    }
    System.out.println("ONNX conformance (libonnx-testdata), supported cases passed per op:");
    perOp.forEach((op, c) -> System.out.printf("  %-20s %4d passed %4d failed%n", op, c[0], c[1]));
    System.out.println("  total cases passed: " + passed + ", failed: " + failures.size());
    System.out.println("  skipped, documented unsupported features: " + skippedFeatures.size());
    skippedFeatures.forEach(s -> System.out.println("    " + s));
    System.out.println("  skipped, unsupported op types (cases): " + skippedOps);
    failures.forEach(f -> System.out.println("  FAIL " + f));
    assertTrue(passed > 0, "no conformance case ran");
    assertTrue(failures.isEmpty(), () -> failures.size() + " supported conformance cases failed, first: " + failures.get(0));
  }

  /**
   * Graph inputs that feed parameter positions (Clip bounds, Reshape shape, Pad pads, Resize
   * scales/sizes, Slice starts/ends/axes/steps, Split sizes, Reduce axes). cnnhls compiles static graphs, so such inputs must be constants: the test binds
   * them to the data set's values as initializers, as an exporter with fixed shapes would.
   */
  private static boolean isParameterInput(ModelProto model, String name) {
    for (NodeProto n : model.getGraph().getNodeList()) {
      for (int i = 1; i < n.getInputCount(); i++) {
        if (!n.getInput(i).equals(name)) continue;
        switch (n.getOpType()) {
          case "Clip", "Reshape", "Pad", "Resize", "Upsample", "Slice", "Split", "ReduceSum", "ReduceMean", "ReduceMax",
              "ReduceMin" -> {
            return true;
          }
          default -> { }
        }
      }
    }
    return false;
  }

  /** Returns null when every data set matches, otherwise a description of the first mismatch. */
  private static String runCase(Path dir, ModelProto model) throws IOException {
    List<String> runtimeInputs = new ArrayList<>();
    java.util.Set<String> initializers = new java.util.HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    for (var v : model.getGraph().getInputList()) {
      if (!v.getType().hasTensorType()) throw new UnsupportedFeatureException("input '" + v.getName() + "' is not a tensor");
      if (!initializers.contains(v.getName())) runtimeInputs.add(v.getName());
    }
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList();
    }
    for (Path set : sets) {
      ModelProto.Builder bound = model.toBuilder();
      Map<String, float[]> inputs = new HashMap<>();
      for (int i = 0; i < runtimeInputs.size(); i++) {
        // input_i.pb files follow the model's non-initializer inputs in order
        TensorProto t = TensorProto.parseFrom(Files.readAllBytes(set.resolve("input_" + i + ".pb")));
        String name = runtimeInputs.get(i);
        if (isParameterInput(model, name)) {
          bound.getGraphBuilder().addInitializer(t.toBuilder().setName(name));
        } else {
          if (!TensorDecoder.isFloat(t)) throw new UnsupportedFeatureException("input " + i + " is not float32");
          inputs.put(name, TensorDecoder.floats(t));
        }
      }
      Graph g = OnnxImporter.fromProto(bound.build(), dir.getFileName() + "/model.onnx", dir);
      Map<String, float[]> outs = new FloatInterpreter(g).run(inputs);
      List<float[]> actual = new ArrayList<>(outs.values());
      for (int o = 0; o < g.outputs().size(); o++) {
        TensorProto t = TensorProto.parseFrom(Files.readAllBytes(set.resolve("output_" + o + ".pb")));
        if (!TensorDecoder.isFloat(t)) throw new UnsupportedFeatureException("output " + o + " is not float32");
        float[] expected = TensorDecoder.floats(t);
        if (expected.length != actual.get(o).length) {
          return "output " + o + " shape " + g.shape(g.outputs().get(o)) + " expected " + TensorDecoder.shapeOf(t);
        }
        for (int i = 0; i < expected.length; i++) {
          float a = actual.get(o)[i], e = expected[i];
          boolean same = a == e || (Float.isNaN(a) && Float.isNaN(e));
          if (!same && !(Math.abs(a - e) <= ATOL + RTOL * Math.abs(e))) {
            return set.getFileName() + " output " + o + " index " + i + ": got " + a + " expected " + e;
          }
        }
      }
    }
    return null;
  }
}
