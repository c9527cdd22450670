package org.cnnhls.engine.dataflow;

/**
 * One pipelined loop of a dataflow kernel as the stage runs it per image: entered {@code entries}
 * times for {@code trips} iterations in all, at initiation interval {@code ii} with pipeline depth
 * {@code depth}. Its cost is the UG1399 rule summed over its entries: depth + II (trips - 1) each.
 * The {@code id} is the one the kernel's trace hook reports (cnnhls_df_trace.h).
 */
public record DataflowLoop(String id, long entries, long trips, int ii, int depth) {
  public DataflowLoop {
    if (entries < 0 || trips < entries) throw new IllegalArgumentException("loop " + id + ": " + entries + " entries, " + trips + " trips");
  }

  public long cycles() {
    return entries * depth + (long) ii * (trips - entries);
  }
}
