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
 *       per loop id are in {@link #LOOPS}, next to the pragmas' assumptions.</li>
 *   <li>A loop that moves e > 0 items over DDR is a burst: it pays the DDR model's access latency,
 *       runs at the slower of its pipeline and the port's share of DDR bandwidth, and pays issue time
 *       for each further 256-beat burst ({@link DdrModel}). On a beat port (fmap_in, fmap_out,
 *       weights) an item is a whole AXI beat; on an element port (fmap, bias, quant) one element.</li>
 *   <li>Code outside regions is sequential: costs add. Loop control between non-pipelined outer
 *       iterations is not counted (in the model either).</li>
 *   <li>{@code conv_load} (the first step's input and weight loads) and {@code conv_step} (the next
 *       step's loads, the previous tile's store and this step's compute: calls in one basic block,
 *       on disjoint buffers and separate bundles) run their lanes in parallel: the slowest lane, and
 *       no less than all their DDR bytes at the DDR's shared rate.</li>
 *   <li>{@code ew_chunk} is a DATAFLOW region: its processes run concurrently, so it costs the
 *       slowest lane plus the fill of the others (their pipeline depths); each process has its own
 *       bundle (an Add's operands come through fmap_in and fmap_out, its result leaves through fmap).</li>
 *   <li>Each layer adds {@link EngineLatencies#LAYER_OVERHEAD} (descriptor fetch, start, drain).</li>
 * </ul>
 */
public final class TraceCycles {
  private TraceCycles() {}

  /** Element-wise chunk (CNNHLS_EW_CHUNK). */
  public static final int EW_CHUNK = 1024;

  /** Which m_axi port a loop moves its items over (BEATS: fmap_in, fmap_out and weights, whole beats). */
  public enum Port {
    NONE, FMAP, BEATS, BIAS, QUANT;

    int itemBytes(HardwareConfig hw) {
      return switch (this) {
        case NONE -> 0;
        case FMAP -> EngineProgram.storageBytes(hw.actWidth());
        case BEATS -> hw.axiDataWidth() / 8;
        case BIAS -> 8;
        case QUANT -> 4;
      };
    }
  }

  /** One pipelined loop (or single access) of the kernels: II (0: AE, activations per beat), depth, port. */
  public record Loop(String id, int ii, int depth, Port port, String where) {}

  /** The loop table (DEVELOPERS.md mirrors it). */
  public static final Map<String, Loop> LOOPS = table(
      new Loop("conv_plan", 36, 36, Port.NONE, "conv_plan: its divisions on one sequential divider (trips = divisions)"),
      new Loop("mul_add", 1, 1, Port.NONE, "mul_add: a product by repeated addition (trips = the smaller factor)"),
      new Loop("dw_adv", 1, 1, Port.NONE, "conv_next_step, depthwise: m0 / mg by subtraction"),
      new Loop("conv_in", 1, 3, Port.BEATS, "read_segment: one input burst (a channel's rows, or one row)"),
      new Loop("conv_w", 1, 3, Port.BEATS, "conv_load_weights: a step's weight block"),
      new Loop("conv_ww", 16, 16 + EngineLatencies.WINOGRAD_DEPTH, Port.BEATS,
          "conv_load_weights_winograd: 9 beats and 16 entries per bank for each row of lanes"),
      new Loop("conv_bias", 1, 3, Port.BIAS, "conv_load_channel_params: the tile's bias"),
      new Loop("conv_quant", 1, 3, Port.QUANT, "conv_load_channel_params: the tile's (M, s) pairs"),
      new Loop("conv_mac", 1, EngineLatencies.PIPELINE_DEPTH, Port.NONE, "conv_mac_direct: one step, flattened"),
      new Loop("conv_wino", 16, 16 + EngineLatencies.PIPELINE_DEPTH + EngineLatencies.WINOGRAD_DEPTH, Port.NONE,
          "conv_mac_winograd: one step's 2x2 blocks, flattened"),
      new Loop("conv_out", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.NONE, "conv_output: one tile, flattened"),
      new Loop("conv_st_e", 1, 3, Port.FMAP, "write_segment: the partial beats at a burst's ends, element by element"),
      new Loop("conv_st_b", 1, 3, Port.BEATS, "write_segment: the whole beats of a burst"),
      new Loop("fc_x", 1, 3, Port.FMAP, "gemm_layer input vector"),
      new Loop("fc_xpad", 1, 1, Port.NONE, "gemm_layer zeros after the input vector, to a whole beat"),
      new Loop("fc_bias", 1, 3, Port.BIAS, "gemm_layer a block's bias"),
      new Loop("fc_quant", 1, 3, Port.QUANT, "gemm_layer a block's (M, s) pairs"),
      new Loop("fc_w", 1, EngineLatencies.PIPELINE_DEPTH, Port.BEATS, "gemm_layer a block's weight rows, one beat per cycle"),
      new Loop("fc_y", 1, 3, Port.FMAP, "gemm_layer a block's outputs"),
      new Loop("ew_read", 0, 3, Port.BEATS, "ew_read: an operand chunk's beats, AE elements each (II 0: AE)"),
      new Loop("ew_write", 1, 3, Port.FMAP, "ew_write"),
      new Loop("ew_add", 1, 4, Port.NONE, "add_compute"),
      new Loop("ew_unary", 1, 4, Port.NONE, "unary_compute"),
      // issue 14 (Mul, Resize)
      new Loop("ew_mul", 1, 4, Port.NONE, "mul_compute / mul_scale_compute: product and requantize"),
      new Loop("mul_fac", 0, 3, Port.BEATS, "mul_load_factors: a per-channel Mul's factors from fmap, their beats (II 0: AE)"),
      new Loop("mul_facq", 1, 3, Port.QUANT, "mul_load_factors: constant factors, (factor, 0) pairs from quant"),
      new Loop("rs_tab", 1, 3, Port.QUANT, "resize_layer: its row and column tables"),
      new Loop("rs_line", 1, 3, Port.BEATS, "resize_layer: one source row into a line buffer (read_segment: its beats)"),
      new Loop("rs_out", 1, 8, Port.FMAP, "resize_layer: one output row, interpolated and written"),
      new Loop("act_tab", 1, 3, Port.BIAS, "unary_layer: a table activation's entries into its on-chip table"),
      new Loop("pool_mult", 1, 36, Port.NONE, "pool_layer average multipliers (a pipelined divider)"),
      new Loop("pool_init", 1, 2, Port.NONE, "pool_layer row accumulators"),
      new Loop("pool_line", 1, 3, Port.BEATS, "pool_layer one input row into the line buffer (read_segment: its beats)"),
      new Loop("pool_acc", 1, 3, Port.NONE, "pool_layer one kx over the output row"),
      new Loop("pool_out", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.FMAP, "pool_layer output row"),
      new Loop("gpool_sum", 1, 4, Port.BEATS, "global_pool_layer one channel plane, a beat per cycle"),
      new Loop("gpool_out", 1, EngineLatencies.OUTPUT_STAGE_DEPTH, Port.FMAP, "global_pool_layer one output (single write)"),
      // structural ops (issue 14)
      new Loop("spread_line", 1, 3, Port.BEATS, "spread_layer one input row into the line buffer (read_segment: its beats)"),
      new Loop("spread_out", 1, 3, Port.FMAP, "spread_layer one output row, zeros between the pixels"));

  private static Map<String, Loop> table(Loop... loops) {
    Map<String, Loop> m = new LinkedHashMap<>();
    for (Loop l : loops) m.put(l.id(), l);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Cycles of one invocation of loop {@code id} with {@code trips} trips moving {@code elems} DDR elements. */
  public static long loop(String id, long trips, long elems, HardwareConfig hw, DdrModel ddr) {
    Loop l = LOOPS.get(id);
    if (l == null) throw new IllegalArgumentException("unknown traced loop " + id);
    return loop(l, trips, elems, hw, ddr);
  }

  /** The loop table's entry for {@code id} (for callers that cost it many times). */
  public static Loop entry(String id) {
    Loop l = LOOPS.get(id);
    if (l == null) throw new IllegalArgumentException("unknown traced loop " + id);
    return l;
  }

  /** Cycles of one invocation of loop {@code l}. */
  public static long loop(Loop l, long trips, long elems, HardwareConfig hw, DdrModel ddr) {
    if (trips <= 0) return 0;
    int ii = l.ii() == 0 ? hw.actPerBeat() : l.ii();
    long pipe = l.depth() + (long) ii * (trips - 1);
    if (l.port() == Port.NONE || elems <= 0) return pipe;
    long bw = (long) Math.ceil(elems * (double) l.port().itemBytes(hw) / ddr.bytesPerCycle());
    long bursts = (elems + ddr.burstBeats() - 1) / ddr.burstBeats();
    return ddr.accessLatency() + Math.max(pipe, bw) + (bursts - 1) * ddr.burstIssueCycles();
  }

  /** Cycles of the kernels' {@code mul_add(a, b)}: a product by repeated addition, min(a, b) trips. */
  public static long mulAdd(long a, long b, HardwareConfig hw, DdrModel ddr) {
    return loop(MUL_ADD, Math.min(a, b), 0, hw, ddr);
  }

  private static final Loop MUL_ADD = entry("mul_add");

  /** Beats holding n > 0 consecutive elements whose first is element {@code residue} of its beat. */
  public static long beats(long n, int residue, int perBeat) {
    return n <= 0 ? 0 : (residue + n - 1) / perBeat + 1;
  }

  /** How many of i * stride (0 <= i < count) fall on each residue modulo {@code perBeat}. */
  public static long[] residues(long count, long stride, int perBeat) {
    long[] h = new long[perBeat];
    int s = (int) Math.floorMod(stride, perBeat), g = perBeat;
    for (int a = s; a != 0; ) {  // g = gcd(s, perBeat)
      int t = g % a;
      g = a;
      a = t;
    }
    int period = perBeat / g;
    for (int i = 0; i < Math.min(count, period); i++) h[(int) ((long) i * s % perBeat)] += (count - i + period - 1) / period;
    return h;
  }

  /** DDR bytes of one invocation of loop {@code id} moving {@code elems} items (0 off DDR). */
  public static long bytes(String id, long elems, HardwareConfig hw) {
    Loop l = LOOPS.get(id);
    return elems <= 0 ? 0 : elems * l.port().itemBytes(hw);
  }

  /**
   * A region of concurrent processes (lane cycles, their total DDR bytes): the slowest lane, and no
   * less than the total at the DDR's shared rate.
   */
  public static long concurrent(long[] lanes, long bytes, DdrModel ddr) {
    long m = 0;
    for (long s : lanes) m = Math.max(m, s);
    return Math.max(m, (long) Math.ceil(bytes / ddr.sharedBytesPerCycle()));
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
    long bytes = 0;
    for (Entry e : r.entries()) {
      sum[e.lane()] += loop(e.id(), e.trips(), e.elems(), hw, ddr) * e.count();
      fill[e.lane()] = Math.max(fill[e.lane()], depth(e.id()));
      bytes += bytes(e.id(), e.elems(), hw) * e.count();
    }
    return switch (r.id()) {
      case "conv_load", "conv_step" -> concurrent(sum, bytes, ddr);  // independent calls, one basic block
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
