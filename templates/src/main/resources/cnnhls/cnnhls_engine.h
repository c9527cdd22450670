// cnnhls overlay engine: descriptor-driven layer kernels (design.md section 3, "Overlay").
//
// One engine is reused layer by layer. Feature maps, weights, bias and requantize parameters live in
// DDR behind m_axi pointers; a LayerDesc (cnnhls_desc.h) says what each pass computes. Values are
// raw fixed-point integers; every rounding goes through cnnhls::requantize (cnnhls_requant.h), so
// results equal the Java golden model (org.cnnhls.ir.quant.BitAccurateInterpreter) bit for bit.
//
// Configuration (macros, normally from the generated cnnhls_config.h):
//   required  CNNHLS_TM, CNNHLS_TN   MAC array: Tm output x Tn input channels, fully unrolled
//             CNNHLS_TR, CNNHLS_TC   conv output tile (rows x columns) held on chip
//             CNNHLS_ACT_W, CNNHLS_WGT_W   storage widths of activations and weights (2..32 bits)
//   optional  CNNHLS_MAX_K (7)         largest conv window edge (k_h, k_w): sizes the weight tile
//             CNNHLS_MAX_STRIDE (2), CNNHLS_MAX_DILATION (1): size the input tile for full Tr x Tc
//                                      tiles; layers beyond them still run, on smaller tiles
//             CNNHLS_IN_TR, CNNHLS_IN_TC  input tile size (default derived from the three above)
//             CNNHLS_MAX_W (1024)      widest pooling input/output row (line buffer)
//             CNNHLS_MAX_POOL_WIN (256) largest average-pool window k_h * k_w
//             CNNHLS_MAX_FC_IN (4096)  largest fully connected input length K (kept on chip)
//             CNNHLS_FC_NB (256)       outputs per block of a fully connected layer with trans_b = 0
//             CNNHLS_FC_LANES (8)      weights a fully connected layer consumes per cycle: one AXI
//                                      beat's worth, since FC weights stream from DDR
//             CNNHLS_EW_CHUNK (1024)   element-wise chunk (add, copy, activation)
//             CNNHLS_ACC_W (64)        conv/gemm accumulator width: must hold |bias| + sum |w x|
//             CNNHLS_REQ_ACC_W (CNNHLS_ACC_W), CNNHLS_REQ_M_W (31): operand widths of the conv/gemm
//                                      requantize multiplier (signed accumulator bits, unsigned bits
//                                      of the largest M); narrow them to save DSPs in the output stage
//             CNNHLS_WINOGRAD (0)      1: 3x3 stride-1 convs run as Winograd F(2x2, 3x3) on the same
//                                      Tm x Tn multipliers (16 products per 2x2 outputs instead of
//                                      36), exact in integers; other layers run direct
//             CNNHLS_PACK_MACS (0)     1: 8-bit MAC array, two products per multiplier (cnnhls_pack.h);
//                                      the config header sets it where ResourceModel counts packed DSPs
// cnnhls::layer_fits(desc) says whether a descriptor respects these limits (the testbench checks
// every layer with it before running).
#ifndef CNNHLS_ENGINE_H
#define CNNHLS_ENGINE_H

#include "cnnhls_desc.h"
#include "cnnhls_pack.h"
#include "cnnhls_requant.h"
#include "cnnhls_types.h"

#if !defined(CNNHLS_TM) || !defined(CNNHLS_TN) || !defined(CNNHLS_TR) || !defined(CNNHLS_TC)
#error "cnnhls_engine.h needs CNNHLS_TM, CNNHLS_TN, CNNHLS_TR and CNNHLS_TC (define them in cnnhls_config.h)"
#endif
#if !defined(CNNHLS_ACT_W) || !defined(CNNHLS_WGT_W)
#error "cnnhls_engine.h needs CNNHLS_ACT_W and CNNHLS_WGT_W (define them in cnnhls_config.h)"
#endif
#ifndef CNNHLS_MAX_K
#define CNNHLS_MAX_K 7
#endif
#ifndef CNNHLS_MAX_STRIDE
#define CNNHLS_MAX_STRIDE 2
#endif
#ifndef CNNHLS_MAX_DILATION
#define CNNHLS_MAX_DILATION 1
#endif
#ifndef CNNHLS_IN_TR
#define CNNHLS_IN_TR ((CNNHLS_TR - 1) * CNNHLS_MAX_STRIDE + (CNNHLS_MAX_K - 1) * CNNHLS_MAX_DILATION + 1)
#endif
#ifndef CNNHLS_IN_TC
#define CNNHLS_IN_TC ((CNNHLS_TC - 1) * CNNHLS_MAX_STRIDE + (CNNHLS_MAX_K - 1) * CNNHLS_MAX_DILATION + 1)
#endif
#ifndef CNNHLS_MAX_W
#define CNNHLS_MAX_W 1024
#endif
#ifndef CNNHLS_MAX_POOL_WIN
#define CNNHLS_MAX_POOL_WIN 256
#endif
#ifndef CNNHLS_MAX_FC_IN
#define CNNHLS_MAX_FC_IN 4096
#endif
#ifndef CNNHLS_FC_NB
#define CNNHLS_FC_NB 256
#endif
#ifndef CNNHLS_FC_LANES
#define CNNHLS_FC_LANES 8
#endif
#ifndef CNNHLS_EW_CHUNK
#define CNNHLS_EW_CHUNK 1024
#endif
#ifndef CNNHLS_ACC_W
#define CNNHLS_ACC_W 64
#endif
#ifndef CNNHLS_REQ_ACC_W
#define CNNHLS_REQ_ACC_W CNNHLS_ACC_W
#endif
#ifndef CNNHLS_REQ_M_W
#define CNNHLS_REQ_M_W 31
#endif
#ifndef CNNHLS_PACK_MACS
#define CNNHLS_PACK_MACS 0
#endif
#ifndef CNNHLS_WINOGRAD
#define CNNHLS_WINOGRAD 0
#endif
// Weight-tile element: Winograd-transformed weights G' g G'^T (G' = 2G, integer) reach 9 max|g|,
// four bits more than a weight.
#define CNNHLS_WTILE_W (CNNHLS_WGT_W + (CNNHLS_WINOGRAD ? 4 : 0))
// Element-wise FIFO depth: Vitis runs the dataflow processes concurrently, so a short FIFO suffices;
// a sequential C-simulation needs room for a whole chunk.
#ifndef CNNHLS_EW_FIFO
#if CNNHLS_VITIS
#define CNNHLS_EW_FIFO 4
#else
#define CNNHLS_EW_FIFO CNNHLS_EW_CHUNK
#endif
#endif

// Loop trip counts for the synthesis report only (layer sizes are run-time values). Plain literals:
// HLS pragma arguments must not be expressions.
#define CNNHLS_TRIP_TILES 256
#define CNNHLS_TRIP_IN 32
#define CNNHLS_TRIP_K 3
#define CNNHLS_TRIP_KK 9
#define CNNHLS_TRIP_FC_BLOCKS 16
#define CNNHLS_TRIP_FC_STEPS 16
#define CNNHLS_TRIP_CH 512
#define CNNHLS_TRIP_HW 224
#define CNNHLS_TRIP_FC 4096

