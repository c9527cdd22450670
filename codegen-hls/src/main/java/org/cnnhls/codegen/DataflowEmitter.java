package org.cnnhls.codegen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cnnhls.engine.dataflow.DataflowPlan;
import org.cnnhls.engine.dataflow.DataflowStage;
import org.cnnhls.engine.dataflow.PixelShape;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.ActivationQuant;
import org.cnnhls.ir.quant.BitAccurateInterpreter;
import org.cnnhls.ir.quant.FixedType;
import org.cnnhls.ir.quant.LinearQuant;
import org.cnnhls.ir.quant.QuantizedGraph;

/**
 * Writes a dataflow accelerator project for a {@link DataflowPlan}: hls/ (the top function with one
 * process per stage in a DATAFLOW region, the stage configurations, the weight ROMs, the static
 * kernels of templates' cnnhls/dataflow/ with the base types and requantize of the overlay library,
 * the testbench with golden vectors for every given input image, Makefile, run_hls.tcl), report.md,
 * report.json and a README. Written to a temporary folder renamed at the end; deterministic.
 */
public final class DataflowEmitter {
  private DataflowEmitter() {}

  /** The written project: its folder, the images and values the testbench checks. */
  public record Result(Path dir, int images, long checkedValues) {}

  /**
   * Writes the project for {@code plan} (lowered from {@code q}) to {@code out}, with the golden
   * outputs of {@code inputs} (float images in the graph input's NCHW layout). {@code choice} is a
   * line saying why this architecture was chosen (or null); it goes into the report.
   */
  public static Result emit(Path out, boolean force, Path modelFile, String model, QuantizedGraph q, DataflowPlan plan,
      List<float[]> inputs, String choice) {
    ProjectEmitter.checkOutput(out, force, modelFile);
    if (!plan.fit().fits() && !force) {
      throw new IllegalArgumentException("refusing to emit a dataflow design over " + plan.board().name() + "'s caps: " + plan.fit().overflow());
    }
    if (inputs.isEmpty()) throw new IllegalArgumentException("a dataflow project needs at least one golden input");
    Path abs = out.toAbsolutePath().normalize();
    Path tmp = null, aside = null;
    try {
      Files.createDirectories(abs.getParent());
      tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".tmp-");
      long checked = writeProject(tmp, model, q, plan, inputs, choice);
      List<String> written;
      Path root = tmp;
      try (var s = Files.walk(root)) {
        written = s.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace(java.io.File.separatorChar, '/')).sorted().toList();
      }
      StringBuilder marker = new StringBuilder("cnnhls generated project (dataflow); `cnnhls compile` may replace this folder\n");
      for (String f : written) marker.append(f).append('\n');
      Files.writeString(tmp.resolve(ProjectEmitter.MARKER), marker.toString(), StandardCharsets.UTF_8);
      if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
        aside = abs.resolveSibling("." + abs.getFileName() + ".old-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.move(abs, aside, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        if (aside != null) Files.move(aside, abs, StandardCopyOption.ATOMIC_MOVE);
        aside = null;
        throw e;
      }
      if (aside != null) ProjectEmitter.deleteRecursively(aside);
      return new Result(abs, inputs.size(), checked);
    } catch (IOException e) {
      throw new OutputDirectoryException("cannot write " + out + ": " + e.getMessage());
    } finally {
      if (tmp != null && Files.exists(tmp)) {
        try {
          ProjectEmitter.deleteRecursively(tmp);
        } catch (IOException ignored) {
          // a hidden temporary folder is all that can remain
        }
      }
    }
  }

  private static long writeProject(Path dir, String model, QuantizedGraph q, DataflowPlan plan, List<float[]> inputs, String choice)
      throws IOException {
    String project = CppNames.identifier(model);
    Path hls = Files.createDirectories(dir.resolve("hls"));
    Path data = Files.createDirectories(hls.resolve("data"));
    List<String> library = new ArrayList<>();
    for (String f : listed("dataflow/SHARED")) {
      Files.write(hls.resolve(f), TemplateLibrary.read(f));
      library.add(f);
    }
    for (String f : TemplateLibrary.files("dataflow/")) {
      Files.write(hls.resolve(f), TemplateLibrary.read("dataflow/" + f));
      library.add(f);
    }
    write(hls.resolve("cnnhls_df_top.h"), topHeader(model, q, plan, inputs.size()));
    write(hls.resolve("cnnhls_df_weights.h"), weights(q, plan));
    write(hls.resolve("cnnhls_df_top.cpp"), topSource(plan));
    write(hls.resolve("Makefile"), ProjectEmitter.resource("dataflow/Makefile"));
    DataflowSystemC.write(dir, plan);
    Map<String, String> vars = variables(model, project, q, plan);
    StringBuilder add = new StringBuilder("add_files cnnhls_df_top.cpp -cflags \"-std=c++14 -I.\"\nadd_files cnnhls_df_top.h\nadd_files cnnhls_df_weights.h");
    for (String f : library) {
      if (f.endsWith(".h")) add.append(f.startsWith("cnnhls_tb") || f.equals("cnnhls_df_trace.h") ? "\nadd_files -tb " : "\nadd_files ").append(f);
    }
    vars.put("ADD_FILES", add.toString());
    write(hls.resolve("run_hls.tcl"), ProjectEmitter.fill(ProjectEmitter.resource("dataflow/run_hls.tcl"), vars));

    // golden vectors: every image through the golden model, both ends in stream order
    String in = plan.inputValue(), outV = plan.outputValue();
    PixelShape ps = plan.stages().get(0).out(), po = plan.stages().get(plan.stages().size() - 1).in();
    int inValues = ps.values(), outValues = po.values();
    int[] inAll = new int[inputs.size() * inValues], goldAll = new int[inputs.size() * outValues];
    BitAccurateInterpreter interp = new BitAccurateInterpreter(q);
    for (int i = 0; i < inputs.size(); i++) {
      int[] raw = q.quantizeInput(in, inputs.get(i));
      int[] y = interp.run(Map.of(in, raw)).get(outV);
      System.arraycopy(streamOrder(raw, ps), 0, inAll, i * inValues, inValues);
      System.arraycopy(streamOrder(y, po), 0, goldAll, i * outValues, outValues);
    }
    BinaryFiles.writeInts(data.resolve("input.bin"), inAll, storageBytes(ps.width()));
    BinaryFiles.writeInts(data.resolve("golden.bin"), goldAll, storageBytes(po.width()));

    DataflowReport report = DataflowReport.of(model, q, plan, choice);
    Files.write(dir.resolve("report.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(report));
    write(dir.resolve("report.md"), report.toMarkdown());
    write(dir.resolve("README.md"), ProjectEmitter.fill(ProjectEmitter.resource("dataflow/README.md"), vars));
    return (long) goldAll.length;
  }

  private static List<String> listed(String file) {
    List<String> out = new ArrayList<>();
    for (String line : new String(TemplateLibrary.read(file), StandardCharsets.UTF_8).split("\n")) {
      String f = line.trim();
      if (!f.isEmpty() && !f.startsWith("#")) out.add(f);
    }
    return out;
  }

  /** NCHW (or a vector) to the stream's order: pixel by pixel, channels innermost. */
  static int[] streamOrder(int[] nchw, PixelShape s) {
    int hw = s.pixels(), c = s.c();
    int[] out = new int[nchw.length];
    for (int ch = 0; ch < c; ch++) for (int p = 0; p < hw; p++) out[p * c + ch] = nchw[ch * hw + p];
    return out;
  }

  static int storageBytes(int width) {
    return width <= 8 ? 1 : width <= 16 ? 2 : 4;
  }

  static String storageType(int width) {
    return width <= 8 ? "signed char" : width <= 16 ? "short" : "int";
  }

  /** C++ identifier of stage i (index, kind, the node's sanitized name). */
  static String id(DataflowPlan plan, int i) {
    DataflowStage s = plan.stages().get(i);
    String kind = s instanceof DataflowStage.Conv ? "conv" : s instanceof DataflowStage.Fc ? "fc" : s instanceof DataflowStage.Pool ? "pool"
        : s instanceof DataflowStage.Input ? "in" : "out";
    String base = "s" + i + "_" + kind;
    return s.node().isEmpty() ? base : CppNames.identifier(base + "_" + s.node());
  }

  private static String pixelType(PixelShape s) {
    return "cnnhls_df::pixel<" + s.c() + ", " + s.width() + ">";
  }

  private static String topHeader(String model, QuantizedGraph q, DataflowPlan plan, int images) {
    List<DataflowStage> st = plan.stages();
    PixelShape in = st.get(0).out(), out = st.get(st.size() - 1).in();
    StringBuilder sb = new StringBuilder();
    sb.append("// Generated by cnnhls: the dataflow accelerator of ").append(CppNames.literal(model)).append(" on ")
        .append(plan.board().name()).append(": stage configurations (one struct per stage, read by the static kernels).\n");
    sb.append("#ifndef CNNHLS_DF_TOP_H\n#define CNNHLS_DF_TOP_H\n\n#include \"cnnhls_df_types.h\"\n\n");
    sb.append("// The AXI streams: one raw value per beat.\n");
    sb.append("typedef ap_int<").append(in.width()).append("> df_in_t;\ntypedef ap_int<").append(out.width()).append("> df_out_t;\n");
    sb.append("#if CNNHLS_VITIS\ntypedef hls::stream<df_in_t> df_in_stream;\ntypedef hls::stream<df_out_t> df_out_stream;\n#else\n");
    sb.append("typedef hls::stream<df_in_t, ").append(in.values()).append("> df_in_stream;\ntypedef hls::stream<df_out_t, ")
        .append(out.values()).append("> df_out_stream;\n#endif\n");
    sb.append("static const int DF_IN_W = ").append(in.width()).append(", DF_OUT_W = ").append(out.width()).append(";\n");
    sb.append("static const int DF_IN_VALUES = ").append(in.values()).append(", DF_OUT_VALUES = ").append(out.values()).append(";\n");
    sb.append("static const int DF_IMAGES = ").append(images).append(";  // golden images in data/\n\n");
    Graph g = q.graph();
    for (int i = 0; i < st.size(); i++) {
      DataflowStage s = st.get(i);
      sb.append("// stage ").append(i).append(": ").append(CppNames.literal(s.op())).append(s.node().isEmpty() ? "" : " (node " + CppNames.literal(s.node()) + ")")
          .append(", ").append(s.in()).append(" -> ").append(s.out()).append(", ").append(s.cycles()).append(" cycles per image (modeled)\n");
      sb.append("struct cfg_").append(id(plan, i)).append(" {\n");
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("SID", i);
      if (s instanceof DataflowStage.Input || s instanceof DataflowStage.Output) {
        PixelShape p = s instanceof DataflowStage.Input ? s.out() : s.in();
        f.put("PIXELS", p.pixels());
        f.put("C", p.c());
        f.put("W", p.width());
      } else if (s instanceof DataflowStage.Pool p) {
        f.put("IH", p.in().h());
        f.put("IW", p.in().w());
        f.put("C", p.in().c());
        f.put("OH", p.out().h());
        f.put("OW_PIX", p.out().w());
        f.put("KH", p.kh());
        f.put("KW", p.kw());
        f.put("AW", p.in().width());
      } else if (s instanceof DataflowStage.Conv c) {
        f.put("IH", c.in().h());
        f.put("IW", c.in().w());
        f.put("CIN", c.in().c());
        f.put("OH", c.out().h());
        f.put("OW_PIX", c.out().w());
        f.put("COUT", c.out().c());
        f.put("KH", c.kh());
        f.put("KW", c.kw());
        f.put("SH", c.sh());
        f.put("SW", c.sw());
        f.put("PT", c.padTop());
        f.put("PL", c.padLeft());
        f.put("PH", c.paddedH());
        f.put("PW", c.paddedW());
        f.put("CS", c.channelsPerWord());
        f.put("MC", c.columnsPerWord());
        f.put("CB", c.channelFold());
        mac(f, q, s.node(), c.pe(), c.simd(), c.neuronFold(), c.synapseFold(), c.in().width(), c.weightWidth(), c.out().width(),
            c.accWidth(), c.multWidth());
      } else if (s instanceof DataflowStage.Fc c) {
        f.put("PIXELS", c.in().pixels());
        f.put("C", c.in().c());
        f.put("N", c.out().c());
        mac(f, q, s.node(), c.pe(), c.simd(), c.neuronFold(), c.synapseFold(), c.in().width(), c.weightWidth(), c.out().width(),
            c.accWidth(), c.multWidth());
      }
      for (var e : f.entrySet()) {
        if (e.getKey().equals("w_t")) sb.append("  typedef ").append(e.getValue()).append(" w_t;\n");
        else if (e.getKey().equals("HAS_M")) sb.append("  static const bool HAS_M = ").append(e.getValue()).append(";\n");
        else sb.append("  static const int ").append(e.getKey()).append(" = ").append(e.getValue()).append(";\n");
      }
      sb.append("};\n\n");
    }
    sb.append("void cnnhls_df_top(df_in_stream &in, df_out_stream &out);\n\n#endif\n");
    return sb.toString();
  }

  private static void mac(Map<String, Object> f, QuantizedGraph q, String node, int pe, int simd, int nf, int sf, int aw, int ww, int ow,
      int accW, int multW) {
    f.put("PE", pe);
    f.put("SIMD", simd);
    f.put("NF", nf);
    f.put("SF", sf);
    f.put("AW", aw);
    f.put("WW", ww);
    f.put("OW", ow);
    f.put("ACC_W", accW);
    f.put("MW", Math.max(1, multW));
    f.put("HAS_M", multW > 0);
    ActivationQuant a = q.activations().get(node);
    FixedType fo = q.format(q.graph().nodes().stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow().output());
    if (a == null) a = new ActivationQuant((int) fo.minRaw(), (int) fo.maxRaw(), false, 1, 0, fo.width());
    if (a.table() != null) throw new IllegalStateException("node " + node + ": table activations have no dataflow stage");
    f.put("ACT_LO", a.lo());
    f.put("ACT_HI", a.hi());
    f.put("LEAKY", a.leaky() ? 1 : 0);
    f.put("LEAK_M", a.leakMultiplier());
    f.put("LEAK_S", a.leakShift());
    f.put("w_t", storageType(ww));
  }

  /** The ROM contents: per conv/FC stage its weights in the kernel's [NF * SF][PE][SIMD] order, bias, multipliers, shifts. */
  private static String weights(QuantizedGraph q, DataflowPlan plan) {
    StringBuilder sb = new StringBuilder("// Generated by cnnhls: the weight ROMs of the dataflow stages (raw values of the quantized model).\n");
    sb.append("#ifndef CNNHLS_DF_WEIGHTS_H\n#define CNNHLS_DF_WEIGHTS_H\n\n#include \"cnnhls_df_top.h\"\n\n");
    Graph g = q.graph();
    for (int i = 0; i < plan.stages().size(); i++) {
      DataflowStage s = plan.stages().get(i);
      if (!(s instanceof DataflowStage.Conv || s instanceof DataflowStage.Fc)) continue;
      Node n = g.nodes().stream().filter(x -> x.name().equals(s.node())).findFirst().orElseThrow();
      LinearQuant lq = q.linear().get(n.name());
      String id = id(plan, i), cfg = "cfg_" + id;
      int pe = s.pe(), simd = s.simd(), rows;
      int[][] table;
      if (s instanceof DataflowStage.Conv c) {
        rows = c.neuronFold() * c.synapseFold();
        int cb = c.channelFold(), cin = c.in().c(), cs = c.channelsPerWord(), mc = c.columnsPerWord(), groups = c.kw() / mc;
        table = new int[rows][pe * simd];
        for (int r = 0; r < rows; r++) {
          // row r = nf * SF + sf, sf = (ky * (kw / MC) + kg) * CB + cb; lane mc * CS + s is tap kg * MC + mc, channel cb * CS + s
          int nf = r / c.synapseFold(), sf = r % c.synapseFold(), cbi = sf % cb, kg = sf / cb % groups, ky = sf / cb / groups;
          for (int p = 0; p < pe; p++) {
            int oc = nf * pe + p;
            for (int x = 0; x < simd; x++) {
              int ch = cbi * cs + x % cs, kx = kg * mc + x / cs;
              table[r][p * simd + x] = lq.weights()[((oc * cin + ch) * c.kh() + ky) * c.kw() + kx];
            }
          }
        }
      } else {
        DataflowStage.Fc c = (DataflowStage.Fc) s;
        rows = c.neuronFold() * c.synapseFold();
        int k = c.in().values(), nOut = c.out().c(), chans = c.in().c(), pixels = c.in().pixels();
        boolean transB = n.op() instanceof Op.FusedGemm fg ? fg.transB() : ((Op.Gemm) n.op()).transB();
        table = new int[rows][pe * simd];
        for (int r = 0; r < rows; r++) {
          int nf = r / c.synapseFold(), sf = r % c.synapseFold();
          for (int p = 0; p < pe; p++) {
            int o = nf * pe + p;
            for (int x = 0; x < simd; x++) {
              int j = sf * simd + x, onnx = (j % chans) * pixels + j / chans; // stream order (y, x, c) -> flatten order (c, y, x)
              table[r][p * simd + x] = lq.weights()[transB ? o * k + onnx : onnx * nOut + o];
            }
          }
        }
      }
      sb.append("static const ").append(cfg).append("::w_t ").append(id).append("_w[").append(rows).append("][").append(pe).append("][")
          .append(simd).append("] = {\n");
      for (int r = 0; r < rows; r++) {
        sb.append('{');
        for (int p = 0; p < pe; p++) {
          sb.append('{');
          for (int x = 0; x < simd; x++) sb.append(x > 0 ? "," : "").append(table[r][p * simd + x]);
          sb.append(p < pe - 1 ? "}," : "}");
        }
        sb.append(r < rows - 1 ? "},\n" : "}\n");
      }
      sb.append("};\n");
      int outs = s.out().c();
      sb.append("static const ap_int<").append(cfg).append("::ACC_W> ").append(id).append("_bias[").append(outs).append("] = {");
      for (int o = 0; o < outs; o++) sb.append(o > 0 ? "," : "").append(lq.bias()[o]).append("LL");
      sb.append("};\nstatic const ap_uint<").append(cfg).append("::MW> ").append(id).append("_mult[").append(outs).append("] = {");
      for (int o = 0; o < outs; o++) sb.append(o > 0 ? "," : "").append(lq.multiplier()[o]).append('u');
      sb.append("};\nstatic const ap_int<8> ").append(id).append("_shift[").append(outs).append("] = {");
      for (int o = 0; o < outs; o++) sb.append(o > 0 ? "," : "").append(lq.shift()[o]);
      sb.append("};\n\n");
    }
    sb.append("#endif\n");
    return sb.toString();
  }

  private static String topSource(DataflowPlan plan) {
    List<DataflowStage> st = plan.stages();
    StringBuilder sb = new StringBuilder("// Generated by cnnhls: the dataflow accelerator's top function. One process per stage in a DATAFLOW\n"
        + "// region, pixel streams between them (depth " + DataflowPlan.FIFO_DEPTH + " in synthesis), AXI-Stream in and out, weights in on-chip ROMs\n"
        + "// partitioned for each stage's PE x SIMD reads per cycle.\n");
    sb.append("#include \"cnnhls_df_top.h\"\n#include \"cnnhls_df_weights.h\"\n#include \"cnnhls_df_io.h\"\n#include \"cnnhls_df_conv.h\"\n")
        .append("#include \"cnnhls_df_pool.h\"\n#include \"cnnhls_df_fc.h\"\n\n");
    sb.append("void cnnhls_df_top(df_in_stream &in, df_out_stream &out) {\n");
    sb.append("  CNNHLS_PRAGMA(HLS INTERFACE axis port=in)\n  CNNHLS_PRAGMA(HLS INTERFACE axis port=out)\n");
    sb.append("  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=return)\n");
    for (int i = 0; i < st.size(); i++) {
      DataflowStage s = st.get(i);
      if (!(s instanceof DataflowStage.Conv || s instanceof DataflowStage.Fc)) continue;
      String id = id(plan, i);
      sb.append("  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=").append(id).append("_w complete dim=2)\n");
      sb.append("  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=").append(id).append("_w complete dim=3)\n");
      if (s.pe() > 1) {
        for (String a : new String[] {"_bias", "_mult", "_shift"}) {
          sb.append("  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=").append(id).append(a).append(" cyclic factor=").append(s.pe()).append(" dim=1)\n");
        }
      }
    }
    sb.append("  CNNHLS_PRAGMA(HLS DATAFLOW)\n");
    for (int i = 0; i + 1 < st.size(); i++) {
      PixelShape p = st.get(i).out();
      sb.append("  typedef ").append(pixelType(p)).append(" st").append(i).append("_t;\n");
      sb.append("  CNNHLS_DF_STREAM(st").append(i).append("_t, st").append(i).append(", ").append(p.pixels()).append(");\n");
      sb.append("  CNNHLS_PRAGMA(HLS STREAM variable=st").append(i).append(" depth=").append(DataflowPlan.FIFO_DEPTH).append(")\n");
    }
    for (int i = 0; i < st.size(); i++) {
      DataflowStage s = st.get(i);
      String id = id(plan, i), cfg = "cfg_" + id, src = i == 0 ? "in" : "st" + (i - 1), dst = i == st.size() - 1 ? "out" : "st" + i;
      sb.append("  ");
      if (s instanceof DataflowStage.Input) sb.append("cnnhls_df::input_adapter<").append(cfg).append(">(").append(src).append(", ").append(dst).append(");\n");
      else if (s instanceof DataflowStage.Output) sb.append("cnnhls_df::output_adapter<").append(cfg).append(">(").append(src).append(", ").append(dst).append(");\n");
      else if (s instanceof DataflowStage.Pool) sb.append("cnnhls_df::maxpool_stage<").append(cfg).append(">(").append(src).append(", ").append(dst).append(");\n");
      else {
        sb.append(s instanceof DataflowStage.Conv ? "cnnhls_df::conv_stage<" : "cnnhls_df::fc_stage<").append(cfg).append(">(").append(src).append(", ")
            .append(dst).append(", ").append(id).append("_w, ").append(id).append("_bias, ").append(id).append("_mult, ").append(id).append("_shift);\n");
      }
    }
    sb.append("}\n");
    return sb.toString();
  }

  static Map<String, String> variables(String model, String project, QuantizedGraph q, DataflowPlan plan) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("MODEL", CppNames.literal(model));
    v.put("PROJECT", project);
    v.put("IP_NAME", "cnnhls_df_" + project);
    v.put("BOARD", plan.board().name());
    v.put("PART", plan.board().part());
    v.put("CLOCK_MHZ", String.format(Locale.ROOT, "%.1f", plan.clockMHz()));
    v.put("PERIOD_NS", String.format(Locale.ROOT, "%.3f", 1000.0 / plan.clockMHz()));
    v.put("STAGES", String.valueOf(plan.stages().size()));
    v.put("INTERVAL", String.valueOf(plan.intervalCycles()));
    v.put("FIFO_DEPTH", String.valueOf(DataflowPlan.FIFO_DEPTH));
    v.put("THROUGHPUT", String.format(Locale.ROOT, "%.0f", plan.imagesPerSecond()));
    v.put("LATENCY_US", String.format(Locale.ROOT, "%.2f", plan.latencySeconds() * 1e6));
    v.put("INPUT_FORMAT", q.format(plan.inputValue()).toString());
    v.put("OUTPUT_FORMAT", q.format(plan.outputValue()).toString());
    return v;
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
