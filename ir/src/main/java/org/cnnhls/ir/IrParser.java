package org.cnnhls.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnnhls.ir.ops.Op;

/**
 * Reads the text {@link GraphPrinter} writes back into a {@link Graph}, so tests can state IR
 * before and after a pass as text. The text holds only the shapes of constants, so they get seeded
 * random values, uniform in [-1, 1); BatchNormalization variances (a constant read as a BN's fifth
 * input, or named like {@code *var}) get |v| + 0.5 so they stay positive; {@code const c: [] = 3.0}
 * gives every element of c that value instead (patterns that match constants).
 *
 * <p>Blank lines and {@code //} comment lines (such as the headers of pass dumps) are skipped. A
 * node's {@code : shapes} part may be left out, except for Resize, whose output size is only
 * there; when present it must equal the inferred shapes. Value names may not contain ", ", ")",
 * " = " or " : ".
 */
public final class IrParser {
  private static final Pattern NODE = Pattern.compile("(.+?) = (\\w+)\\(([^)]*)\\)(.*)");
  private static final Pattern SHAPE = Pattern.compile("\\[([-0-9,]*)\\]");

  private final long seed;
  private String name;
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final Map<String, Shape> constShapes = new LinkedHashMap<>();
  private final Map<String, Float> constFills = new HashMap<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Shape> statedShapes = new LinkedHashMap<>();
  private final Map<String, Integer> lineOf = new LinkedHashMap<>();
  private final List<String> outputs = new ArrayList<>();

  private IrParser(long seed) {
    this.seed = seed;
  }

  /** Parses a graph dump; throws {@link ModelException} naming the line on malformed text. */
  public static Graph parse(String text, long seed) {
    return new IrParser(seed).run(text);
  }

