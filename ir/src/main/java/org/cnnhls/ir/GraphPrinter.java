package org.cnnhls.ir;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Text form of a graph, one line per value-producing statement, stable across runs:
 *
 * <pre>
 * graph lenet
 *   input  x: [1,1,28,28]
 *   const  conv1.w: [6,1,5,5]
 *   conv1 = Conv(x, conv1.w, conv1.b) k=5x5 s=1x1 p=2,2,2,2 : [1,6,28,28]
 *   output y
 * </pre>
 */
public final class GraphPrinter {
  private GraphPrinter() {}

  public static String print(Graph g) {
    StringBuilder sb = new StringBuilder();
    sb.append("graph ").append(g.name()).append('\n');
    for (ValueInfo in : g.inputs()) sb.append("  input  ").append(in.name()).append(": ").append(in.shape()).append('\n');
    for (Map.Entry<String, Tensor> c : g.constants().entrySet()) {
      sb.append("  const  ").append(c.getKey()).append(": ").append(c.getValue().shape()).append('\n');
    }
    for (Node n : g.nodes()) {
      sb.append("  ").append(String.join(", ", n.outputs())).append(" = ").append(n.op().type()).append('(')
          .append(n.inputs().stream().map(s -> s.isEmpty() ? "_" : s).collect(Collectors.joining(", "))).append(')');
      String attrs = n.op().attributes();
      if (!attrs.isEmpty()) sb.append(' ').append(attrs);
      sb.append(" : ").append(n.outputs().stream().map(o -> g.shape(o).toString()).collect(Collectors.joining(", ")));
      if (!n.name().equals(n.output())) sb.append("  # ").append(n.name());
      sb.append('\n');
    }
    for (String out : g.outputs()) sb.append("  output ").append(out).append('\n');
    return sb.toString();
  }
}
