package org.cnnhls.engine;

import java.util.List;
import org.cnnhls.ir.Graph;
import org.cnnhls.ir.ModelException;
import org.cnnhls.ir.Node;
import org.cnnhls.ir.Shape;
import org.cnnhls.ir.ops.Op;
import org.cnnhls.ir.quant.LinearQuant;

/**
 * The conv engine's tiled loop nest, step by step as conv_layer/conv_step run it in
 * cnnhls_engine.h. Per group, output tiles (Tm channels x Tr rows x Tc columns) are visited in
 * order; each has input-channel steps of Tn. Each step's loads, the tile's store, init, window
 * loops and output stage run one after the other (see {@link #time}): the code double-buffers the
 * tiles, but nothing in it makes HLS overlap the loaders with the compute loops.
 */
public final class ConvEngine implements EngineComponent {
  @Override
  public java.util.List<EngineOp> ops() {
    return java.util.List.of(EngineOp.CONV);
  }
  static final int PIPELINE_DEPTH = EngineLatencies.PIPELINE_DEPTH;

  /** Divisions conv_plan performs on its sequential divider (CONV_PLAN_DIVISIONS in cnnhls_engine.h). */
  static final int PLAN_DIVISIONS = 18;

  /** As conv_layer runs it: see {@link ConvSchedule}. */
  @Override
  public LayerTiming time(String node, LayerDescriptor d, HardwareConfig hw, DdrModel ddr, EngineLimits limits) {
    ConvSchedule s = new ConvSchedule(d, hw, ddr, limits);
    long cycles = LAYER_OVERHEAD + s.cycles();
    ConvPlan p = ConvPlan.of(d, hw, limits);
    long macs = (long) d.outC() * d.convH() * d.convW() * (d.inC() / d.groups()) * d.kH() * d.kW();
    return new LayerTiming(node, "CONV", macs, cycles, s.compute, s.memory, s.bytes, (long) p.chTiles() * p.rTiles() * p.cTiles());
  }

  /**
   * The MAC array (two 8-bit MACs per DSP48E2 in direct mode, as cnnhls_pack.h computes them), its Tm
   * requantize and LeakyReLU lanes, the
   * ping-pong input, weight and output tiles and the accumulators (one bank per parallel lane), the
   * compute core as Yosys synthesizes it ({@link CoreResourceModel}) plus per-MAC HLS operand muxing
   * and pipeline registers, and in Winograd mode the transforms' adders and registers (see
   * {@link ResourceModel}).
   */
  @Override
  public ResourceModel.Part resources(HardwareConfig hw, EngineLimits limits) {
    int actWidth = hw.actWidth(), wgtWidth = hw.wgtWidth(), macs = hw.macs();
    boolean eightBit = hw.eightBit();
    // mac_array: Tn x ceil(Tm / 2) packed multipliers (channels m, m + 1 share x[n]), else Tm x Tn;
    // each of the Tm output lanes requantizes (acc x M) and runs the LeakyReLU multiply
    long array = hw.packsMacs() ? (long) hw.tn() * ((hw.tm() + 1) / 2) : macs;
    long dsp = array + (long) (ResourceModel.requantDspPerLane(limits)
        + ResourceModel.leakDspPerLane(limits)) * hw.tm();
    int inTr = limits.inputTileRows(hw), inTc = limits.inputTileCols(hw), kk = limits.maxK() * limits.maxK();
    int wTileWidth = wgtWidth;
    if (hw.winograd()) {
      kk = Math.max(kk, 16);
      wTileWidth += 4;
    }
    int trc = hw.tr() * hw.tc();
    // banked for whole-beat transfers: AE activations or WE weights per cycle (cnnhls_engine.h
    // in_tile_t, w_tile_t, out_tile_t)
    int ae = hw.actPerBeat(), we = WeightLayout.perBeat(hw);
    int wRows = WeightLayout.rows(hw), inBank = ResourceModel.ceil(inTr * inTc, ae), outBank = ResourceModel.ceil(trc, ae);
    long bram = 2L * hw.tn() * ae * ResourceModel.bram18(inBank, actWidth)    // input tile, ping-pong, Tn x AE banks
        + 2L * we * wRows * ResourceModel.bram18(kk, wTileWidth)                // weight tile, one bank per lane
        + (long) hw.tm() * ResourceModel.bram18(trc, limits.accWidth())        // accumulators
        + 2L * hw.tm() * ae * ResourceModel.bram18(outBank, actWidth);         // output tile, ping-pong, Tm x AE banks
    long banks = 2L * hw.tn() * ae + 2L * we * wRows + hw.tm() + 2L * hw.tm() * ae + 3L * hw.tm();
    ResourceModel.Estimate core = CoreResourceModel.estimate(hw.tm(), hw.tn(), eightBit ? 8 : 16, hw.board().family(), hw.board().modelCalibration());
    long lut = core.lut() + (long) macs * (eightBit ? ResourceModel.LUT_PER_MAC8 : ResourceModel.LUT_PER_MAC16);
    long ff = core.ff() + (long) macs * (eightBit ? ResourceModel.FF_PER_MAC8 : ResourceModel.FF_PER_MAC16);
    // beat steering, one LUT per 4:1 mux bit: the input loader's and the store's rotations (AE
    // elements onto AE banks), and each input lane's choice of bank in the compute loop
    int muxes = (ae + 3) / 4;
    lut += 2L * ae * actWidth * muxes + (long) hw.tn() * actWidth * muxes;
    // the beat registers of the two loaders and the store, the per-channel accumulator and pool registers
    ff += 3L * hw.axiDataWidth() + (long) hw.tm() * (limits.accWidth() + actWidth);
    if (hw.winograd()) {
      int yW = ResourceModel.winogradAccWidth(actWidth, wgtWidth, hw.tn()), accW = limits.accWidth(), wW = wgtWidth + 4;
      // the loader transforms WE lanes at once (conv_load_weights_winograd)
      lut += hw.tn() * 32L * (actWidth + 2) + hw.tm() * (4L * yW + 3L * accW) + macs * 6L + we * 16L * wW;
      ff += hw.tn() * (16L * actWidth + 16L * (actWidth + 2)) + hw.tm() * 4L * yW + macs * 6L + we * (9L * wgtWidth + 16L * wW);
    }
    return new ResourceModel.Part(dsp, bram, banks, lut, ff);
  }

