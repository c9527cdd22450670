package org.cnnhls.ir.pass;

import org.cnnhls.ir.Graph;

/**
 * A graph-to-graph transformation with a kebab-case name (as in TVM's pass infrastructure). Passes
 * keep the graph's inputs and outputs (names and shapes) and its float semantics; the
 * {@link PassManager} checks the graph after each one.
 */
public interface Pass {

  /** The kebab-case name used in pipelines and on the command line, e.g. {@code fold-batchnorm}. */
  String name();

  /** One line for {@code cnnhls passes --list}. */
  String description();

  /** The transformed graph, or {@code g} itself (the same instance) when nothing changed. */
  Graph apply(Graph g);
}