// ------------------------------------------------------------------------------------ trace
// -DCNNHLS_TRACE (C-simulation only; never under synthesis): every pipelined loop reports, as the
// kernels run, (loop id, trip count, DDR elements it moves) at its entry, and the regions that can
// overlap by construction (independent calls in one basic block, DATAFLOW chunks) bracket their
// parts in lanes. cnnhls_top prints each layer's counts ("TRACE L ..." / "TRACE R ..." lines, then
// "TRACE E <layer>"); engine TraceCycles turns them into cycles by the HLS rules (DEVELOPERS.md,
// "Traced C-sim"). Off, the macros expand to nothing: the kernels are unchanged.
#if defined(CNNHLS_TRACE) && !defined(__SYNTHESIS__)
#include "cnnhls_tb_trace.h"  // the recorder (C-sim only, uses the C++ library)
#else
#define CNNHLS_TRACE_LOOP(id, trips)
#define CNNHLS_TRACE_DDR(id, trips, elems)
#define CNNHLS_TRACE_REGION(rid)
#define CNNHLS_TRACE_LANE(l)
#define CNNHLS_TRACE_REGION_END()
#define CNNHLS_TRACE_LAYER(i)
#endif

namespace cnnhls {

typedef ap_int<CNNHLS_ACT_W> act_t;   // feature-map element: raw value of its tensor's format
typedef ap_int<CNNHLS_WGT_W> wgt_t;   // weight: raw value of its layer's weight format
typedef ap_int<64> bias_t;            // bias at the accumulator scale F_x + F_w
typedef ap_int<CNNHLS_ACC_W> acc_t;   // exact conv/gemm accumulator
typedef ap_int<64> sum_t;             // pooling sums
typedef ap_int<CNNHLS_REQ_ACC_W> req_acc_t;  // accumulator as it enters requantize
typedef ap_uint<CNNHLS_REQ_M_W> req_m_t;     // requantize multiplier M
typedef ap_int<CNNHLS_WTILE_W> wtile_t;      // weight-tile element (a weight, or a Winograd-transformed one)

static const int TM = CNNHLS_TM;
static const int TN = CNNHLS_TN;
static const int TR = CNNHLS_TR;
static const int TC = CNNHLS_TC;
static const int TD = TM < TN ? TM : TN;  // channels per depthwise tile (the MAC array's diagonal)
static const int IN_TR = CNNHLS_IN_TR;
static const int IN_TC = CNNHLS_IN_TC;
static const int MAX_K = CNNHLS_MAX_K;
static const int WINOGRAD = CNNHLS_WINOGRAD;
// weight-tile entries per MAC: a K x K window, or the 4 x 4 transformed Winograd tile
static const int KK = WINOGRAD && CNNHLS_MAX_K * CNNHLS_MAX_K < 16 ? 16 : CNNHLS_MAX_K * CNNHLS_MAX_K;
static const int MAX_W = CNNHLS_MAX_W;
static const int MAX_POOL_WIN = CNNHLS_MAX_POOL_WIN;
static const int MAX_FC_IN = CNNHLS_MAX_FC_IN;
static const int FC_NB = CNNHLS_FC_NB;
static const int FC_LANES = CNNHLS_FC_LANES;
static const int EW_CHUNK = CNNHLS_EW_CHUNK;

static_assert(TM >= 1 && TN >= 1 && TR >= 1 && TC >= 1, "tile sizes must be positive");
static_assert(CNNHLS_ACT_W >= 2 && CNNHLS_ACT_W <= 32, "activations are 2..32 bits");
static_assert(CNNHLS_WGT_W >= 2 && CNNHLS_WGT_W <= 32, "weights are 2..32 bits");
static_assert(CNNHLS_ACC_W >= 2 && CNNHLS_ACC_W <= 64, "the accumulator is at most 64 bits");
static_assert(CNNHLS_REQ_ACC_W >= 2 && CNNHLS_REQ_ACC_W <= 64 && CNNHLS_REQ_M_W >= 1 && CNNHLS_REQ_M_W <= 32,
              "requantize operands: accumulator 2..64 bits, multiplier 1..32 bits");
static_assert(MAX_K >= 1 && IN_TR >= 1 && IN_TC >= 1, "window and input tile sizes must be positive");
static_assert(MAX_W >= 1 && MAX_POOL_WIN >= 1 && MAX_FC_IN >= 1 && FC_NB >= 1 && FC_LANES >= 1, "buffer sizes must be positive");
static_assert(EW_CHUNK >= 1 && CNNHLS_EW_FIFO >= 1, "chunk and FIFO sizes must be positive");

inline int ceil_div(int a, int b) { return (a + b - 1) / b; }
inline int min_int(int a, int b) { return a < b ? a : b; }
inline int max_int(int a, int b) { return a > b ? a : b; }
constexpr int ceil_log2(int n) {
  int bits = 0;
  while ((1 << bits) < n) bits++;
  return bits;
}

// Winograd F(2x2, 3x3) in exact integers. V = B^T d B of a 4 x 4 input patch (entries: sums of four
// inputs, 2 bits more); U' = G' g G'^T = 4 G g G^T of a 3 x 3 window (4 bits more); each of the 16
// transformed elements e = (i, j) needs one product per (m, n); the 2 x 2 outputs are
// Y = A^T (sum_n U' . V) A / 4, exact because every sum is 4 times an integer conv sum. A^T[i][r]
// A^T[j][c] in {-1, 0, 1} says how element (r, c) enters output (i, j).
// |Y'| <= 9 * TN * 9 max|g| * 4 max|d| < 2^(ACT_W + WGT_W + 7 + log2 TN) (ResourceModel.winogradAccWidth)
#define CNNHLS_WINO_ACC_W (CNNHLS_ACT_W + CNNHLS_WGT_W + 8 + cnnhls::ceil_log2(CNNHLS_TN))
typedef ap_int<(CNNHLS_WINO_ACC_W < 64 ? CNNHLS_WINO_ACC_W : 64)> wino_acc_t;
static const int WINO_AT[2][4] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

// Operands and result of one cycle of the MAC array: an activation (raw, or Winograd-transformed,
// 2 bits wider) per input lane, and per output lane the exact sum of Tn products.
#define CNNHLS_MAC_IN_W (CNNHLS_ACT_W + (CNNHLS_WINOGRAD ? 2 : 0))
#define CNNHLS_MAC_SUM_W (CNNHLS_WTILE_W + CNNHLS_MAC_IN_W + cnnhls::ceil_log2(CNNHLS_TN))
typedef ap_int<CNNHLS_MAC_IN_W> mac_in_t;
typedef ap_int<(CNNHLS_MAC_SUM_W < 64 ? CNNHLS_MAC_SUM_W : 64)> mac_sum_t;

// ------------------------------------------------------------------------------------ conv plan

// How a conv layer is cut into tiles. Output channels: in general mode a channel tile stays inside
// one group (Tm channels of it) and the input channels of that group are walked Tn at a time. A
// layer with one input channel per group and several groups (depthwise, also with a channel
// multiplier) runs in depthwise mode: a tile of TD = min(Tm, Tn) output channels, MAC-array slot
// (i, i) pairs output channel m0 + i with its own input channel, and the weight tile is zero off the
// diagonal, so the same unrolled array computes it. Rows and columns: tiles of tr x tc conv outputs,
// tr <= Tr chosen so the input window rows fit the input tile (tr shrinks for large strides or
// dilations) and, with a fused max-pool, a multiple of the pool window, so windows never straddle
// tiles.
struct ConvPlan {
  int out_c;           // output channels
  int cg, mg;          // input / output channels per group
  int dw;              // 1: depthwise mode
  int tm;              // output channels per channel tile (Tm, or TD in depthwise mode)
  int mt_per_group;    // channel tiles per group (general mode)
  int ch_tiles;        // channel tiles over all groups
  int n_tiles;         // input-channel steps per channel tile (1 in depthwise mode)
  int wino;            // 1: Winograd mode (CNNHLS_WINOGRAD, general mode, 3x3, stride 1, dilation 1)
  int pk_h, pk_w;      // fused max-pool window (1 x 1 without pool)
  int rows, cols;      // conv outputs computed: those that feed an output
  int tr, tc;          // conv outputs per spatial tile (0: the window does not fit the input tile)
  int r_tiles, c_tiles;
  int tiles;           // ch_tiles * r_tiles * c_tiles
};

// Largest tile extent <= t_max whose input window span fits buf, rounded down to a multiple of pk.
inline int conv_fit_tile(int t_max, int buf, int k, int s, int d, int pk) {
  const int span = (k - 1) * d + 1;
  if (span > buf || s < 1 || pk < 1) return 0;
  const int t = min_int(t_max, (buf - span) / s + 1);
  return t - t % pk;
}

inline ConvPlan conv_plan(const LayerDesc &d) {
  ConvPlan p;
  const int groups = d.groups < 1 ? 1 : d.groups;
  p.out_c = d.out_c;
  p.cg = d.in_c / groups;
  p.mg = d.out_c / groups;
  p.dw = p.cg == 1 && groups > 1 ? 1 : 0;
  p.tm = p.dw ? TD : TM;
  p.mt_per_group = ceil_div(p.mg, TM);
  p.ch_tiles = p.dw ? ceil_div(d.out_c, TD) : groups * p.mt_per_group;
  p.n_tiles = p.dw ? 1 : ceil_div(p.cg, TN);
  p.wino = WINOGRAD && !p.dw && d.k_h == 3 && d.k_w == 3 && d.s_h == 1 && d.s_w == 1 && d.d_h == 1 && d.d_w == 1;
  p.pk_h = d.pool ? d.pool_k_h : 1;
  p.pk_w = d.pool ? d.pool_k_w : 1;
  p.rows = d.pool ? min_int(d.conv_h, d.out_h * p.pk_h) : d.conv_h;
  p.cols = d.pool ? min_int(d.conv_w, d.out_w * p.pk_w) : d.conv_w;
  p.tr = conv_fit_tile(TR, IN_TR, d.k_h, d.s_h, d.d_h, p.pk_h);
  p.tc = conv_fit_tile(TC, IN_TC, d.k_w, d.s_w, d.d_w, p.pk_w);
  p.r_tiles = p.tr > 0 ? ceil_div(p.rows, p.tr) : 0;
  p.c_tiles = p.tc > 0 ? ceil_div(p.cols, p.tc) : 0;
  p.tiles = p.ch_tiles * p.r_tiles * p.c_tiles;
  return p;
}

// One tile: output channels [m0, m0 + mc) (in group g), conv rows [r0, r0 + rows), cols [c0, c0 + cols).
struct ConvTile {
  int g, m0, mc, r0, rows, c0, cols;
};

// Tiles run channel tile by channel tile, then row tiles, then column tiles.
inline ConvTile conv_tile(const ConvPlan &p, int index) {
  ConvTile t;
  const int spatial = p.r_tiles * p.c_tiles;
  const int ct = index / spatial, st = index % spatial;
  const int rt = st / p.c_tiles, cc = st % p.c_tiles;
  if (p.dw) {
    t.g = 0;  // unused: each output channel finds its own group
    t.m0 = ct * TD;
    t.mc = min_int(TD, p.out_c - t.m0);
  } else {
    t.g = ct / p.mt_per_group;
    const int mt = ct % p.mt_per_group;
    t.m0 = t.g * p.mg + mt * TM;
    t.mc = min_int(TM, p.mg - mt * TM);
  }
  t.r0 = rt * p.tr;
  t.rows = min_int(p.tr, p.rows - t.r0);
  t.c0 = cc * p.tc;
  t.cols = min_int(p.tc, p.cols - t.c0);
  return t;
}

// ------------------------------------------------------------------------------------ conv kernels

// Input tile of input-channel step nt: slot n, rows/cols covering the tile's windows; zeros for
// padding and for slots without a channel (raw 0 is real 0 in every format).
inline void conv_load_input(const act_t *fmap, const LayerDesc &d, const ConvPlan &p, const ConvTile &t, int nt,
                            act_t in[TN][IN_TR][IN_TC]) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int in_rows = (t.rows - 1) * d.s_h + (d.k_h - 1) * d.d_h + 1;
  const int in_cols = (t.cols - 1) * d.s_w + (d.k_w - 1) * d.d_w + 1;
  const int iy0 = t.r0 * d.s_h - d.pad_t;
  const int ix0 = t.c0 * d.s_w - d.pad_l;
  for (int n = 0; n < TN; n++) {
    // the input channel feeding slot n
    int ch, ok;
    if (p.dw) {
      ok = n < t.mc;
      ch = (t.m0 + n) / p.mg;
    } else {
      const int ic = nt * TN + n;
      ok = ic < p.cg;
      ch = t.g * p.cg + ic;
    }
    for (int i = 0; i < in_rows; i++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_IN)
      const int iy = iy0 + i;
      const bool row_ok = ok && iy >= 0 && iy < d.in_h;
      const int base = d.in_off + (ch * d.in_h + iy) * d.in_w;
      CNNHLS_TRACE_DDR("conv_in", in_cols, row_ok ? max_int(0, min_int(in_cols, d.in_w - ix0) - max_int(0, -ix0)) : 0);
      for (int j = 0; j < in_cols; j++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_IN)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        const int ix = ix0 + j;
        in[n][i][j] = row_ok && ix >= 0 && ix < d.in_w ? fmap[base + ix] : act_t(0);
      }
    }
  }
}