  /**
   * How the engine cuts a conv layer into tiles (mirrors conv_plan in cnnhls_engine.h): channel
   * tiles of Tm inside a group, input-channel steps of Tn; layers with one input channel per group
   * run in depthwise mode on the array's diagonal, min(Tm, Tn) channels per tile, one step; row and
   * column tiles shrink so the input window fits the input tile and cover whole pool windows. With
   * the Winograd mode built in, general-mode 3x3 stride-1 layers use it: 16 cycles per 2 x 2
   * outputs instead of 9 per output.
   */
  public record ConvPlan(int chTiles, int nTiles, int cg, boolean depthwise, int tmDepthwise, int tmGeneral, int mg, int mtPerGroup,
      int outC, int rows, int cols, int tr, int tc, int rTiles, int cTiles, int poolH, int poolW, boolean wino) {

    public static ConvPlan of(LayerDescriptor d, HardwareConfig hw, EngineLimits limits) {
      int groups = Math.max(1, d.groups()), cg = d.inC() / groups, mg = d.outC() / groups;
      boolean dw = cg == 1 && groups > 1;
      int td = Math.min(hw.tm(), hw.tn());
      int mtPerGroup = ceil(mg, hw.tm());
      int chTiles = dw ? ceil(d.outC(), td) : groups * mtPerGroup;
      int nTiles = dw ? 1 : ceil(cg, hw.tn());
      int ph = d.pool() == 1 ? d.poolKH() : 1, pw = d.pool() == 1 ? d.poolKW() : 1;
      int rows = d.pool() == 1 ? Math.min(d.convH(), d.outH() * ph) : d.convH();
      int cols = d.pool() == 1 ? Math.min(d.convW(), d.outW() * pw) : d.convW();
      int inTr = limits.inputTileRows(hw), inTc = limits.inputTileCols(hw);
      int tr = fit(hw.tr(), inTr, d.kH(), d.sH(), d.dH(), ph), tc = fit(hw.tc(), inTc, d.kW(), d.sW(), d.dW(), pw);
      boolean wino = hw.winogradFor(d);
      return new ConvPlan(chTiles, nTiles, cg, dw, td, hw.tm(), mg, mtPerGroup, d.outC(), rows, cols, tr, tc,
          tr > 0 ? ceil(rows, tr) : 0, tc > 0 ? ceil(cols, tc) : 0, ph, pw, wino);
    }

    /** Groups (outC / mg). */
    public int groups() {
      return mg > 0 ? outC / mg : 1;
    }

    /** Conv outputs of the last row / column tile. */
    public int rowsLast() {
      return tr > 0 ? (rows - 1) % tr + 1 : 0;
    }

    public int colsLast() {
      return tc > 0 ? (cols - 1) % tc + 1 : 0;
    }

    /** Pooled outputs of a full tile's rows / columns. */
    public int ptr() {
      return tr > 0 ? tr / poolH : 0;
    }

    public int ptc() {
      return tc > 0 ? tc / poolW : 0;
    }

    /** Pooled outputs of the last row / column tile. */
    public int prowsLast() {
      return (rowsLast() + poolH - 1) / poolH;
    }

    public int pcolsLast() {
      return (colsLast() + poolW - 1) / poolW;
    }

    int rowsInTile(int rt) {
      return Math.min(tr, rows - rt * tr);
    }

    int colsInTile(int cc) {
      return Math.min(tc, cols - cc * tc);
    }

    /** First output channel of channel tile ct. */
    int firstChannel(int ct) {
      return depthwise ? ct * tmDepthwise : (ct / mtPerGroup) * mg + (ct % mtPerGroup) * tmGeneral;
    }

    int channelsInTile(int ct) {
      if (depthwise) return Math.min(tmDepthwise, outC - ct * tmDepthwise);
      int mt = ct % mtPerGroup;
      return Math.min(tmGeneral, mg - mt * tmGeneral);
    }

    private static int fit(int tMax, int buf, int k, int s, int d, int pk) {
      int span = (k - 1) * d + 1;
      if (span > buf || s < 1 || pk < 1) return 0;
      int t = Math.min(tMax, (buf - span) / s + 1);
      return t - t % pk;
    }

    private static int ceil(int a, int b) {
      return (a + b - 1) / b;
    }
  }

