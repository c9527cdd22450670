package org.cnnhls.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Print a per-layer table of an ONNX model: op, shapes, MACs and parameters, with totals.")
final class InspectCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "MODEL", description = "the ONNX model file")
  Path model;

  @Option(names = "--json", description = "print JSON instead of a table")
  boolean json;

  @Spec CommandSpec spec;

  /** One row of the table. */
  record Layer(String name, String op, List<String> inputs, String output, long macs, long params, String attributes) {}

  static List<Layer> layers(Graph g) {
    List<Layer> rows = new ArrayList<>();
    for (Node n : g.nodes()) {
      List<String> ins = n.inputs().stream().filter(i -> !i.isEmpty() && !g.isConstant(i))
          .map(i -> g.shape(i).toString()).collect(Collectors.toList());
      rows.add(new Layer(n.name(), n.op().type(), ins, g.shape(n.output()).toString(), g.macs(n), g.params(n),
          n.op().attributes()));
    }
    return rows;
  }

  @Override
  public Integer call() throws Exception {
    Graph g = ModelLoader.load(model);
    PrintWriter out = spec.commandLine().getOut();
    List<Layer> rows = layers(g);
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("model", g.name());
      doc.put("file", model.toString());
      doc.put("inputs", g.inputs().stream().map(i -> Map.of("name", i.name(), "shape", i.shape().toString())).toList());
      doc.put("outputs", g.outputs().stream().map(o -> Map.of("name", o, "shape", g.shape(o).toString())).toList());
      doc.put("layers", rows);
      doc.put("totalMacs", g.totalMacs());
      doc.put("totalParams", g.totalParams());
      doc.put("carriedQuantization", carried(g));
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
    } else {
      printTable(out, g, rows);
      Map<String, String> carried = carried(g);
      if (!carried.isEmpty()) {
        out.println("carried quantization (quantize and compile keep it; --requantize calibrates from float instead):");
        int w = carried.keySet().stream().mapToInt(String::length).max().orElse(0);
        carried.forEach((k, v) -> out.printf("  %-" + w + "s  %s%n", k, v));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * The formats a pre-quantized model carries: per quantized value its quantization and the
   * fixed-point format cnnhls keeps it in, per quantized weight tensor its quantization; a model
   * whose quantization cannot be kept says why.
   */
  static Map<String, String> carried(Graph g) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!org.cnnhls.ir.quant.ModelQuantization.carries(g)) return out;
    try {
      org.cnnhls.ir.quant.ModelQuantization.carriedValues(g).forEach((v, s) -> out.put(v, s.describe() + " -> "
          + org.cnnhls.ir.quant.ModelQuantization.carriedFormat(s) + (s.symmetric() ? "" : " (raw = q - zero point)")
          + (s.powerOfTwo() ? "" : " (real scale kept)")));
    } catch (org.cnnhls.ir.ModelException e) {
      out.put("(not keepable)", e.getMessage());
    }
    for (Node n : g.nodes()) {
      for (int i = 1; i < n.inputs().size(); i++) {
        String in = n.input(i);
        if (!in.isEmpty() && g.isConstant(in) && g.constants().get(in).quant() != null) {
          out.put(n.name() + " input " + i + " '" + in + "'", g.constants().get(in).quant().describe());
        }
      }
    }
    return out;
  }

  private static void printTable(PrintWriter out, Graph g, List<Layer> rows) {
    String[] head = {"#", "name", "op", "input", "output", "MACs", "params"};
    List<String[]> cells = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Layer r = rows.get(i);
      cells.add(new String[] {String.valueOf(i), r.name(), r.op(), String.join(" ", r.inputs()), r.output(),
          String.format("%,d", r.macs()), String.format("%,d", r.params())});
    }
    int[] width = new int[head.length];
    for (int c = 0; c < head.length; c++) {
      width[c] = head[c].length();
      for (String[] row : cells) width[c] = Math.max(width[c], row[c].length());
    }
    out.println("model " + g.name() + ": " + g.inputs().stream().map(i -> i.name() + " " + i.shape())
        .collect(Collectors.joining(", ")) + " -> " + g.outputs().stream().map(o -> o + " " + g.shape(o))
        .collect(Collectors.joining(", ")));
    printRow(out, head, width);
    for (String[] row : cells) printRow(out, row, width);
    out.printf("total: %d layers, %,d MACs (%.3f GMAC), %,d parameters (%.2f M)%n", rows.size(), g.totalMacs(),
        g.totalMacs() / 1e9, g.totalParams(), g.totalParams() / 1e6);
  }

  private static void printRow(PrintWriter out, String[] row, int[] width) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < row.length; c++) {
      boolean numeric = c == 0 || c >= 5;
      String fmt = "%" + (numeric ? "" : "-") + width[c] + "s";
      sb.append(String.format(fmt, row[c]));
      if (c < row.length - 1) sb.append("  ");
    }
    out.println(sb.toString().stripTrailing());
  }
}