#if CNNHLS_WINOGRAD
// Winograd mode: each 3 x 3 window is read as in direct mode (the same DDR traffic) and stored
// transformed, 16 entries of U' = G' g G'^T with G' = [2 0 0; 1 1 1; 1 -1 1; 0 0 2]: additions and
// shifts only, one window per 9 cycles (one weight read per cycle).
inline void conv_load_weights_winograd(const wgt_t *weights, const LayerDesc &d, const ConvPlan &p, const ConvTile &t,
                                       int nt, wtile_t w[TM][TN][KK]) {
  CNNHLS_PRAGMA(HLS INLINE off)
  for (int m = 0; m < TM; m++) {
    // general mode only: slot (m, n) holds input channel nt * TN + n, 9 weights after slot (m, n - 1)
    // (kept incremental so the pipeline below needs no index multiplier)
    int base = d.w_off + ((t.m0 + m) * p.cg + nt * TN) * 9;
    CNNHLS_TRACE_DDR("conv_ww", TN, m < t.mc ? 9 * max_int(0, min_int(TN, p.cg - nt * TN)) : 0);
    for (int n = 0; n < TN; n++, base += 9) {
      CNNHLS_PRAGMA(HLS PIPELINE II=9)
      const bool ok = m < t.mc && nt * TN + n < p.cg;
      wtile_t g[3][3], h[4][3];
      for (int k = 0; k < 9; k++) g[k / 3][k % 3] = ok ? wtile_t(weights[base + k]) : wtile_t(0);
      for (int j = 0; j < 3; j++) {  // h = G' g
        h[0][j] = g[0][j] * 2;
        h[1][j] = g[0][j] + g[1][j] + g[2][j];
        h[2][j] = g[0][j] - g[1][j] + g[2][j];
        h[3][j] = g[2][j] * 2;
      }
      for (int i = 0; i < 4; i++) {  // U' = h G'^T
        w[m][n][4 * i + 0] = h[i][0] * 2;
        w[m][n][4 * i + 1] = h[i][0] + h[i][1] + h[i][2];
        w[m][n][4 * i + 2] = h[i][0] - h[i][1] + h[i][2];
        w[m][n][4 * i + 3] = h[i][2] * 2;
      }
    }
  }
}
#endif

