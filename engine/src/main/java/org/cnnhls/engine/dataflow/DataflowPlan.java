package org.cnnhls.engine.dataflow;

import java.util.List;
import org.cnnhls.boards.Board;
import org.cnnhls.engine.Fit;
import org.cnnhls.engine.ResourceModel;

/**
 * A dataflow accelerator for one model on one board: its stages in stream order (input adapter
 * first, output adapter last), at {@code clockMHz}. Modeled figures, from the stages' own loop
 * nests: one image per {@link #intervalCycles} (the slowest stage; the stages run concurrently),
 * latency = every stage's fill plus the slowest stage.
 *
 * @param inputValue the graph input the first stage reads; {@code outputValue} the graph output the last writes
 */
public record DataflowPlan(List<DataflowStage> stages, Board board, double clockMHz, String inputValue, String outputValue) {
  /** Depth of every stream between stages in synthesis. A linear pipeline cannot deadlock at any depth >= 1; 2 lets producer and consumer overlap. */
  public static final int FIFO_DEPTH = 2;

  public DataflowPlan {
    stages = List.copyOf(stages);
  }

  public DataflowStage slowest() {
    DataflowStage s = stages.get(0);
    for (DataflowStage t : stages) if (t.cycles() > s.cycles()) s = t;
    return s;
  }

  /** Cycles between images in steady state: the slowest stage's cycles per image. */
  public long intervalCycles() {
    return slowest().cycles();
  }

  public long latencyCycles() {
    long fill = 0;
    for (DataflowStage s : stages) fill += s.fillCycles();
    return fill + intervalCycles();
  }

  public double imagesPerSecond() {
    return clockMHz * 1e6 / intervalCycles();
  }

  public double latencySeconds() {
    return latencyCycles() / (clockMHz * 1e6);
  }

  public StageResources resources() {
    StageResources r = StageResources.NONE;
    for (DataflowStage s : stages) r = r.plus(s.resources());
    return r;
  }

  /** The same verdict the overlay gets ({@link Fit}): the estimate against the board's utilization caps. */
  public Fit fit() {
    StageResources r = resources();
    return new Fit(new ResourceModel.Estimate(r.dsp(), r.bram18(), r.lut(), r.ff()), board);
  }

  /** The multiply-accumulate stages (conv and FC). */
  public List<DataflowStage> macStages() {
    return stages.stream().filter(s -> s instanceof DataflowStage.Conv || s instanceof DataflowStage.Fc).toList();
  }
}
