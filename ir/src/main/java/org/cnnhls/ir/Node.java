package org.cnnhls.ir;

import java.util.List;
import org.cnnhls.ir.ops.Op;

/**
 * One operation in the graph. Inputs name values (graph inputs, constants or other nodes' outputs);
 * an empty string marks an omitted optional input.
 */
public record Node(String name, Op op, List<String> inputs, List<String> outputs) {
  public Node {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public String input(int i) {
    return i < inputs.size() ? inputs.get(i) : "";
  }

  public boolean hasInput(int i) {
    return !input(i).isEmpty();
  }

  public String output() {
    return outputs.get(0);
  }

  public Node withInputs(List<String> newInputs) {
    return new Node(name, op, newInputs, outputs);
  }
}