// Weight tile [Tm][Tn][k_h * k_w] of input-channel step nt (weights in ONNX order [M][C/groups][kh][kw]);
// zeros outside the layer's channels and, in depthwise mode, off the diagonal.
inline void conv_load_weights(const wgt_t *weights, const LayerDesc &d, const ConvPlan &p, const ConvTile &t, int nt,
                              wtile_t w[TM][TN][KK]) {
  CNNHLS_PRAGMA(HLS INLINE off)
#if CNNHLS_WINOGRAD
  if (p.wino) {
    conv_load_weights_winograd(weights, d, p, t, nt, w);
    return;
  }
#endif
  const int kk = d.k_h * d.k_w;
  for (int m = 0; m < TM; m++) {
    for (int n = 0; n < TN; n++) {
      const int ic = p.dw ? 0 : nt * TN + n;
      const bool ok = m < t.mc && (p.dw ? m == n : ic < p.cg);
      const int base = d.w_off + ((t.m0 + m) * p.cg + ic) * kk;
      CNNHLS_TRACE_DDR("conv_w", kk, ok ? kk : 0);
      for (int k = 0; k < kk; k++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_KK)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        w[m][n][k] = ok ? wtile_t(weights[base + k]) : wtile_t(0);
      }
    }
  }
}

// Per-channel bias and requantize parameters of a channel tile.
inline void conv_load_channel_params(const bias_t *bias, const int *quant, const LayerDesc &d, const ConvTile &t,
                                     acc_t b[TM], int qm[TM], int qs[TM]) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_TRACE_DDR("conv_params", TM, t.mc);
  for (int m = 0; m < TM; m++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const bool ok = m < t.mc;
    const int c = t.m0 + m;
    b[m] = ok ? acc_t(bias[d.b_off + c]) : acc_t(0);
    qm[m] = ok ? quant[2 * (d.q_off + c)] : 1;
    qs[m] = ok ? quant[2 * (d.q_off + c) + 1] : 0;
  }
}

inline void conv_init_acc(acc_t acc[TM][TR][TC], const acc_t b[TM], int rows, int cols) {
  CNNHLS_PRAGMA(HLS INLINE off)
  for (int r = 0; r < rows; r++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TR)
    CNNHLS_TRACE_LOOP("conv_init", cols);
    for (int c = 0; c < cols; c++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TC)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      for (int m = 0; m < TM; m++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        acc[m][r][c] = b[m];
      }
    }
  }
}

// The MAC array, one cycle of it: all Tm x Tn multipliers and the Tn-input adder trees,
// sum[m] = sum_n w[m][n][k] * x[n]. Both conv modes drive it; conv_step allows one instance, so
// direct and Winograd layers share the same DSPs.
inline void mac_array(const wtile_t w[TM][TN][KK], int k, const mac_in_t x[TN], mac_sum_t sum[TM]) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS PIPELINE II=1)
#if CNNHLS_PACK_MACS
  // 8-bit operands: output channels m and m + 1 share x[n], so their two products come from one
  // packed multiply (cnnhls_pack.h); Tn x ceil(Tm / 2) multipliers (ResourceModel counts the same)
  static_assert(CNNHLS_MAC_IN_W <= 8 && CNNHLS_WTILE_W <= 8, "packed MACs need 8-bit operands (not in Winograd mode)");
  for (int m = 0; m + 1 < TM; m += 2) {
    CNNHLS_PRAGMA(HLS UNROLL)
    mac_sum_t s0 = 0, s1 = 0;
    for (int n = 0; n < TN; n++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      ap_int<16> hi, lo;
      packed_mul2(ap_int<8>(w[m][n][k]), ap_int<8>(w[m + 1][n][k]), ap_int<8>(x[n]), hi, lo);
      s0 += hi;
      s1 += lo;
    }
    sum[m] = s0;
    sum[m + 1] = s1;
  }
  if (TM % 2) {
    mac_sum_t s = 0;
    for (int n = 0; n < TN; n++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      s += w[TM - 1][n][k] * x[n];
    }
    sum[TM - 1] = s;
  }
#else
  for (int m = 0; m < TM; m++) {
    CNNHLS_PRAGMA(HLS UNROLL)
    mac_sum_t s = 0;
    for (int n = 0; n < TN; n++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      s += w[m][n][k] * x[n];
    }
    sum[m] = s;
  }
#endif
}

// Direct mode: for every window offset (ky, kx) and tile position (r, c), one pipelined iteration
// performs all Tm x Tn multiply-accumulates. Loop order puts the window outside so consecutive
// iterations update different accumulators.
inline void conv_compute(const act_t in[TN][IN_TR][IN_TC], const wtile_t w[TM][TN][KK], acc_t acc[TM][TR][TC],
                         const LayerDesc &d, int rows, int cols) {
  CNNHLS_PRAGMA(HLS INLINE)
  for (int ky = 0; ky < d.k_h; ky++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_K)
    for (int kx = 0; kx < d.k_w; kx++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_K)
      const int k = ky * d.k_w + kx;
      for (int r = 0; r < rows; r++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TR)
        const int iy = r * d.s_h + ky * d.d_h;
        CNNHLS_TRACE_LOOP("conv_mac", cols);
        for (int c = 0; c < cols; c++) {
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TC)
          CNNHLS_PRAGMA(HLS PIPELINE II=1)
          const int ix = c * d.s_w + kx * d.d_w;
          mac_in_t x[TN];
          mac_sum_t sum[TM];
          for (int n = 0; n < TN; n++) x[n] = in[n][iy][ix];
          mac_array(w, k, x, sum);
          for (int m = 0; m < TM; m++) {
            CNNHLS_PRAGMA(HLS UNROLL)
            acc[m][r][c] += sum[m];
          }
        }
      }
    }
  }
}

