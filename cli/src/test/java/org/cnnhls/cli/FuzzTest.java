package org.cnnhls.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.cnnhls.frontend.OnnxModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded, in-process fuzzer over the committed models: 1-3 stacked protobuf-aware mutations
 * (dims, dtypes, initializer data, attributes, node inputs, graph outputs, opsets, non-finite
 * weights) or raw byte flips, driven through `inspect` and, for every fourth case, `run` on the
 * digits input. Every case must end in exit 0, 2 or 3 with, on error, exactly one stderr line and no
 * stack trace, within a per-case time limit. The benchmark variant runs more cases
 * ({@code -Dcnnhls.fuzzCases=50000}).
 */
class FuzzTest {
  @TempDir Path tmp;

  static final int CASES = Integer.getInteger("cnnhls.fuzzCases", 2000);
  static final long CASE_SECONDS = 20;

  @Test
  void mutatedModelsEndInOneClearLineNeverAnInternalError() throws Exception {
    List<ModelProto> seeds = List.of(ModelProto.parseFrom(Files.readAllBytes(Cli.DIGITS_MODEL)),
        OnnxModelBuilder.lenet5(3).build(), OnnxModelBuilder.resnetBlock(3).build(), OnnxModelBuilder.mobilenetV2Block(3).build());
    Random rnd = new Random(20261202L);
    TreeMap<String, Integer> outcomes = new TreeMap<>();
    List<String> bad = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int i = 0; i < CASES; i++) {
        int seed = rnd.nextInt(seeds.size());
        long caseSeed = rnd.nextLong();
        byte[] bytes = mutate(seeds.get(seed), new Random(caseSeed));
        Path model = tmp.resolve("case" + (i % 64) + ".onnx");
        Files.write(model, bytes);
        List<Object[]> commands = new ArrayList<>();
        commands.add(new Object[] {"inspect", model});
        if (i % 4 == 0 && seed == 0) commands.add(new Object[] {"run", model, "--input", Cli.DIGITS_X});
        for (Object[] cmd : commands) {
          Future<Cli.Result> f = pool.submit(() -> Cli.run(cmd));
          Cli.Result r;
          try {
            r = f.get(CASE_SECONDS, TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            f.cancel(true);
            outcomes.merge("timeout", 1, Integer::sum);
            bad.add("case " + i + " (seed model " + seed + ", mutation seed " + caseSeed + ") " + cmd[0] + ": timeout");
            pool.shutdownNow();
            pool = Executors.newSingleThreadExecutor();
            continue;
          }
          String kind = switch (r.code()) {
            case 0 -> "0";
            case 2 -> "2";
            case 3 -> "3";
            default -> "exit " + r.code();
          };
          outcomes.merge(cmd[0] + " " + kind, 1, Integer::sum);
          boolean ok = r.code() == 0 || r.code() == 2 || r.code() == 3;
          if (ok && r.code() != 0) {
            List<String> lines = r.errLines();
            ok = lines.size() == 1 && lines.get(0).matches("cnnhls( [a-z]+)*: error: .+");
            for (String s : List.of("Exception", "\tat ", "at org.", "at java.")) ok &= !r.err().contains(s);
          }
          if (!ok) {
            bad.add("case " + i + " (seed model " + seed + ", mutation seed " + caseSeed + "): " + r);
            if (System.getProperty("cnnhls.fuzzKeep") != null) Files.write(Path.of(System.getProperty("cnnhls.fuzzKeep"), "bad" + i + ".onnx"), bytes);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "fuzz: %d cases%n", CASES));
    outcomes.forEach((k, v) -> table.append(String.format(Locale.ROOT, "  %-16s %6d%n", k, v)));
    System.out.print(table);
    assertTrue(bad.isEmpty(), bad.size() + " cases broke the error contract, e.g.:\n"
        + String.join("\n", bad.subList(0, Math.min(5, bad.size()))));
  }

  /** The family this fuzzer found first (an element-wise binary op left with one input: internal error in shape inference). */
  @Test
  void binaryOpsWithOneInputAreOneLineModelErrors() throws Exception {
    for (String op : List.of("Add", "Sub", "Mul", "Div")) {
      OnnxModelBuilder b = new OnnxModelBuilder("one_input_" + op, 13, 1);
      String x = b.input("x", 1, 4);
      b.node(op, new String[] {x}, "y");
      b.output("y", 1, 4);
      Path model = b.save(tmp.resolve(op + ".onnx"));
      Cli.assertError(3, Cli.run("inspect", model), op);
    }
  }

  /**
   * Found by the 50,000-case run: the integer folding of shape arithmetic (Gather, Mul, Add, Concat)
   * with an absent (empty-named) input read a missing constant (internal error).
   */
  @Test
  void shapeFoldingWithAnAbsentInputIsAOneLineModelError() throws Exception {
    for (String op : List.of("Gather", "Mul", "Add", "Concat")) {
      OnnxModelBuilder b = new OnnxModelBuilder("fold_" + op, 13, 1);
      String x = b.input("x", 1, 4, 2, 2);
      String shape = b.op("Shape", x);
      String idx = b.intInitializer("idx", new long[] {0}, 1);
      // the folded op reads the shape and an input with an empty name
      String[] ins = op.equals("Gather") ? new String[] {"", idx} : new String[] {"", shape};
      b.node(op, ins, "s2");
      String y = b.op("Reshape", x, "s2");
      b.rename(y, "y");
      b.output("y", 1, 16);
      Path model = b.save(tmp.resolve("fold_" + op + ".onnx"));
      Cli.assertError(3, Cli.run("inspect", model), "input 0 is missing");
    }
  }

  /** One to three stacked mutations of a seed model, or (one case in eight) random byte flips. */
  static byte[] mutate(ModelProto seed, Random r) {
    if (r.nextInt(8) == 0) {
      byte[] b = seed.toByteArray();
      int flips = 1 + r.nextInt(8);
      for (int i = 0; i < flips; i++) b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      return b;
    }
    ModelProto.Builder m = seed.toBuilder();
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) mutateOnce(m, r);
    return m.build().toByteArray();
  }