  private Graph run(String text) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("//")) continue;
      try {
        statement(line, i + 1);
      } catch (ModelException | IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new ModelException("IR text line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
      }
    }
    if (name == null) throw new ModelException("IR text has no 'graph NAME' line");
    Graph g = Graph.build(name, inputs, outputs, constants(), nodes);
    for (Map.Entry<String, Shape> e : statedShapes.entrySet()) {
      if (!g.shape(e.getKey()).equals(e.getValue())) {
        throw new ModelException("IR text line " + lineOf.get(e.getKey()) + ": value '" + e.getKey() + "' is written as "
            + e.getValue() + " but its inferred shape is " + g.shape(e.getKey()));
      }
    }
    return g;
  }

  private void statement(String line, int lineNo) {
    Matcher m = NODE.matcher(line);
    if (m.matches()) {
      node(m, lineNo);
      return;
    }
    String[] kw = line.split("\\s+", 2);
    String rest = kw.length > 1 ? kw[1].strip() : "";
    switch (kw[0]) {
      case "graph" -> {
        if (name != null) throw new ModelException("a second 'graph' line");
        name = rest;
      }
      case "input" -> inputs.add(new ValueInfo(declName(rest), declShape(rest)));
      case "const" -> {
        int eq = rest.indexOf(" = "); // "const c: [] = 3.0": every element of c is 3.0
        String decl = eq < 0 ? rest : rest.substring(0, eq);
        constShapes.put(declName(decl), declShape(decl));
        if (eq >= 0) constFills.put(declName(decl), Float.parseFloat(rest.substring(eq + 3).strip()));
      }
      case "output" -> outputs.add(rest);
      default -> throw new ModelException("expected graph, input, const, output or 'out = Op(inputs) ...'");
    }
  }

  private static String declName(String decl) {
    int colon = decl.lastIndexOf(": [");
    if (colon < 0) throw new ModelException("expected 'NAME: [dims]'");
    return decl.substring(0, colon).strip();
  }

  private static Shape declShape(String decl) {
    return shape(decl.substring(decl.lastIndexOf(": [") + 2).strip());
  }

  /** {@code outs = Type(ins) attrs : shapes  # nodeName}. */
  private void node(Matcher m, int lineNo) {
    List<String> outs = List.of(m.group(1).split(", "));
    String type = m.group(2);
    List<String> ins = new ArrayList<>();
    if (!m.group(3).isBlank()) for (String s : m.group(3).split(", ")) ins.add(s.strip().equals("_") ? "" : s.strip());
    String tail = m.group(4);
    String nodeName = outs.get(0);
    int hash = tail.lastIndexOf("  # ");
    if (hash >= 0) {
      nodeName = tail.substring(hash + 4).strip();
      tail = tail.substring(0, hash);
    }
    tail = tail.strip();
    String attrs = tail;
    List<Shape> shapes = null;
    int colon = tail.startsWith(":") ? 0 : tail.lastIndexOf(" : ");
    if (colon >= 0) {
      attrs = tail.substring(0, colon).strip();
      shapes = new ArrayList<>();
      Matcher sm = SHAPE.matcher(tail.substring(colon));
      while (sm.find()) shapes.add(shape(sm.group()));
      if (shapes.size() != outs.size()) throw new ModelException(outs.size() + " outputs but " + shapes.size() + " shapes");
      for (int i = 0; i < outs.size(); i++) {
        statedShapes.put(outs.get(i), shapes.get(i));
        lineOf.put(outs.get(i), lineNo);
      }
    }
    nodes.add(new Node(nodeName, op(type, attrs, shapes == null ? null : shapes.get(0)), ins, outs));
  }

  // ---------------------------------------------------------------- ops

  /** The op a dump line names; {@code out} (may be null) is its first output shape. */
  static Op op(String type, String attrText, Shape out) {
    // fused ops list their parts as " +Relu", " +Clip(min=0.0 max=6.0)", " +MaxPool(k=2x2 s=2x2)"
    String[] parts = (" " + attrText).split(" \\+");
    Attrs a = new Attrs(type, parts[0]);
    Op op = switch (type) {
      case "Conv" -> conv(a);
      case "Gemm" -> new Op.Gemm(a.f("alpha", 1f), a.f("beta", 1f), a.flag("transA"), a.flag("transB"));
      case "MatMul" -> new Op.MatMul();
      case "MaxPool" -> new Op.MaxPool(a.pair("k", null), a.pair("s", 1), a.pads(), a.pair("d", 1), a.flag("ceil"));
      case "AveragePool" -> averagePool(a);
      case "GlobalAveragePool" -> new Op.GlobalAveragePool();
      case "GlobalMaxPool" -> new Op.GlobalMaxPool();
      case "BatchNormalization" -> new Op.BatchNormalization(a.f("eps", 1e-5f));
      case "Relu" -> new Op.Relu();
      case "Relu6" -> new Op.Relu6();
      case "Clip" -> new Op.Clip(a.f("min", Float.NEGATIVE_INFINITY), a.f("max", Float.POSITIVE_INFINITY));
      case "LeakyRelu" -> new Op.LeakyRelu(a.f("alpha", 0.01f));
      case "Sigmoid" -> new Op.Sigmoid();
      case "Tanh" -> new Op.Tanh();
      case "HardSigmoid" -> new Op.HardSigmoid(a.f("alpha", 0.2f), a.f("beta", 0.5f));
      case "HardSwish" -> new Op.HardSwish();
      case "Silu" -> new Op.Silu();
      case "Gelu" -> new Op.Gelu();
      case "Erf" -> new Op.Erf();
      case "Sqrt" -> new Op.Sqrt();
      case "Reciprocal" -> new Op.Reciprocal();
      case "Pow" -> new Op.Pow(required(a.f("exponent", Float.NaN), "Pow needs exponent=..."));
      case "Softmax" -> new Op.Softmax(a.i("axis", -1), a.flag("coerce2d"));
      case "Identity" -> new Op.Identity();
      case "FakeQuant" -> new Op.FakeQuant(new org.cnnhls.ir.QuantSpec(a.i("bits", null), a.flag("signed"), a.flag("narrow"),
          a.floats("scale"), Arrays.stream(a.ints("zp")).asLongStream().toArray(), a.i("axis", -1)));
      case "Add" -> new Op.Add();
      case "Mul" -> new Op.Mul();
      case "Sub" -> new Op.Sub();
      case "Div" -> new Op.Div();
      case "Concat" -> new Op.Concat(a.i("axis", null));
      case "Flatten" -> new Op.Flatten(a.i("axis", 1));
      case "Reshape" -> new Op.Reshape(a.ints("shape"));
      case "Transpose" -> new Op.Transpose(a.ints("perm"));
      case "Pad" -> new Op.Pad(a.ints("pads"), Op.PadMode.valueOf(a.word("mode").toUpperCase(Locale.ROOT)), a.f("value", 0f));
      case "Resize" -> resize(a, out);
      case "ConvTranspose" -> new Op.ConvTranspose(a.pair("k", null), a.pair("s", 1), a.pads(), a.pair("op", 0), a.pair("d", 1),
          a.i("group", 1));
      case "Spread" -> new Op.Spread(a.pair("s", null), a.pads());
      case "Slice" -> slice(a);
      case "ChannelShuffle" -> new Op.ChannelShuffle(a.i("groups", null));
      case "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin" ->
          new Op.Reduce(Op.ReduceKind.valueOf(type.substring(6).toUpperCase(Locale.ROOT)), a.ints("axes"),
              a.i("keepdims", 1) != 0);
      case "LogSoftmax" -> new Op.LogSoftmax(a.i("axis", -1), a.flag("coerce2d"));
      case "FusedConv" -> fusedConv(conv(a), parts);
      case "FusedGemm" -> new Op.FusedGemm(a.flag("transB"), activation(parts, 1));
      case "FusedAdd" -> new Op.FusedAdd(activation(parts, 1));
      default -> throw new ModelException("unknown op '" + type + "'");
    };
    a.requireAllUsed();
    if (!type.startsWith("Fused") && parts.length > 1) throw new ModelException(type + " cannot have fused parts");
    return op;
  }

  private static float required(float v, String message) {
    if (Float.isNaN(v)) throw new ModelException(message);
    return v;
  }

  private static Op.Conv conv(Attrs a) {
    return new Op.Conv(a.pair("k", null), a.pair("s", 1), a.pads(), a.pair("d", 1), a.i("group", 1));
  }

  private static Op slice(Attrs a) {
    int[] starts = a.ints("starts"), sizes = a.ints("sizes");
    int[] steps = a.has("steps") ? a.ints("steps") : null;
    if (steps == null) {
      steps = new int[starts.length];
      Arrays.fill(steps, 1);
    }
    return new Op.Slice(starts, steps, sizes);
  }

  private static Op averagePool(Attrs a) {
    int[] d = a.pair("d", 1);
    if (d[0] != 1 || d[1] != 1) throw new ModelException("AveragePool has no dilation");
    return new Op.AveragePool(a.pair("k", null), a.pair("s", 1), a.pads(), a.flag("ceil"), a.flag("count_include_pad"));
  }

  private static Op resize(Attrs a, Shape out) {
    if (out == null) throw new ModelException("Resize needs its output shape (': [dims]')");
    boolean linear = a.flag("linear");
    if (!linear && !a.flag("nearest")) throw new ModelException("Resize must be 'nearest' or 'linear'");
    Op.CoordinateMode coord = null;
    for (Op.CoordinateMode c : Op.CoordinateMode.values()) if (a.flag(c.name().toLowerCase(Locale.ROOT))) coord = c;
    Op.NearestMode nearest = null;
    for (Op.NearestMode n : Op.NearestMode.values()) if (a.flag(n.name().toLowerCase(Locale.ROOT))) nearest = n;
    if (coord == null || nearest == null) throw new ModelException("Resize needs a coordinate mode and a nearest mode");
    return new Op.Resize(out.dims(), a.floats("scales"), coord, nearest, linear);
  }

  private static Op fusedConv(Op.Conv conv, String[] parts) {
    Op.Activation act = null;
    Op.MaxPool pool = null;
    for (int i = 1; i < parts.length; i++) {
      Op part = part(parts[i]);
      if (part instanceof Op.MaxPool p && pool == null) {
        pool = p;
      } else if (part instanceof Op.Activation x && act == null && pool == null) {
        act = x;
      } else {
        throw new ModelException("FusedConv takes an activation, then a MaxPool; got +" + parts[i]);
      }
    }
    return new Op.FusedConv(conv, act, pool);
  }

  /** The activation in parts[from], if any; nothing may follow it. */
  private static Op.Activation activation(String[] parts, int from) {
    if (parts.length > from + 1) throw new ModelException("only one fused activation is allowed");
    if (parts.length == from) return null;
    if (part(parts[from]) instanceof Op.Activation x) return x;
    throw new ModelException("+" + parts[from] + " is not an activation");
  }

  /** {@code Relu} or {@code Clip(min=0.0 max=6.0)}. */
  private static Op part(String text) {
    text = text.strip();
    int paren = text.indexOf('(');
    if (paren < 0) return op(text, "", null);
    if (!text.endsWith(")")) throw new ModelException("unbalanced parentheses in +" + text);
    return op(text.substring(0, paren), text.substring(paren + 1, text.length() - 1), null);
  }

  // ---------------------------------------------------------------- values

  private Map<String, Tensor> constants() {
    Set<String> variances = new HashSet<>();
    for (Node n : nodes) if (n.op() instanceof Op.BatchNormalization && n.hasInput(4)) variances.add(n.input(4));
    Random random = new Random(seed);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> c : constShapes.entrySet()) {
      boolean variance = variances.contains(c.getKey()) || c.getKey().toLowerCase(Locale.ROOT).endsWith("var");
      float[] v = new float[c.getValue().size()];
      for (int i = 0; i < v.length; i++) {
        float x = (float) (random.nextDouble() * 2 - 1);
        v[i] = constFills.containsKey(c.getKey()) ? constFills.get(c.getKey()) : variance ? Math.abs(x) + 0.5f : x;
      }
      out.put(c.getKey(), Tensor.wrap(c.getValue(), v));
    }
    return out;
  }

  private static Shape shape(String text) {
    Matcher m = SHAPE.matcher(text.strip());
    if (!m.matches()) throw new ModelException("expected a shape like [1,3,32,32], got '" + text + "'");
    return new Shape(m.group(1).isEmpty() ? new int[0] : Arrays.stream(m.group(1).split(",")).mapToInt(Integer::parseInt).toArray());
  }

  /**
   * The attributes of one op: {@code key=value} tokens and bare flags, split at blanks. Every
   * token must be used by the op, so a typo in a test's IR is an error rather than a default.
   */
  private static final class Attrs {
    private final String type;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> flags = new HashSet<>();
    private final Set<String> used = new HashSet<>();

    Attrs(String type, String text) {
      this.type = type;
      for (String tok : text.strip().split("\\s+")) {
        if (tok.isEmpty()) continue;
        int eq = tok.indexOf('=');
        if (eq < 0) flags.add(tok);
        else values.put(tok.substring(0, eq), tok.substring(eq + 1));
      }
    }

    boolean has(String key) {
      return values.containsKey(key);
    }

    boolean flag(String name) {
      used.add(name);
      return flags.contains(name);
    }

    private String raw(String key, boolean required) {
      used.add(key);
      String v = values.get(key);
      if (v == null && required) throw new ModelException(type + " needs " + key + "=...");
      return v;
    }

    String word(String key) {
      return raw(key, true);
    }

    float f(String key, float dflt) {
      String v = raw(key, false);
      return v == null ? dflt : Float.parseFloat(v);
    }

    int i(String key, Integer dflt) {
      String v = raw(key, dflt == null);
      return v == null ? dflt : Integer.parseInt(v);
    }

    /** {@code 3x3}; {@code dflt} for both when absent, required if {@code dflt} is null. */
    int[] pair(String key, Integer dflt) {
      String v = raw(key, dflt == null);
      if (v == null) return new int[] {dflt, dflt};
      String[] p = v.split("x");
      if (p.length != 2) throw new ModelException(type + " " + key + " must look like 3x3, got " + v);
      return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    /** {@code p=top,left,bottom,right}, zero when absent. */
    int[] pads() {
      String v = raw("p", false);
      if (v == null) return new int[4];
      int[] p = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
      if (p.length != 4) throw new ModelException(type + " p= needs 4 values, got " + v);
      return p;
    }

    /** {@code [0,2,3,1]} or a shape. */
    int[] ints(String key) {
      return shape(raw(key, true)).dims();
    }

    float[] floats(String key) {
      String v = raw(key, true);
      if (!v.startsWith("[") || !v.endsWith("]")) throw new ModelException(type + " " + key + " must be a list like [1.0,2.0]");
      String[] p = v.substring(1, v.length() - 1).split(",");
      float[] out = new float[p.length];
      for (int k = 0; k < p.length; k++) out[k] = Float.parseFloat(p[k]);
      return out;
    }

    void requireAllUsed() {
      List<String> unknown = new ArrayList<>();
      for (String k : values.keySet()) if (!used.contains(k)) unknown.add(k + "=");
      for (String f : flags) if (!used.contains(f)) unknown.add(f);
      if (!unknown.isEmpty()) throw new ModelException(type + " has no attribute " + String.join(", ", unknown));
    }
  }
}