// Winograd mode of the MAC array: per 2 x 2 block of outputs, the Tn input patches are transformed
// (V = B^T d B, additions only), then one transformed element e per cycle: all Tm x Tn multipliers
// form U'[m][n][e] * V[n][e], the adder tree sums over n and each output lane adds the sum, with
// sign A^T[i][r] A^T[j][c], into its four block outputs. After 16 cycles the block's outputs, exact
// multiples of 4, are divided by 4 and accumulated. Patch entries past the tile's input window are 0:
// they only feed outputs outside the tile (odd rows or columns), which are not stored.
#if CNNHLS_WINOGRAD
inline void conv_compute_winograd(const act_t in[TN][IN_TR][IN_TC], const wtile_t w[TM][TN][KK],
                                  acc_t acc[TM][TR][TC], int rows, int cols) {
  CNNHLS_PRAGMA(HLS INLINE)
  const int in_rows = rows + 2, in_cols = cols + 2;
  for (int br = 0; br < rows; br += 2) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TR)
    CNNHLS_TRACE_LOOP("conv_wino", (cols + 1) / 2);
    for (int bc = 0; bc < cols; bc += 2) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TC)
      CNNHLS_PRAGMA(HLS PIPELINE II=16)
      mac_in_t v[16][TN];
      CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=v complete dim=0)
      for (int n = 0; n < TN; n++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        mac_in_t dp[4][4], t[4][4];
        for (int i = 0; i < 4; i++) {
          for (int j = 0; j < 4; j++) {
            const bool ok = br + i < in_rows && bc + j < in_cols;
            dp[i][j] = ok ? mac_in_t(in[n][br + i][bc + j]) : mac_in_t(0);
          }
        }
        for (int j = 0; j < 4; j++) {  // t = B^T d
          t[0][j] = dp[0][j] - dp[2][j];
          t[1][j] = dp[1][j] + dp[2][j];
          t[2][j] = dp[2][j] - dp[1][j];
          t[3][j] = dp[1][j] - dp[3][j];
        }
        for (int i = 0; i < 4; i++) {  // V = t B
          v[4 * i + 0][n] = t[i][0] - t[i][2];
          v[4 * i + 1][n] = t[i][1] + t[i][2];
          v[4 * i + 2][n] = t[i][2] - t[i][1];
          v[4 * i + 3][n] = t[i][1] - t[i][3];
        }
      }
      wino_acc_t y[TM][4];
      CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=y complete dim=0)
      for (int m = 0; m < TM; m++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        for (int o = 0; o < 4; o++) y[m][o] = 0;
      }
      for (int e = 0; e < 16; e++) {  // one cycle of the shared array per transformed element
        const int r = e / 4, c = e % 4;
        mac_sum_t sum[TM];
        mac_array(w, e, v[e], sum);
        for (int m = 0; m < TM; m++) {
          CNNHLS_PRAGMA(HLS UNROLL)
          for (int o = 0; o < 4; o++) {
            const int sign = WINO_AT[o / 2][r] * WINO_AT[o % 2][c];
            if (sign > 0) y[m][o] += sum[m];
            else if (sign < 0) y[m][o] -= sum[m];
          }
        }
      }
      for (int m = 0; m < TM; m++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        for (int o = 0; o < 4; o++) {
          const int r = br + o / 2, c = bc + o % 2;
          if (r < rows && c < cols) acc[m][r][c] += acc_t(y[m][o] >> 2);
        }
      }
    }
  }
}
#endif

// Fused output stage: requantize per channel, activate, and with a fused max-pool keep the running
// maximum of each pk_h x pk_w window (its first element, visited first in row-major order, starts
// it). Without pool pk = 1 and every position is its own window.
inline void conv_output(const acc_t acc[TM][TR][TC], act_t out[TM][TR][TC], const int qm[TM], const int qs[TM],
                        const LayerDesc &d, const ConvPlan &p, int rows, int cols) {
  CNNHLS_PRAGMA(HLS INLINE off)
  int pr = 0, pi = 0;  // pooled row, row inside the window (counters instead of divisions)
  for (int r = 0; r < rows; r++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TR)
    int pc = 0, pj = 0;
    CNNHLS_TRACE_LOOP("conv_out", cols);
    for (int c = 0; c < cols; c++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TC)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      const bool first = pi == 0 && pj == 0;
      for (int m = 0; m < TM; m++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        const int q = requantize_narrow(req_acc_t(acc[m][r][c]), req_m_t(qm[m]), qs[m], d.out_width);
        const act_t v = act_t(activate(q, d));
        if (first || v > out[m][pr][pc]) out[m][pr][pc] = v;
      }
      if (++pj == p.pk_w) {
        pj = 0;
        pc++;
      }
    }
    if (++pi == p.pk_h) {
      pi = 0;
      pr++;
    }
  }
}

// Writes a finished (pooled) tile to its place in the output tensor, one burst per row.
inline void conv_store(const act_t out[TM][TR][TC], act_t *fmap, const LayerDesc &d, const ConvPlan &p,
                       const ConvTile &t) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int pr0 = t.r0 / p.pk_h, pc0 = t.c0 / p.pk_w;  // exact: tiles start on window boundaries
  const int prows = ceil_div(t.rows, p.pk_h), pcols = ceil_div(t.cols, p.pk_w);
  for (int m = 0; m < t.mc; m++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TM)
    for (int r = 0; r < prows; r++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TR)
      const int base = d.out_off + ((t.m0 + m) * d.out_h + pr0 + r) * d.out_w + pc0;
      CNNHLS_TRACE_DDR("conv_store", pcols, pcols);
      for (int c = 0; c < pcols; c++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TC)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        fmap[base + c] = out[m][r][c];
      }
    }
  }
}

// One step of the conv pipeline: the loaders fill in_next/w_next for step i + 1 (in parallel with
// each other: independent calls, two ports), at the first step of a tile the previous tile's output
// (out_prev) goes to DDR, then the MAC array works on step i (tile `cur`, input-channel step nt,
// buffers in_cur/w_cur) and the last step of a tile runs the output stage into out_cur. The caller
// alternates the buffers (ping-pong), but as written HLS runs the loads and the inlined compute
// loops one after the other (no DATAFLOW here): engine ConvEngine and TraceCycles cost it so.
inline void conv_step(const act_t in_cur[TN][IN_TR][IN_TC], const wtile_t w_cur[TM][TN][KK],
                      act_t in_next[TN][IN_TR][IN_TC], wtile_t w_next[TM][TN][KK], act_t out_cur[TM][TR][TC],
                      const act_t out_prev[TM][TR][TC], acc_t acc[TM][TR][TC], acc_t b[TM], int qm[TM], int qs[TM],
                      const LayerDesc &d, const ConvPlan &p, const wgt_t *weights, const bias_t *bias,
                      const int *quant, act_t *fmap, int tile, int nt, int has_next, int next_tile, int next_nt) {
  CNNHLS_PRAGMA(HLS INLINE off)
  // one MAC array for both conv modes (conv_compute and conv_compute_winograd are inlined here)
  CNNHLS_PRAGMA(HLS ALLOCATION function instances=mac_array limit=1)
  const ConvTile cur = conv_tile(p, tile);
  if (has_next) {
    const ConvTile next = conv_tile(p, next_tile);
    CNNHLS_TRACE_REGION("conv_load");
    conv_load_input(fmap, d, p, next, next_nt, in_next);
    CNNHLS_TRACE_LANE(1);
    conv_load_weights(weights, d, p, next, next_nt, w_next);
    CNNHLS_TRACE_REGION_END();
  }
  if (nt == 0) {
    if (tile > 0) conv_store(out_prev, fmap, d, p, conv_tile(p, tile - 1));
    conv_load_channel_params(bias, quant, d, cur, b, qm, qs);
    conv_init_acc(acc, b, cur.rows, cur.cols);
  }
#if CNNHLS_WINOGRAD
  if (p.wino) {
    conv_compute_winograd(in_cur, w_cur, acc, cur.rows, cur.cols);
  } else {
    conv_compute(in_cur, w_cur, acc, d, cur.rows, cur.cols);
  }
#else
  conv_compute(in_cur, w_cur, acc, d, cur.rows, cur.cols);
#endif
  if (nt == p.n_tiles - 1) conv_output(acc, out_cur, qm, qs, d, p, cur.rows, cur.cols);
}