  @Override
  public boolean lowers(Node n, Graph g) {
    return n.op() instanceof Op.FusedConv || n.op() instanceof Op.Conv;
  }

  /** Largest kernel, stride or dilation the conv unit is built for (bounds the input tile's size). */
  public static final int MAX_WINDOW_PARAM = 64;

  /** One CONV descriptor (bias, requantize, activation, and a max-pool fused when its windows fit the tiles; else a MAXPOOL pass after it). */
  @Override
  public void lower(Node n, Lowering l) {
    conv(n, n.op() instanceof Op.FusedConv f ? f : new Op.FusedConv((Op.Conv) n.op(), null, null), l);
  }

  private static void conv(Node n, Op.FusedConv f, Lowering l) {
    Op.Conv c = f.conv();
    LinearQuant lq = l.q.linear().get(n.name());
    l.checkRequant(n, lq);
    Shape convOut = c.inferShapes(List.of(l.g.shape(n.input(0)), l.g.shape(n.input(1)))).get(0);
    LayerDescriptor.Builder b = l.unary(n, LayerDescriptor.OP_CONV);
    b.outC = convOut.dim(1);
    b.convH = convOut.dim(2);
    b.convW = convOut.dim(3);
    b.kH = c.kernel()[0];
    b.kW = c.kernel()[1];
    // along an axis with one output the stride never applies: 1 keeps the input tile small
    b.sH = convOut.dim(2) == 1 ? 1 : c.strides()[0];
    b.sW = convOut.dim(3) == 1 ? 1 : c.strides()[1];
    b.padT = c.pads()[0];
    b.padL = c.pads()[1];
    b.padB = c.pads()[2];
    b.padR = c.pads()[3];
    b.dH = c.dilations()[0];
    b.dW = c.dilations()[1];
    b.groups = c.group();
    int most = Math.max(Math.max(Math.max(b.sH, b.sW), Math.max(b.dH, b.dW)), Math.max(b.kH, b.kW));
    if (most > MAX_WINDOW_PARAM) {
      throw new ModelException("node '" + n.name() + "': the engine's convolution takes kernels, strides and dilations up to "
          + MAX_WINDOW_PARAM + " (its input tile holds (Tr-1)*stride + (k-1)*dilation + 1 rows); this one has kernel "
          + b.kH + "x" + b.kW + ", stride " + b.sH + "x" + b.sW + ", dilation " + b.dH + "x" + b.dW);
    }
    l.params(b, lq, l.q.format(n.input(0)).width());
    Lowering.activation(b, l.q.activations().get(n.name()));
    Op.MaxPool p = f.pool();
    if (p == null) {
      b.outH = b.convH;
      b.outW = b.convW;
      l.emit(b, n, n.output());
      return;
    }
    if (poolFitsTiles(p, l.hw)) {
      b.pool = 1;
      b.poolKH = p.kernel()[0];
      b.poolKW = p.kernel()[1];
      b.poolSH = p.strides()[0];
      b.poolSW = p.strides()[1];
      l.emit(b, n, n.output());
      return;
    }
    // the pool cannot run inside the conv's output stage: conv to a scratch tensor, then a max-pool pass
    b.outH = b.convH;
    b.outW = b.convW;
    b.outOff = l.fmapSize;
    l.fmapSize += b.outC * b.convH * b.convW;
    int scratch = b.outOff;
    l.emit(b, n, null);
    LayerDescriptor.Builder mp = new LayerDescriptor.Builder(LayerDescriptor.OP_MAXPOOL);
    int[] out = l.chw(n.output());
    mp.inOff = scratch;
    mp.inC = b.outC;
    mp.inH = b.convH;
    mp.inW = b.convW;
    mp.outC = out[0];
    mp.outH = out[1];
    mp.outW = out[2];
    mp.convH = out[1];
    mp.convW = out[2];
    Lowering.windowFields(mp, p.kernel(), p.strides(), p.pads(), p.dilations());
    mp.outWidth = b.outWidth;
    l.emit(mp, n, n.output());
  }
  /**
   * Pooling inside the output stage needs windows that never straddle tiles: k == s, no padding,
   * no dilation (the engine rounds its row and column tiles down to multiples of k).
   */
  private static boolean poolFitsTiles(Op.MaxPool p, HardwareConfig hw) {
    int[] k = p.kernel(), s = p.strides(), pads = p.pads(), d = p.dilations();
    return k[0] == s[0] && k[1] == s[1] && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0 && d[0] == 1
        && d[1] == 1 && k[0] <= hw.tr() && k[1] <= hw.tc();
  }
}
