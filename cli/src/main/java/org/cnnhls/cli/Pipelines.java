package org.cnnhls.cli;

import org.cnnhls.ir.Graph;
import org.cnnhls.ir.pass.PassManager;

/** The pass pipelines commands run before quantization or code generation. */
final class Pipelines {
  private Pipelines() {}

  /** The default pipeline (folding and fusion), verified after every pass. */
  static Graph standard(Graph g) {
    return PassManager.defaultPipeline().run(g);
  }
}