// Conv / depthwise conv + bias + requantize + activation (+ max-pool), see ConvPlan.
inline void conv_layer(const LayerDesc &d, const wgt_t *weights, const bias_t *bias, const int *quant,
                       act_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t in0[TN][IN_TR][IN_TC], in1[TN][IN_TR][IN_TC];
  static wtile_t w0[TM][TN][KK], w1[TM][TN][KK];
  static acc_t acc[TM][TR][TC];
  static act_t out0[TM][TR][TC], out1[TM][TR][TC];
  static acc_t b[TM];
  static int qm[TM], qs[TM];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=in0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=in1 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w0 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w1 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w1 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=acc complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=out0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=out1 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=b complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=qm complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=qs complete dim=1)

  const ConvPlan p = conv_plan(d);
  const int steps = p.tiles * p.n_tiles;
  if (steps == 0) return;
  CNNHLS_TRACE_REGION("conv_load");
  conv_load_input(fmap, d, p, conv_tile(p, 0), 0, in0);
  CNNHLS_TRACE_LANE(1);
  conv_load_weights(weights, d, p, conv_tile(p, 0), 0, w0);
  CNNHLS_TRACE_REGION_END();
  int tile = 0, nt = 0;
  for (int i = 0; i < steps; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    const int last_nt = nt == p.n_tiles - 1;
    const int next_tile = last_nt ? tile + 1 : tile, next_nt = last_nt ? 0 : nt + 1;
    const int has_next = i + 1 < steps;
    // input/weight buffers alternate per step, output buffers per tile
    if ((i & 1) == 0) {
      if ((tile & 1) == 0) {
        conv_step(in0, w0, in1, w1, out0, out1, acc, b, qm, qs, d, p, weights, bias, quant, fmap, tile, nt, has_next,
                  next_tile, next_nt);
      } else {
        conv_step(in0, w0, in1, w1, out1, out0, acc, b, qm, qs, d, p, weights, bias, quant, fmap, tile, nt, has_next,
                  next_tile, next_nt);
      }
    } else {
      if ((tile & 1) == 0) {
        conv_step(in1, w1, in0, w0, out0, out1, acc, b, qm, qs, d, p, weights, bias, quant, fmap, tile, nt, has_next,
                  next_tile, next_nt);
      } else {
        conv_step(in1, w1, in0, w0, out1, out0, acc, b, qm, qs, d, p, weights, bias, quant, fmap, tile, nt, has_next,
                  next_tile, next_nt);
      }
    }
    tile = next_tile;
    nt = next_nt;
  }
  // the last tile's output is still on chip
  if (((p.tiles - 1) & 1) == 0) {
    conv_store(out0, fmap, d, p, conv_tile(p, p.tiles - 1));
  } else {
    conv_store(out1, fmap, d, p, conv_tile(p, p.tiles - 1));
  }
}

// ------------------------------------------------------------------------------------ gemm

// Fully connected: out[n] = act(requant(bias[n] + sum_k w * x[k])), K = in_c*in_h*in_w inputs (the
// flattened C x H x W tensor), N = out_c*out_h*out_w outputs. The input vector stays on chip;
// weights stream from DDR exactly once, in address order: with trans_b = 1 ([N][K]) the whole
// matrix is one sequential stream; with trans_b = 0 ([K][N]) blocks of FC_NB outputs read one
// contiguous row segment per input. Either way FC_LANES weights per cycle, what one AXI beat
// carries: more multipliers could not be fed.
inline void gemm_layer(const LayerDesc &d, const wgt_t *weights, const bias_t *bias, const int *quant,
                       act_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t x[MAX_FC_IN];
  static acc_t acc[FC_NB];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=x cyclic factor=CNNHLS_FC_LANES dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=acc cyclic factor=CNNHLS_FC_LANES dim=1)
  const int K = d.in_c * d.in_h * d.in_w, N = d.out_c * d.out_h * d.out_w;
  CNNHLS_TRACE_DDR("fc_x", K, K);
  for (int k = 0; k < K; k++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    x[k] = fmap[d.in_off + k];
  }
  if (d.trans_b) {
    const int kc_n = ceil_div(K, FC_LANES);
    for (int n = 0; n < N; n++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC)
      CNNHLS_TRACE_DDR("fc_bias", 1, 1);
      acc_t a = bias[d.b_off + n];
      const int row = d.w_off + n * K;
      CNNHLS_TRACE_DDR("fc_row", kc_n, K);
      for (int kc = 0; kc < kc_n; kc++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        acc_t part = 0;
        for (int j = 0; j < FC_LANES; j++) {
          CNNHLS_PRAGMA(HLS UNROLL)
          const int k = kc * FC_LANES + j;
          if (k < K) part += weights[row + k] * x[k];
        }
        a += part;
      }
      CNNHLS_TRACE_DDR("fc_quant", 1, 2);
      CNNHLS_TRACE_DDR("fc_y", 1, 1);
      const int q = 2 * (d.q_off + n);
      fmap[d.out_off + n] =
          act_t(activate(requantize_narrow(req_acc_t(a), req_m_t(quant[q]), quant[q + 1], d.out_width), d));
    }
  } else {
    for (int n0 = 0; n0 < N; n0 += FC_NB) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC_BLOCKS)
      const int nb = min_int(FC_NB, N - n0), jb_n = ceil_div(nb, FC_LANES);
      CNNHLS_TRACE_DDR("fc_binit", nb, nb);
      for (int j = 0; j < nb; j++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_FC_NB)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        acc[j] = bias[d.b_off + n0 + j];
      }
      for (int k = 0; k < K; k++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC)
        const act_t xk = x[k];
        const int row = d.w_off + k * N + n0;
        CNNHLS_TRACE_DDR("fc_col", jb_n, nb);
        for (int jb = 0; jb < jb_n; jb++) {
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC_STEPS)
          CNNHLS_PRAGMA(HLS PIPELINE II=1)
          for (int u = 0; u < FC_LANES; u++) {
            CNNHLS_PRAGMA(HLS UNROLL)
            const int j = jb * FC_LANES + u;
            if (j < nb) acc[j] += weights[row + j] * xk;
          }
        }
      }
      CNNHLS_TRACE_DDR("fc_out", nb, nb);
      for (int j = 0; j < nb; j++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_FC_NB)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        const int q = 2 * (d.q_off + n0 + j);
        fmap[d.out_off + n0 + j] =
            act_t(activate(requantize_narrow(req_acc_t(acc[j]), req_m_t(quant[q]), quant[q + 1], d.out_width), d));
      }
    }
  }
}