  static final long[] DIMS = {0, -1, 1, 2, 3, 7, 1L << 31, (1L << 31) - 1, 1L << 40, Long.MAX_VALUE};
  static final long[] INTS = {0, -1, 1, 2, 3, 5, 100, 1L << 30, 1L << 40, -(1L << 40), Long.MIN_VALUE};

  static void mutateOnce(ModelProto.Builder m, Random r) {
    var g = m.getGraphBuilder();
    switch (r.nextInt(10)) {
      case 0 -> { // a dim of a graph input or output
        List<ValueInfoProto.Builder> vs = new ArrayList<>(g.getInputBuilderList());
        vs.addAll(g.getOutputBuilderList());
        if (vs.isEmpty()) return;
        var shape = vs.get(r.nextInt(vs.size())).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        if (shape.getDimCount() == 0) return;
        shape.setDim(r.nextInt(shape.getDimCount()), TensorShapeProto.Dimension.newBuilder().setDimValue(DIMS[r.nextInt(DIMS.length)]));
      }
      case 1 -> { // an initializer's dims, data untouched
        if (g.getInitializerCount() == 0) return;
        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
        if (t.getDimsCount() == 0) t.addDims(DIMS[r.nextInt(DIMS.length)]);
        else t.setDims(r.nextInt(t.getDimsCount()), DIMS[r.nextInt(DIMS.length)]);
      }
      case 2 -> { // an initializer's data truncated
        if (g.getInitializerCount() == 0) return;
        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
        if (!t.getRawData().isEmpty()) t.setRawData(t.getRawData().substring(0, r.nextInt(t.getRawData().size())));
        else if (t.getFloatDataCount() > 0) {
          List<Float> keep = new ArrayList<>(t.getFloatDataList().subList(0, r.nextInt(t.getFloatDataCount())));
          t.clearFloatData().addAllFloatData(keep);
        }
      }
      case 3 -> { // an initializer's data type
        if (g.getInitializerCount() == 0) return;
        int[] types = {0, 2, 3, 6, 7, 10, 11, 16, 999};
        g.getInitializerBuilder(r.nextInt(g.getInitializerCount())).setDataType(types[r.nextInt(types.length)]);
      }
      case 4 -> { // an attribute value
        if (g.getNodeCount() == 0) return;
        NodeProto.Builder nb = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
        if (nb.getAttributeCount() == 0) return;
        AttributeProto.Builder a = nb.getAttributeBuilder(r.nextInt(nb.getAttributeCount()));
        if (a.getIntsCount() > 0) a.setInts(r.nextInt(a.getIntsCount()), INTS[r.nextInt(INTS.length)]);
        else if (a.getType() == AttributeProto.AttributeType.INT) a.setI(INTS[r.nextInt(INTS.length)]);
        else if (a.getType() == AttributeProto.AttributeType.FLOAT) a.setF(r.nextBoolean() ? Float.NaN : -1e30f);
        else a.setType(AttributeProto.AttributeType.forNumber(1 + r.nextInt(10)) == null
            ? AttributeProto.AttributeType.INT : AttributeProto.AttributeType.forNumber(1 + r.nextInt(10)));
      }
      case 5 -> { // a node input dropped, emptied or pointed elsewhere
        if (g.getNodeCount() == 0) return;
        NodeProto.Builder nb = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
        if (nb.getInputCount() == 0) return;
        int k = r.nextInt(nb.getInputCount());
        switch (r.nextInt(3)) {
          case 0 -> {
            List<String> in = new ArrayList<>(nb.getInputList());
            in.remove(k);
            nb.clearInput().addAllInput(in);
          }
          case 1 -> nb.setInput(k, "");
          default -> nb.setInput(k, g.getInitializerCount() > 0 ? g.getInitializer(r.nextInt(g.getInitializerCount())).getName() : "nowhere");
        }
      }
      case 6 -> { // the graph output renamed to an initializer or to nothing computed
        if (g.getOutputCount() == 0) return;
        String to = r.nextBoolean() && g.getInitializerCount() > 0 ? g.getInitializer(0).getName() : "nowhere";
        g.getOutputBuilder(0).setName(to);
      }
      case 7 -> { // the opset
        long[] opsets = {0, 1, 6, 7, 11, 18, 19, 99};
        if (m.getOpsetImportCount() > 0) m.getOpsetImportBuilder(0).setVersion(opsets[r.nextInt(opsets.length)]);
      }
      case 8 -> { // non-finite weights
        if (g.getInitializerCount() == 0) return;
        TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
        float bad = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
        if (t.getFloatDataCount() > 0) t.setFloatData(r.nextInt(t.getFloatDataCount()), bad);
        else if (t.getRawData().size() >= 4 && t.getDataType() == 1) {
          byte[] raw = t.getRawData().toByteArray();
          int at = 4 * r.nextInt(raw.length / 4);
          int bits = Float.floatToRawIntBits(bad);
          for (int b = 0; b < 4; b++) raw[at + b] = (byte) (bits >>> (8 * b));
          t.setRawData(ByteString.copyFrom(raw));
        }
      }
      default -> { // an op type swapped
        if (g.getNodeCount() == 0) return;
        String[] ops = {"Conv", "Gemm", "Add", "Sub", "Div", "Relu", "MaxPool", "Reshape", "Pad", "Concat", "Slice", "Nope"};
        g.getNodeBuilder(r.nextInt(g.getNodeCount())).setOpType(ops[r.nextInt(ops.length)]);
      }
    }
  }
}
