package org.cnnhls.cli;

import java.nio.file.Path;
import org.cnnhls.frontend.OnnxImporter;
import org.cnnhls.ir.Graph;

/** Imports a model for a command, showing progress on a terminal. */
final class ModelLoader {
  private ModelLoader() {}

  static Graph load(Path model) {
    try (Progress p = new Progress("importing " + model.getFileName())) {
      return OnnxImporter.load(model);
    }
  }
}