// ------------------------------------------------------------------------------------ element-wise

typedef hls::stream<act_t, CNNHLS_EW_FIFO> act_stream;

inline void ew_read(const act_t *src, int n, act_stream &s) {
  CNNHLS_TRACE_DDR("ew_read", n, n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    s.write(src[i]);
  }
}

inline void ew_write(act_stream &s, act_t *dst, int n) {
  CNNHLS_TRACE_DDR("ew_write", n, n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    dst[i] = s.read();
  }
}

// Add: both operands shifted to the larger F (shift_a, shift_b >= 0), added exactly, requantized
// with M = 1, s = shift_out, then activated.
inline void add_compute(act_stream &a, act_stream &b, act_stream &out, int n, const LayerDesc &d) {
  CNNHLS_TRACE_LOOP("ew_add", n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    // shifts, not multiplies (no 64-bit multiplier in hardware); exact: values of at most 32 bits
    // shifted by at most 30 (layer_fits) fit the 64-bit sum_t
    sum_t sa = a.read(), sb = b.read();
    sa <<= d.shift_a;
    sb <<= d.shift_b;
    const long long sum = sa.to_int64() + sb.to_int64();
    out.write(act_t(activate(requantize(sum, 1, d.shift_out, d.out_width), d)));
  }
}

// COPY (concat slice): requantize with M = 1, s = shift_out into the output format.
// ACT: standalone activation on raw values (same format in and out).
inline void unary_compute(act_stream &in, act_stream &out, int n, const LayerDesc &d) {
  const int copy = d.op == OP_COPY;
  CNNHLS_TRACE_LOOP("ew_unary", n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const long long v = in.read().to_int64();
    out.write(act_t(copy ? requantize(v, 1, d.shift_out, d.out_width) : activate((int)v, d)));
  }
}

inline void add_chunk(const act_t *a, const act_t *b, act_t *out, int n, const LayerDesc &d) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS DATAFLOW)
  act_stream sa, sb, so;
  CNNHLS_TRACE_REGION("ew_chunk");
  ew_read(a, n, sa);
  ew_read(b, n, sb);
  CNNHLS_TRACE_LANE(1);
  add_compute(sa, sb, so, n, d);
  CNNHLS_TRACE_LANE(2);
  ew_write(so, out, n);
  CNNHLS_TRACE_REGION_END();
}

inline void unary_chunk(const act_t *src, act_t *dst, int n, const LayerDesc &d) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS DATAFLOW)
  act_stream si, so;
  CNNHLS_TRACE_REGION("ew_chunk");
  ew_read(src, n, si);
  CNNHLS_TRACE_LANE(1);
  unary_compute(si, so, n, d);
  CNNHLS_TRACE_LANE(2);
  ew_write(so, dst, n);
  CNNHLS_TRACE_REGION_END();
}

inline void add_layer(const LayerDesc &d, act_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int total = d.out_c * d.out_h * d.out_w;
  for (int off = 0; off < total; off += EW_CHUNK) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    add_chunk(fmap + d.in_off + off, fmap + d.in2_off + off, fmap + d.out_off + off, min_int(EW_CHUNK, total - off), d);
  }
}

// COPY writes its in_c channels at channel concat_c_off of the output: with C x H x W layout that is
// one contiguous run. ACT maps in to out element by element.
inline void unary_layer(const LayerDesc &d, act_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int total = d.in_c * d.in_h * d.in_w;
  const int dst = d.out_off + (d.op == OP_COPY ? d.concat_c_off * d.out_h * d.out_w : 0);
  for (int off = 0; off < total; off += EW_CHUNK) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    unary_chunk(fmap + d.in_off + off, fmap + dst + off, min_int(EW_CHUNK, total - off), d);
  }
}

// ------------------------------------------------------------------------------------ pooling

// Max-pool (k, stride, pads, dilation; padding never wins) and average-pool (k, stride, pads; exact
// sum, then requantize with the multiplier of the window's count N and s = AVG_SHIFT + shift_out;
// N counts in-bounds positions, or with count_include_pad the positions inside the padded extent).
// Per channel and output row: each of the k_h input rows the windows touch is read once into a
// line buffer (one burst), then for each kx the whole output row is updated, one output per cycle.
inline void pool_layer(const LayerDesc &d, act_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t line[MAX_W];
  static sum_t racc[MAX_W];
  static int mult[MAX_POOL_WIN + 1];
  const int avg = d.op == OP_AVGPOOL;
  const int dil_h = avg ? 1 : d.d_h, dil_w = avg ? 1 : d.d_w;  // AveragePool has no dilation
  const sum_t lowest = sum_t(-(1LL << 62));  // below every raw value
  if (avg) {
    mult[0] = 0;
    CNNHLS_TRACE_LOOP("pool_mult", d.k_h * d.k_w);
    for (int n = 1; n <= d.k_h * d.k_w; n++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_MAX_POOL_WIN)
      mult[n] = avg_multiplier(n);
    }
  }
  for (int ch = 0; ch < d.out_c; ch++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    for (int oy = 0; oy < d.out_h; oy++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
      CNNHLS_TRACE_LOOP("pool_init", d.out_w);
      for (int ox = 0; ox < d.out_w; ox++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        racc[ox] = avg ? sum_t(0) : lowest;
      }
      int rows_valid = 0, rows_padded = 0;
      for (int ky = 0; ky < d.k_h; ky++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_K)
        const int iy = oy * d.s_h - d.pad_t + ky * dil_h;
        if (iy < d.in_h + d.pad_b) rows_padded++;
        if (iy < 0 || iy >= d.in_h) continue;
        rows_valid++;
        const int base = d.in_off + (ch * d.in_h + iy) * d.in_w;
        CNNHLS_TRACE_DDR("pool_line", d.in_w, d.in_w);
        for (int x = 0; x < d.in_w; x++) {
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
          CNNHLS_PRAGMA(HLS PIPELINE II=1)
          line[x] = fmap[base + x];
        }
        for (int kx = 0; kx < d.k_w; kx++) {
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_K)
          CNNHLS_TRACE_LOOP("pool_acc", d.out_w);
          for (int ox = 0; ox < d.out_w; ox++) {
            CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
            CNNHLS_PRAGMA(HLS PIPELINE II=1)
            const int ix = ox * d.s_w - d.pad_l + kx * dil_w;
            if (ix >= 0 && ix < d.in_w) {
              const sum_t v = line[ix];
              if (avg) {
                racc[ox] += v;
              } else if (v > racc[ox]) {
                racc[ox] = v;
              }
            }
          }
        }
      }
      const int obase = d.out_off + (ch * d.out_h + oy) * d.out_w;
      CNNHLS_TRACE_DDR("pool_out", d.out_w, d.out_w);
      for (int ox = 0; ox < d.out_w; ox++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        if (avg) {
          const int ix0 = ox * d.s_w - d.pad_l;
          const int cols_valid = max_int(0, min_int(d.k_w, d.in_w - ix0) - max_int(0, -ix0));
          const int cols_padded = max_int(0, min_int(d.k_w, d.in_w + d.pad_r - ix0));
          const int n = d.count_include_pad ? rows_padded * cols_padded : rows_valid * cols_valid;
          fmap[obase + ox] = act_t(requantize_narrow<64, AVG_M_W>(racc[ox], ap_uint<AVG_M_W>(mult[n]), AVG_SHIFT + d.shift_out, d.out_width));
        } else {
          fmap[obase + ox] = act_t(racc[ox].to_int64());
        }
      }
    }
  }
}

