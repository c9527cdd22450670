package org.cnnhls.cli;

import org.cnnhls.ir.Graph;

/** The pass pipelines commands run before quantization or code generation. */
final class Pipelines {
  private Pipelines() {}

  /** The default pipeline (folding and fusion), verified after every pass. */
  static Graph standard(Graph g) {
    return g; // wired to the PassManager's default pipeline once it lands
  }
}
