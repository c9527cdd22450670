package org.cnnhls.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cycles from a traced C-simulation (cnnhls_engine.h built with {@code -DCNNHLS_TRACE}), by the
 * rules Vitis HLS schedules that code with (UG1399; table in DEVELOPERS.md, "Traced C-sim"):
 *
 * <ul>
 *   <li>A pipelined loop of n trips costs {@code depth + II * (n - 1)} (0 trips: 0). II and depth
 *       per loop id are in {@link #LOOPS}, next to the pragmas' assumptions. An m_axi port is as
 *       wide as its C type (act_t, wgt_t, bias_t, int): run_hls.tcl asks for widening, but Vitis
 *       widens only bursts with a provable alignment and a length divisible by the factor, and these
 *       offsets and lengths are run-time values, so a loop reading L elements of one port per
 *       iteration has II >= L.</li>
 *   <li>A loop that moves e > 0 elements over DDR is a burst: it pays the DDR model's access latency,
 *       runs at the slower of its pipeline and the DDR bandwidth, and pays issue time for each
 *       further 256-beat burst ({@link DdrModel}); a beat is one element of the port.</li>
 *   <li>Code outside regions is sequential: costs add. Loop control between non-pipelined outer
 *       iterations is not counted (in the model either).</li>
 *   <li>{@code conv_load} (conv_load_input and conv_load_weights: independent calls in one basic
 *       block, on different ports) runs its lanes in parallel: the max of the lanes. Everything else
 *       in a conv step (the store, the channel parameters, init, the inlined window loops, the
 *       output stage) follows it in sequence: the loads are inside {@code if (has_next)}, a basic
 *       block of their own before the compute loops, and outside DATAFLOW HLS does not overlap them.
 *       So a step costs load + compute, not the max.</li>
 *   <li>{@code ew_chunk} is a DATAFLOW region: its processes run concurrently, so it costs the
 *       slowest lane plus the fill of the others (their pipeline depths); processes sharing a port
 *       (the two reads of an Add, both on the feature-map bundle) are one lane: they serialize.</li>
 *   <li>Each layer adds {@link EngineLatencies#LAYER_OVERHEAD} (descriptor fetch, start, drain).</li>
 * </ul>
 */
public final class TraceCycles {
  private TraceCycles() {}

  /** Element-wise chunk (CNNHLS_EW_CHUNK). */
  public static final int EW_CHUNK = 1024;

  /** Which m_axi port a loop moves its elements over. */
  public enum Port {
    NONE, FMAP, WEIGHTS, BIAS, QUANT;

    int elementBytes(HardwareConfig hw) {
      return switch (this) {
        case NONE -> 0;
        case FMAP -> EngineProgram.storageBytes(hw.actWidth());
        case WEIGHTS -> EngineProgram.storageBytes(hw.wgtWidth());
        case BIAS -> 8;
        case QUANT -> 4;
      };
    }
  }

  /** One pipelined loop (or single access) of the kernels: II (0: CNNHLS_FC_LANES), depth, port. */
  public record Loop(String id, int ii, int depth, Port port, String where) {}

  /** The loop table (DEVELOPERS.md mirrors it). */
  public static final Map<String, Loop> LOOPS = table(
      new Loop("conv_in", 1, 3, Port.FMAP, "conv_load_input, one input row"),
      new Loop("conv_w", 1, 3, Port.WEIGHTS, "conv_load_weights, one k_h*k_w window"),
      new Loop("conv_ww", 9, 12, Port.WEIGHTS, "conv_load_weights_winograd, Tn windows of 9 reads + transform"),
      new Loop("conv_params", 2, 3, Port.BIAS, "conv_load_channel_params: bias + two quant reads per channel (one port)"),
      new Loop("conv_init", 1, 2, Port.NONE, "conv_init_acc, one row"),
      new Loop("conv_mac", 1, EngineLatencies.PIPELINE_DEPTH, Port.NONE, "conv_compute, one (ky, kx, row): not flattened"),
      new Loop("conv_wino", 16, EngineLatencies.PIPELINE_DEPTH + EngineLatencies.WINOGRAD_DEPTH, Port.NONE,
          "conv_compute_winograd, one row of 2x2 blocks"),
      new Loop("conv_out", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.NONE, "conv_output, one row"),
      new Loop("conv_store", 1, 3, Port.FMAP, "conv_store, one (channel, row)"),
      new Loop("fc_x", 1, 3, Port.FMAP, "gemm_layer input vector"),
      new Loop("fc_bias", 1, 1, Port.BIAS, "gemm trans_b=1: bias of one output (single read)"),
      new Loop("fc_row", 0, EngineLatencies.PIPELINE_DEPTH, Port.WEIGHTS, "gemm trans_b=1: one row, FC_LANES reads per iteration"),
      new Loop("fc_quant", 1, 2, Port.QUANT, "gemm trans_b=1: (M, s) of one output (two reads)"),
      new Loop("fc_y", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.FMAP, "gemm trans_b=1: requantize + write one output"),
      new Loop("fc_binit", 1, 3, Port.BIAS, "gemm trans_b=0: block accumulators from bias"),
      new Loop("fc_col", 0, EngineLatencies.PIPELINE_DEPTH, Port.WEIGHTS, "gemm trans_b=0: one input's row segment, FC_LANES reads per iteration"),
      new Loop("fc_out", 2, EngineLatencies.OUTPUT_STAGE_DEPTH + 3, Port.FMAP, "gemm trans_b=0: block output, two quant reads per output"),
      new Loop("ew_read", 1, 3, Port.FMAP, "ew_read"),
      new Loop("ew_write", 1, 3, Port.FMAP, "ew_write"),
      new Loop("ew_add", 1, 4, Port.NONE, "add_compute"),
      new Loop("ew_unary", 1, 4, Port.NONE, "unary_compute"),
      new Loop("pool_mult", 1, 36, Port.NONE, "pool_layer average multipliers (a pipelined divider)"),
      new Loop("pool_init", 1, 2, Port.NONE, "pool_layer row accumulators"),
      new Loop("pool_line", 1, 3, Port.FMAP, "pool_layer one input row into the line buffer"),
      new Loop("pool_acc", 1, 3, Port.NONE, "pool_layer one kx over the output row"),
      new Loop("pool_out", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.FMAP, "pool_layer output row"),
      new Loop("gpool_first", 1, 1, Port.FMAP, "global_pool_layer first value (single read)"),
      new Loop("gpool_sum", 1, 3, Port.FMAP, "global_pool_layer one channel plane"),
      new Loop("gpool_out", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.FMAP, "global_pool_layer one output (single write)"));

  private static Map<String, Loop> table(Loop... loops) {
    Map<String, Loop> m = new LinkedHashMap<>();
    for (Loop l : loops) m.put(l.id(), l);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Cycles of one invocation of loop {@code id} with {@code trips} trips moving {@code elems} DDR elements. */
  public static long loop(String id, long trips, long elems, HardwareConfig hw, DdrModel ddr) {
    Loop l = LOOPS.get(id);
    if (l == null) throw new IllegalArgumentException("unknown traced loop " + id);
    if (trips <= 0) return 0;
    int ii = l.ii() == 0 ? hw.fcLanes() : l.ii();
    long pipe = l.depth() + (long) ii * (trips - 1);
    if (l.port() == Port.NONE || elems <= 0) return pipe;
    long bw = (long) Math.ceil(elems * (double) l.port().elementBytes(hw) / ddr.bytesPerCycle());
    long bursts = (elems + ddr.burstBeats() - 1) / ddr.burstBeats();
    return ddr.accessLatency() + Math.max(pipe, bw) + (bursts - 1) * ddr.burstIssueCycles();
  }

  /** Depth of loop {@code id} (a DATAFLOW lane's fill). */
  public static int depth(String id) {
    return LOOPS.get(id).depth();
  }

  /** One DATAFLOW region of lanes (each a sequential sum): the slowest lane plus the others' fill. */
  public static long dataflow(long[] lanes, int[] fills) {
    int max = 0;
    for (int i = 1; i < lanes.length; i++) if (lanes[i] > lanes[max]) max = i;
    long c = lanes[max];
    for (int i = 0; i < lanes.length; i++) if (i != max && lanes[i] > 0) c += fills[i];
    return c;
  }

  /** A traced loop invocation (lane: -1 outside regions) and how often it ran. */
  public record Entry(int lane, String id, long trips, long elems, long count) {}

  /** A traced region instance and how often one with the same contents ran. */
  public record Region(String id, long count, List<Entry> entries) {}

  /** One layer's trace. */
  public record LayerTrace(int layer, List<Entry> loops, List<Region> regions) {}

  /** Parses the "TRACE L/R/E" lines of a traced C-sim run, layer by layer. */
  public static List<LayerTrace> parse(String output) {
    List<LayerTrace> layers = new ArrayList<>();
    List<Entry> loops = new ArrayList<>();
    List<Region> regions = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.startsWith("TRACE ")) continue;
      String[] f = line.trim().split(" ");
      switch (f[1]) {
        case "L" -> loops.add(new Entry(-1, f[3], Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
        case "R" -> {
          List<Entry> es = new ArrayList<>();
          for (int i = 5; i < f.length; i++) {
            String[] p = f[i].split(":");
            es.add(new Entry(Integer.parseInt(p[0]), p[1], Long.parseLong(p[2]), Long.parseLong(p[3]), Long.parseLong(p[4])));
          }
          regions.add(new Region(f[4], Long.parseLong(f[3]), es));
        }
        case "E" -> {
          if (Integer.parseInt(f[2]) != layers.size()) throw new IllegalArgumentException("trace out of order: " + line);
          layers.add(new LayerTrace(layers.size(), List.copyOf(loops), List.copyOf(regions)));
          loops.clear();
          regions.clear();
        }
        default -> throw new IllegalArgumentException("bad trace line: " + line);
      }
    }
    return layers;
  }

  /** Cycles of one region instance by its rule. */
  public static long region(Region r, HardwareConfig hw, DdrModel ddr) {
    int lanes = 0;
    for (Entry e : r.entries()) lanes = Math.max(lanes, e.lane() + 1);
    long[] sum = new long[lanes];
    int[] fill = new int[lanes];
    for (Entry e : r.entries()) {
      sum[e.lane()] += loop(e.id(), e.trips(), e.elems(), hw, ddr) * e.count();
      fill[e.lane()] = Math.max(fill[e.lane()], depth(e.id()));
    }
    return switch (r.id()) {
      case "conv_load" -> {  // independent calls, one basic block: in parallel
        long m = 0;
        for (long s : sum) m = Math.max(m, s);
        yield m;
      }
      case "ew_chunk" -> dataflow(sum, fill);
      default -> throw new IllegalArgumentException("unknown traced region " + r.id());
    };
  }

  /** Cycles of one traced layer. */
  public static long layer(LayerTrace t, HardwareConfig hw, DdrModel ddr) {
    long c = EngineLatencies.LAYER_OVERHEAD;
    for (Entry e : t.loops()) c += loop(e.id(), e.trips(), e.elems(), hw, ddr) * e.count();
    for (Region r : t.regions()) c += region(r, hw, ddr) * r.count();
    return c;
  }
}