// Global average pool (N = H * W, one multiplier) and global max pool, one channel plane at a time.
inline void global_pool_layer(const LayerDesc &d, act_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int hw = d.in_h * d.in_w;
  const int avg = d.op == OP_GAVGPOOL;
  const int m = avg ? avg_multiplier(hw) : 1;
  for (int ch = 0; ch < d.in_c; ch++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    const int base = d.in_off + ch * hw;
    sum_t sum = 0;
    CNNHLS_TRACE_DDR("gpool_first", 1, 1);
    act_t best = fmap[base];
    CNNHLS_TRACE_DDR("gpool_sum", hw, hw);
    for (int i = 0; i < hw; i++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      const act_t v = fmap[base + i];
      sum += v;
      if (v > best) best = v;
    }
    CNNHLS_TRACE_DDR("gpool_out", 1, 1);
    fmap[d.out_off + ch] = avg ? act_t(requantize_narrow<64, AVG_M_W>(sum, ap_uint<AVG_M_W>(m), AVG_SHIFT + d.shift_out, d.out_width)) : best;
  }
}

// ------------------------------------------------------------------------------------ dispatch

// Runs one layer (what the top function does for each descriptor).
inline void run_layer(const LayerDesc &d, const wgt_t *weights, const bias_t *bias, const int *quant, act_t *fmap) {
  switch (d.op) {
    case OP_CONV: conv_layer(d, weights, bias, quant, fmap); break;
    case OP_GEMM: gemm_layer(d, weights, bias, quant, fmap); break;
    case OP_ADD: add_layer(d, fmap); break;
    case OP_MAXPOOL:
    case OP_AVGPOOL: pool_layer(d, fmap); break;
    case OP_GAVGPOOL:
    case OP_GMAXPOOL: global_pool_layer(d, fmap); break;
    case OP_COPY:
    case OP_ACT: unary_layer(d, fmap); break;
    default: break;
  }
}

// ------------------------------------------------------------------------------------ limits

// Null when the engine can run the descriptor, else why not (for testbenches and tools; the
// compiler must only emit descriptors for which this is null).
inline const char *layer_fits(const LayerDesc &d) {
  if (d.out_width < 2 || d.out_width > CNNHLS_ACT_W) return "out_width must be in [2, CNNHLS_ACT_W]";
  if (d.leaky && !CNNHLS_LEAKY) return "LeakyReLU layer in an engine built without it (CNNHLS_LEAKY 0)";
  if (d.leaky && (d.leak_m < 0 || d.leak_m >= (1 << LEAK_M_W))) return "LeakyReLU multiplier beyond LEAK_M_W bits";
  if (d.in_c < 1 || d.in_h < 1 || d.in_w < 1 || d.out_c < 1 || d.out_h < 1 || d.out_w < 1) return "empty tensor";
  switch (d.op) {
    case OP_CONV: {
      if (d.groups < 1 || d.in_c % d.groups != 0 || d.out_c % d.groups != 0) return "channels not divisible by groups";
      if (d.k_h < 1 || d.k_w < 1 || d.k_h > MAX_K || d.k_w > MAX_K) return "conv window larger than CNNHLS_MAX_K";
      if (d.s_h < 1 || d.s_w < 1 || d.d_h < 1 || d.d_w < 1) return "stride and dilation must be >= 1";
      if (d.conv_h < 1 || d.conv_w < 1) return "empty conv output";
      if ((d.conv_h - 1) * d.s_h + (d.k_h - 1) * d.d_h + 1 > d.in_h + d.pad_t + d.pad_b ||
          (d.conv_w - 1) * d.s_w + (d.k_w - 1) * d.d_w + 1 > d.in_w + d.pad_l + d.pad_r) {
        return "conv output larger than the padded input allows";
      }
      if (d.pool) {
        if (d.pool_k_h < 1 || d.pool_k_w < 1 || d.pool_k_h != d.pool_s_h || d.pool_k_w != d.pool_s_w) {
          return "a fused max-pool needs pool_k == pool_s";
        }
        if (d.pool_pad_t || d.pool_pad_l || d.pool_pad_b || d.pool_pad_r) return "a fused max-pool cannot be padded";
        // floor or ceil mode; a partial last window (ceil) stays inside the last tile
        if (d.out_h != d.conv_h / d.pool_k_h && d.out_h != ceil_div(d.conv_h, d.pool_k_h)) {
          return "pooled height is neither floor nor ceil of conv_h / pool_k_h";
        }
        if (d.out_w != d.conv_w / d.pool_k_w && d.out_w != ceil_div(d.conv_w, d.pool_k_w)) {
          return "pooled width is neither floor nor ceil of conv_w / pool_k_w";
        }
      } else if (d.out_h != d.conv_h || d.out_w != d.conv_w) {
        return "without pool, out_h/out_w must equal conv_h/conv_w";
      }
      const ConvPlan p = conv_plan(d);
      if (p.tr < 1 || p.tc < 1) {
        return "window (or pool window) does not fit the input tile (CNNHLS_IN_TR/IN_TC, CNNHLS_TR/TC)";
      }
      return 0;
    }
    case OP_GEMM:
      if (d.in_c * d.in_h * d.in_w > MAX_FC_IN) return "fully connected input longer than CNNHLS_MAX_FC_IN";
      return 0;
    case OP_ADD:
    case OP_ACT:
      if (d.in_c * d.in_h * d.in_w != d.out_c * d.out_h * d.out_w) return "input and output sizes differ";
      if (d.op == OP_ADD && (d.shift_a < 0 || d.shift_b < 0 || d.shift_a > 30 || d.shift_b > 30)) {
        return "add input shifts must be in [0, 30]";
      }
      return 0;
    case OP_MAXPOOL:
    case OP_AVGPOOL:
      if (d.in_c != d.out_c) return "pooling keeps the channel count";
      if (d.k_h < 1 || d.k_w < 1 || d.s_h < 1 || d.s_w < 1 || d.d_h < 1 || d.d_w < 1) return "bad pooling window";
      if (d.in_w > MAX_W || d.out_w > MAX_W) return "pooling row wider than CNNHLS_MAX_W";
      if (d.op == OP_AVGPOOL && d.k_h * d.k_w > MAX_POOL_WIN) {
        return "average-pool window larger than CNNHLS_MAX_POOL_WIN";
      }
      return 0;
    case OP_GAVGPOOL:
    case OP_GMAXPOOL:
      if (d.in_c != d.out_c || d.out_h != 1 || d.out_w != 1) return "global pooling outputs C x 1 x 1";
      return 0;
    case OP_COPY:
      if (d.in_h != d.out_h || d.in_w != d.out_w) return "concat slices must match the output's H and W";
      if (d.concat_c_off < 0 || d.concat_c_off + d.in_c > d.out_c) return "concat slice outside the output channels";
      return 0;
    default:
      return "unknown op";
  }
}

}  // namespace cnnhls

#endif
