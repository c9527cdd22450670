// cnnhls overlay engine: descriptor-driven layer kernels (design.md section 3, "Overlay").
//
// One engine is reused layer by layer. Feature maps, weights, bias and requantize parameters live in
// DDR behind m_axi pointers (bulk transfers as whole AXI beats: see "memory interface" below); a
// LayerDesc (cnnhls_desc.h) says what each pass computes. Values are
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
//             CNNHLS_AXI_WIDTH (128)   m_axi data width in bits (a power of two >= 32): AE activations
//                                      or WE weights per beat, at their storage width (8/16/32 bits)
//             CNNHLS_FC_NB (256)       outputs per block of a fully connected layer
//             CNNHLS_FC_LANES (WE)     weights a fully connected layer multiplies per cycle: one beat
//             CNNHLS_ACT_PER_BEAT (AE) the same as a literal for the HLS pragmas (config header)
//             CNNHLS_EW_CHUNK (1024)   element-wise chunk (add, copy, activation, mul)
//             CNNHLS_MUL_MAX_C (2048)  channels of a per-channel Mul's on-chip factor buffer
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
#ifndef CNNHLS_AXI_WIDTH
#define CNNHLS_AXI_WIDTH 128
#endif
#ifndef CNNHLS_FC_LANES
#define CNNHLS_FC_LANES (CNNHLS_AXI_WIDTH / (CNNHLS_WGT_W <= 8 ? 8 : CNNHLS_WGT_W <= 16 ? 16 : 32))
#endif
#ifndef CNNHLS_EW_CHUNK
#define CNNHLS_EW_CHUNK 1024
#endif
#ifndef CNNHLS_MUL_MAX_C
#define CNNHLS_MUL_MAX_C 2048
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
static const int MUL_MAX_C = CNNHLS_MUL_MAX_C;
// Operand widths of the element-wise Mul's multiplier (ResourceModel counts it at these).
static const int MUL_A_W = CNNHLS_ACT_W, MUL_B_W = CNNHLS_ACT_W;

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

// ------------------------------------------------------------------------------------ memory interface

// DDR holds every tensor at its storage width (8 or 16 bits, a power of two: narrower formats are
// padded), little-endian, so a beat of the AXI bus carries AE activations or WE weights. The bulk
// ports carry whole beats (act_beat_t, wgt_beat_t: a struct on the interface is aggregated into one
// word, first member at the LSB, UG1399 "Structs on the Interface"), and every burst is an
// unconditional, sequential, II=1 loop over a contiguous block of beats; which elements of a beat
// are kept, and all padding and zero fill, is decided on chip. Element-wide ports (act_store_t,
// bias, quant) remain for short or unaligned transfers (beat-partial writes, per-layer parameters,
// the pooling and element-wise kernels).
#if CNNHLS_ACT_W <= 8
typedef signed char act_store_t;
#elif CNNHLS_ACT_W <= 16
typedef short act_store_t;
#else
typedef int act_store_t;
#endif
#if CNNHLS_WGT_W <= 8
typedef signed char wgt_store_t;
#elif CNNHLS_WGT_W <= 16
typedef short wgt_store_t;
#else
typedef int wgt_store_t;
#endif
static const int AXI_W = CNNHLS_AXI_WIDTH;
static const int AE = AXI_W / (8 * (int)sizeof(act_store_t));  // activations per beat
static const int WE = AXI_W / (8 * (int)sizeof(wgt_store_t));  // weights per beat
static const int AE_LOG = ceil_log2(AE);
static const int WE_LOG = ceil_log2(WE);
static_assert(AXI_W >= 32 && (AXI_W & (AXI_W - 1)) == 0, "CNNHLS_AXI_WIDTH must be a power of two >= 32");
static_assert(AE >= 1 && (1 << AE_LOG) == AE && WE >= 1 && (1 << WE_LOG) == WE, "elements per beat");
static_assert(FC_LANES == WE, "CNNHLS_FC_LANES must be one beat of weights (CNNHLS_AXI_WIDTH / weight storage bits)");
#ifndef CNNHLS_ACT_PER_BEAT
#define CNNHLS_ACT_PER_BEAT (CNNHLS_AXI_WIDTH / (8 * (CNNHLS_ACT_W <= 8 ? 1 : CNNHLS_ACT_W <= 16 ? 2 : 4)))
#endif
static_assert(CNNHLS_ACT_PER_BEAT == AE, "CNNHLS_ACT_PER_BEAT must be AE (activations per beat)");
struct act_beat_t {
  act_store_t e[AE];
};
struct wgt_beat_t {
  wgt_store_t e[WE];
};

// On-chip tiles, banked so that one beat lands in (or leaves from) AE / WE different memories per
// cycle. A tile position with linear index l lives in bank l % AE at address l / AE.
static const int IN_BANK = (IN_TR * IN_TC + AE - 1) / AE;
static const int OUT_BANK = (TR * TC + AE - 1) / AE;
// Weight lanes: MAC (m, n) is lane m * TN + n, held in bank lane % WE at row lane / WE, one entry per
// window tap k. A DDR weight block carries, per tap, the W_ROWS beats of all lanes.
static const int W_LANES = TM * TN;
static const int W_ROWS = (W_LANES + WE - 1) / WE;

// -DCNNHLS_COUNT_WALK (C-simulation only; the SystemC model): walk_cycles() accumulates the cycles
// of the walk's short sequential loops (mul_add, dw_adv: one per trip), which the model charges.
#if defined(CNNHLS_COUNT_WALK) && !defined(__SYNTHESIS__)
inline long long &walk_cycles() {
  static long long c = 0;
  return c;
}
#define CNNHLS_WALK_COUNT(n) (::cnnhls::walk_cycles() += (n))
#else
#define CNNHLS_WALK_COUNT(n)
#endif

// Beats holding feature-map elements [a0, a0 + n) (0 for n <= 0): what one burst of them reads.
inline int beats_holding(int a0, int n) { return n > 0 ? ((a0 + n - 1) >> AE_LOG) - (a0 >> AE_LOG) + 1 : 0; }

// a * b (both >= 0) by repeated addition, min(a, b) times: the address products of the conv walk,
// once per layer or per tile, without a multiplier.
inline int mul_add(int a, int b) {
  const int big = a > b ? a : b, n = a > b ? b : a;
  int s = 0;
  CNNHLS_TRACE_LOOP("mul_add", n);
  CNNHLS_WALK_COUNT(n > 0 ? n : 0);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=0 max=CNNHLS_TRIP_K)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    s += big;
  }
  return s;
}

// ------------------------------------------------------------------------------------ conv plan

// How a conv layer is cut into tiles. Output channels: in general mode a channel tile stays inside
// one group (Tm channels of it) and the input channels of that group are walked Tn at a time. A
// layer with one input channel per group and several groups (depthwise, also with a channel
// multiplier) runs in depthwise mode: a tile of TD = min(Tm, Tn) output channels, MAC-array slot
// (i, i) pairs output channel m0 + i with its own input channel, and the weight tile is zero off the
// diagonal, so the same unrolled array computes it. Rows and columns: tiles of tr x tc conv outputs,
// tr <= Tr chosen so the input window rows fit the input tile (tr shrinks for large strides or
// dilations) and, with a fused max-pool, a multiple of the pool window, so windows never straddle
// tiles. Computed once per layer; its divisions run on one shared sequential divider (the
// conv_plan trace loop). The kernels walk the tiles with counters and read neither ch_tiles nor
// tiles (products for models and testbenches, removed from the hardware as dead code).
struct ConvPlan {
  int out_c;           // output channels
  int groups;
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
  int rows_last, cols_last;    // conv outputs of the last row / column tile
  int ptr, ptc;                // pooled outputs of a full tile (tr / pk_h, tc / pk_w)
  int prows_last, pcols_last;  // pooled outputs of the last row / column tile
  int tiles;           // ch_tiles * r_tiles * c_tiles
};

// Divisions conv_plan performs (one sequential divider: the conv_plan trace loop).
static const int CONV_PLAN_DIVISIONS = 18;

// Largest tile extent <= t_max whose input window span fits buf, rounded down to a multiple of pk.
inline int conv_fit_tile(int t_max, int buf, int k, int s, int d, int pk) {
  const int span = (k - 1) * d + 1;
  if (span > buf || s < 1 || pk < 1) return 0;
  const int t = min_int(t_max, (buf - span) / s + 1);
  return t - t % pk;
}

inline ConvPlan conv_plan(const LayerDesc &d) {
  ConvPlan p;
  p.groups = d.groups < 1 ? 1 : d.groups;
  p.out_c = d.out_c;
  p.cg = d.in_c / p.groups;
  p.mg = d.out_c / p.groups;
  p.dw = p.cg == 1 && p.groups > 1 ? 1 : 0;
  p.tm = p.dw ? TD : TM;
  p.mt_per_group = ceil_div(p.mg, TM);
  p.ch_tiles = p.dw ? ceil_div(d.out_c, TD) : p.groups * p.mt_per_group;
  p.n_tiles = p.dw ? 1 : ceil_div(p.cg, TN);
  p.wino = WINOGRAD && !p.dw && d.k_h == 3 && d.k_w == 3 && d.s_h == 1 && d.s_w == 1 && d.d_h == 1 && d.d_w == 1;
  p.pk_h = d.pool ? d.pool_k_h : 1;
  p.pk_w = d.pool ? d.pool_k_w : 1;
  // min(conv, out * pk) without a multiplier: out is the floor or the ceiling of conv / pk (layer_fits)
  p.rows = d.pool && d.out_h != ceil_div(d.conv_h, p.pk_h) ? d.conv_h - d.conv_h % p.pk_h : d.conv_h;
  p.cols = d.pool && d.out_w != ceil_div(d.conv_w, p.pk_w) ? d.conv_w - d.conv_w % p.pk_w : d.conv_w;
  p.tr = conv_fit_tile(TR, IN_TR, d.k_h, d.s_h, d.d_h, p.pk_h);
  p.tc = conv_fit_tile(TC, IN_TC, d.k_w, d.s_w, d.d_w, p.pk_w);
  p.r_tiles = p.tr > 0 ? ceil_div(p.rows, p.tr) : 0;
  p.c_tiles = p.tc > 0 ? ceil_div(p.cols, p.tc) : 0;
  p.rows_last = p.tr > 0 ? (p.rows - 1) % p.tr + 1 : 0;
  p.cols_last = p.tc > 0 ? (p.cols - 1) % p.tc + 1 : 0;
  p.ptr = p.tr > 0 ? p.tr / p.pk_h : 0;
  p.ptc = p.tc > 0 ? p.tc / p.pk_w : 0;
  p.prows_last = ceil_div(p.rows_last, p.pk_h);
  p.pcols_last = ceil_div(p.cols_last, p.pk_w);
  p.tiles = p.ch_tiles * p.r_tiles * p.c_tiles;
  return p;
}

// ------------------------------------------------------------------------------------ conv walk

// Per-layer constants of the conv walk, by mul_add (no multipliers).
struct ConvGeom {
  int in_plane, out_plane;     // in_h * in_w, out_h * out_w
  int tn_plane;                // TN input planes: one input-channel step
  int cg_plane;                // cg input planes: one group's inputs
  int tm_oplane, td_oplane;    // TM / TD output planes: one general / depthwise channel tile
  int mg_oplane;               // mg output planes: one group's outputs
  int tr_s, tc_s;              // tr * s_h, tc * s_w: window origin step between row / column tiles
  int tr_s_w;                  // tr * s_h * in_w
  int ptr_w;                   // ptr * out_w: pooled rows of a row tile, in the output tensor
  int pad_t_w;                 // pad_t * in_w
  int in_rows, in_rows_last;   // input rows of a full / the last row tile's window
  int in_cols, in_cols_last;   // input columns of a full / the last column tile's window
  int kk;                      // window taps k_h * k_w
  int block;                   // beats of one step's weight block (taps x W_ROWS)
  int ct_blocks;               // n_tiles blocks: one channel tile's weights
};

inline ConvGeom conv_geom(const LayerDesc &d, const ConvPlan &p) {
  ConvGeom g;
  g.in_plane = mul_add(d.in_w, d.in_h);
  g.out_plane = mul_add(d.out_w, d.out_h);
  g.tn_plane = mul_add(g.in_plane, TN);
  g.cg_plane = mul_add(g.in_plane, p.cg);
  g.tm_oplane = mul_add(g.out_plane, TM);
  g.td_oplane = mul_add(g.out_plane, TD);
  g.mg_oplane = mul_add(g.out_plane, p.mg);
  g.tr_s = mul_add(p.tr, d.s_h);
  g.tc_s = mul_add(p.tc, d.s_w);
  g.tr_s_w = mul_add(d.in_w, g.tr_s);
  g.ptr_w = mul_add(d.out_w, p.ptr);
  g.pad_t_w = mul_add(d.in_w, d.pad_t);
  const int span_h = mul_add(d.d_h, d.k_h - 1) + 1, span_w = mul_add(d.d_w, d.k_w - 1) + 1;
  g.in_rows = mul_add(d.s_h, p.tr - 1) + span_h;
  g.in_rows_last = mul_add(d.s_h, p.rows_last - 1) + span_h;
  g.in_cols = mul_add(d.s_w, p.tc - 1) + span_w;
  g.in_cols_last = mul_add(d.s_w, p.cols_last - 1) + span_w;
  g.kk = mul_add(d.k_w, d.k_h);
  g.block = mul_add(W_ROWS, p.wino ? 9 : g.kk);
  g.ct_blocks = mul_add(g.block, p.n_tiles);
  return g;
}

// One input-channel step: where it is and what its loads, compute and store need. The walk
// (conv_first_step, conv_next_step) keeps it current with additions and comparisons, plus short
// mul_add loops once per tile (conv_tile_window).
struct ConvStep {
  int g, mt, m0, mc, mg_left;  // group, channel tile in it, first output channel, channels, mg - mt * TM
  int grp_m0;                  // first output channel of the group
  int rt, cc, nt;              // row tile, column tile, input-channel step
  int first, last, end;        // first / last step of its tile; 1: the layer's last step
  int rows, cols;              // the tile's conv outputs
  int kk;                      // window taps k_h * k_w
  int tn, cg_left;             // input slots that hold a channel (the others are never loaded or read)
  // input window: image rows [ry0, ry1) and columns [cx0, cx1) are loaded, at tile index
  // (iy - ry0) * pitch + (ix - cx0); (iy0, ix0) is the window origin (may lie in the padding)
  int iy0, ix0, ry0, ry1, cx0, cx1, pitch;
  int full, in_n;              // the window spans whole rows: one burst per channel of in_n elements
  int iy0_w;                   // iy0 * in_w
  int grp_base, in_base;       // DDR element address of the group's / slot 0's first input plane
  int dw_ch, dw_rem, dw_base;  // depthwise: input channel of output m0, m0's index in its group, its plane
  int s_pitch, d_pitch, top;   // s_h * pitch, d_h * pitch, (iy0 - ry0) * pitch
  int w_tile, w_addr;          // beat address of the channel tile's / this step's weight block
  // output (after a fused pool): prows x pcols at out_base, + out_w per row, + out_plane per
  // channel; out_full: whole rows, so one burst per channel of out_n = prows * pcols elements
  int grp_out, out_ch, out_row, out_col;  // m0's group's plane, m0's plane, row and column offsets
  int prows, pcols, out_base, out_full, out_n;
};

// The parts of a step that change only with its tile.
inline void conv_tile_window(ConvStep &s, const LayerDesc &d, const ConvPlan &p, const ConvGeom &g) {
  const int last_r = s.rt == p.r_tiles - 1, last_c = s.cc == p.c_tiles - 1;
  s.rows = last_r ? p.rows_last : p.tr;
  s.cols = last_c ? p.cols_last : p.tc;
  const int in_rows = last_r ? g.in_rows_last : g.in_rows, in_cols = last_c ? g.in_cols_last : g.in_cols;
  s.mc = p.dw ? min_int(TD, p.out_c - s.m0) : min_int(TM, s.mg_left);
  s.ry0 = max_int(0, s.iy0);
  s.ry1 = min_int(d.in_h, s.iy0 + in_rows);
  s.cx0 = max_int(0, s.ix0);
  s.cx1 = min_int(d.in_w, s.ix0 + in_cols);
  s.pitch = s.cx1 - s.cx0;
  s.full = s.cx0 == 0 && s.cx1 == d.in_w;
  s.in_n = s.full ? mul_add(d.in_w, s.ry1 - s.ry0) : 0;
  s.s_pitch = mul_add(s.pitch, d.s_h);
  s.d_pitch = mul_add(s.pitch, d.d_h);
  s.top = -mul_add(s.pitch, s.ry0 - s.iy0);
  s.prows = last_r ? p.prows_last : p.ptr;
  s.pcols = last_c ? p.pcols_last : p.ptc;
  s.out_full = s.pcols == d.out_w;
  s.out_n = s.out_full ? mul_add(d.out_w, s.prows) : 0;
  s.out_base = d.out_off + s.out_ch + s.out_row + s.out_col;
}

// The parts of a step that change with its input-channel step.
inline void conv_step_inputs(ConvStep &s, const ConvPlan &p) {
  s.first = s.nt == 0;
  s.last = s.nt == p.n_tiles - 1;
  s.tn = p.dw ? s.mc : min_int(TN, s.cg_left);
  const int ct_last = p.dw ? s.m0 + TD >= p.out_c : s.g == p.groups - 1 && s.mg_left <= TM;
  s.end = s.last && ct_last && s.rt == p.r_tiles - 1 && s.cc == p.c_tiles - 1;
}

inline ConvStep conv_first_step(const LayerDesc &d, const ConvPlan &p, const ConvGeom &g) {
  ConvStep s;
  s.g = 0;
  s.mt = 0;
  s.m0 = 0;
  s.grp_m0 = 0;
  s.mg_left = p.mg;
  s.rt = 0;
  s.cc = 0;
  s.nt = 0;
  s.cg_left = p.cg;
  s.iy0 = -d.pad_t;
  s.ix0 = -d.pad_l;
  s.iy0_w = -g.pad_t_w;
  s.grp_base = d.in_off;
  s.in_base = d.in_off;
  s.dw_ch = 0;
  s.dw_rem = 0;
  s.dw_base = d.in_off;
  s.w_tile = d.w_off >> WE_LOG;
  s.w_addr = s.w_tile;
  s.grp_out = 0;
  s.out_ch = 0;
  s.out_row = 0;
  s.out_col = 0;
  s.kk = g.kk;
  conv_tile_window(s, d, p, g);
  conv_step_inputs(s, p);
  return s;
}

// The step after s (s.end == 0): the next input-channel step, else the next column, row or channel tile.
inline void conv_next_step(ConvStep &s, const LayerDesc &d, const ConvPlan &p, const ConvGeom &g) {
  if (!s.last) {
    s.nt++;
    s.cg_left -= TN;
    s.in_base += g.tn_plane;
    s.w_addr += g.block;
    conv_step_inputs(s, p);
    return;
  }
  s.nt = 0;
  s.cg_left = p.cg;
  if (s.cc < p.c_tiles - 1) {
    s.cc++;
    s.ix0 += g.tc_s;
    s.out_col += p.ptc;
  } else {
    s.cc = 0;
    s.ix0 = -d.pad_l;
    s.out_col = 0;
    if (s.rt < p.r_tiles - 1) {
      s.rt++;
      s.iy0 += g.tr_s;
      s.iy0_w += g.tr_s_w;
      s.out_row += g.ptr_w;
    } else {
      s.rt = 0;
      s.iy0 = -d.pad_t;
      s.iy0_w = -g.pad_t_w;
      s.out_row = 0;
      // next channel tile
      s.w_tile += g.ct_blocks;
      if (p.dw) {
        s.m0 += TD;
        s.out_ch += g.td_oplane;
        s.dw_rem += TD;
        CNNHLS_TRACE_LOOP("dw_adv", (s.dw_rem - (s.dw_rem % p.mg)) / p.mg);
        CNNHLS_WALK_COUNT((s.dw_rem - (s.dw_rem % p.mg)) / p.mg);
        while (s.dw_rem >= p.mg) {  // m0 / mg and m0 % mg without a divider
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=0 max=CNNHLS_TM)
          CNNHLS_PRAGMA(HLS PIPELINE II=1)
          s.dw_rem -= p.mg;
          s.dw_ch++;
          s.dw_base += g.in_plane;
        }
      } else if (s.mg_left > TM) {
        s.mt++;
        s.m0 += TM;
        s.mg_left -= TM;
        s.out_ch += g.tm_oplane;
      } else {
        s.g++;
        s.mt = 0;
        s.mg_left = p.mg;
        s.grp_m0 += p.mg;
        s.m0 = s.grp_m0;
        s.grp_out += g.mg_oplane;
        s.out_ch = s.grp_out;
        s.grp_base += g.cg_plane;
      }
    }
  }
  s.in_base = p.dw ? s.dw_base : s.grp_base;
  s.w_addr = s.w_tile;
  conv_tile_window(s, d, p, g);
  conv_step_inputs(s, p);
}

// ------------------------------------------------------------------------------------ conv kernels

typedef act_t in_tile_t[TN][AE][IN_BANK];  // input tile: per slot, AE banks (tile index l: bank l % AE)
typedef wtile_t w_tile_t[WE][W_ROWS][KK];  // weight tile: lane m * TN + n in bank lane % WE, row lane / WE
typedef act_t out_tile_t[TM][AE][OUT_BANK];  // finished (pooled) tile: per channel, AE banks

// One burst: feature-map elements [a0, a0 + n) (the beats that hold them, in order, II=1) into tile
// positions l0 .. l0 + n - 1. A beat's AE elements go to AE consecutive positions, so to AE different
// banks: bank q takes element (q - lb) mod AE of the beat, lb being the position of its element 0.
template <int BANK>
inline void read_segment(const act_beat_t *src, int a0, int n, int l0, act_t buf[AE][BANK], const char *id = "conv_in") {
  const int b0 = a0 >> AE_LOG, nb = beats_holding(a0, n);
  int lb = l0 - (a0 & (AE - 1));
  CNNHLS_TRACE_DDR(id, nb, nb);
  (void)id;
  for (int b = 0; b < nb; b++, lb += AE) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_IN)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const act_beat_t beat = src[b0 + b];
    for (int q = 0; q < AE; q++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      const int u = (q - lb) & (AE - 1);
      const int l = lb + u;
      if (l >= l0 && l < l0 + n) buf[q][l >> AE_LOG] = act_t(beat.e[u]);
    }
  }
}

// Input tile of a step: for each slot with a channel, the window's in-image rows, one burst per
// channel when the window spans whole rows, else one per row. Padding is never loaded: the compute
// loops read zero outside [ry0, ry1) x [cx0, cx1). The predicate is inside the callee, so the call
// sits in the same basic block as the step's other processes (UG1399, "Loop Parallelism").
inline void conv_load_input(const act_beat_t *fmap_in, const LayerDesc &d, const ConvPlan &p, const ConvGeom &g,
                            const ConvStep &s, in_tile_t in, int go) {
  CNNHLS_PRAGMA(HLS INLINE off)
  if (!go) return;
  const int row0 = s.iy0 < 0 ? 0 : s.iy0_w;  // ry0 * in_w
  int base = s.in_base, rem = s.dw_rem;
  for (int n = 0; n < TN; n++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TN)
    if (n < s.tn) {
      if (s.full) {
        read_segment(fmap_in, base + row0, s.in_n, 0, in[n]);
      } else {
        int a = base + row0 + s.cx0, l = 0;
        for (int iy = s.ry0; iy < s.ry1; iy++, a += d.in_w, l += s.pitch) {
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_IN)
          read_segment(fmap_in, a, s.pitch, l, in[n]);
        }
      }
    }
    // the next slot's plane: the next input channel, or in depthwise mode the same one until the
    // mg outputs of its group are done
    if (!p.dw || ++rem == p.mg) {
      rem = 0;
      base += g.in_plane;
    }
  }
}

#if CNNHLS_WINOGRAD
// Winograd mode: the block holds, per chunk j of WE lanes, its 9 taps as 9 beats. The 9 raw windows
// of a chunk are transformed on chip, U' = G' g G'^T with G' = [2 0 0; 1 1 1; 1 -1 1; 0 0 2]
// (additions and shifts; WE transform units), into 16 entries per lane: 16 writes to each lane's
// bank, so II=16 per chunk.
inline void conv_load_weights_winograd(const wgt_beat_t *wb, int addr, w_tile_t w) {
  CNNHLS_TRACE_DDR("conv_ww", W_ROWS, 9 * W_ROWS);
  for (int j = 0; j < W_ROWS; j++, addr += 9) {
    CNNHLS_PRAGMA(HLS PIPELINE II=16)
    wtile_t g[WE][9];
    CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=g complete dim=0)
    for (int k = 0; k < 9; k++) {
      const wgt_beat_t beat = wb[addr + k];
      for (int u = 0; u < WE; u++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        g[u][k] = wtile_t(beat.e[u]);
      }
    }
    for (int u = 0; u < WE; u++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      wtile_t h[4][3];
      for (int c = 0; c < 3; c++) {  // h = G' g
        h[0][c] = g[u][c] * 2;
        h[1][c] = g[u][c] + g[u][3 + c] + g[u][6 + c];
        h[2][c] = g[u][c] - g[u][3 + c] + g[u][6 + c];
        h[3][c] = g[u][6 + c] * 2;
      }
      for (int i = 0; i < 4; i++) {  // U' = h G'^T
        w[u][j][4 * i + 0] = h[i][0] * 2;
        w[u][j][4 * i + 1] = h[i][0] + h[i][1] + h[i][2];
        w[u][j][4 * i + 2] = h[i][0] - h[i][1] + h[i][2];
        w[u][j][4 * i + 3] = h[i][2] * 2;
      }
    }
  }
}
#endif

// Weight tile of a step: its block, one burst. Direct mode: tap by tap, the W_ROWS beats of all
// lanes; element u of beat j goes to bank u, row j: one write per bank per cycle, II=1. The
// compiler lays the block out (engine WeightLayout): zeros for lanes outside the layer's channels
// and, in depthwise mode, off the diagonal.
inline void conv_load_weights(const wgt_beat_t *wb, const ConvPlan &p, const ConvGeom &g, const ConvStep &s, w_tile_t w,
                              int go) {
  CNNHLS_PRAGMA(HLS INLINE off)
  if (!go) return;
#if CNNHLS_WINOGRAD
  if (p.wino) {
    conv_load_weights_winograd(wb, s.w_addr, w);
    return;
  }
#else
  (void)p;
#endif
  int j = 0, k = 0;
  const int n = g.block;
  CNNHLS_TRACE_DDR("conv_w", n, n);
  for (int t = 0; t < n; t++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_KK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const wgt_beat_t beat = wb[s.w_addr + t];
    for (int u = 0; u < WE; u++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      w[u][j][k] = wtile_t(beat.e[u]);
    }
    if (++j == W_ROWS) {
      j = 0;
      k++;
    }
  }
}

// The MAC array, one cycle of it: all Tm x Tn multipliers and the Tn-input adder trees,
// sum[m] = sum_n w(m, n)[k] * x[n]. Both conv modes drive it from conv_compute, which holds its one
// instance (ALLOCATION limit=1), so direct and Winograd layers share the same DSPs.
inline void mac_array(const w_tile_t w, int k, const mac_in_t x[TN], mac_sum_t sum[TM]) {
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
      const int a = m * TN + n, b = (m + 1) * TN + n;
      ap_int<16> hi, lo;
      packed_mul2(ap_int<8>(w[a % WE][a / WE][k]), ap_int<8>(w[b % WE][b / WE][k]), ap_int<8>(x[n]), hi, lo);
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
      const int a = (TM - 1) * TN + n;
      s += w[a % WE][a / WE][k] * x[n];
    }
    sum[TM - 1] = s;
  }
#else
  for (int m = 0; m < TM; m++) {
    CNNHLS_PRAGMA(HLS UNROLL)
    mac_sum_t s = 0;
    for (int n = 0; n < TN; n++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      const int a = m * TN + n;  // a constant in the unrolled array: a static bank and row
      s += w[a % WE][a / WE][k] * x[n];
    }
    sum[m] = s;
  }
#endif
}

// The input element of slot n at image position (iy, ix) and tile index l: zero outside the loaded
// window (padding, and slots without a channel).
inline mac_in_t conv_in_at(const in_tile_t in, const ConvStep &s, int n, int iy, int ix, int l) {
  const bool ok = n < s.tn && iy >= s.ry0 && iy < s.ry1 && ix >= s.cx0 && ix < s.cx1;
  return ok ? mac_in_t(in[n][l & (AE - 1)][l >> AE_LOG]) : mac_in_t(0);
}

// Direct mode: one flattened pipelined loop per step over (r, c, ky, kx), so the pipeline fills
// once. Each iteration performs all Tm x Tn multiply-accumulates of one window tap into per-channel
// registers; the k_h x k_w taps of one position run back to back and write its accumulator once
// (from the bias at the tile's first step), so the accumulator array has no loop-carried
// dependence: each (r, c) is read and written once per step.
inline void conv_mac_direct(const in_tile_t in, const w_tile_t w, acc_t acc[TM][TR][TC], const acc_t b[TM],
                            const LayerDesc &d, const ConvStep &s) {
  CNNHLS_PRAGMA(HLS INLINE)
  const int kk = s.kk;
  CNNHLS_TRACE_LOOP("conv_mac", (long long)s.rows * s.cols * kk);
  acc_t racc[TM];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=racc complete dim=1)
  int r = 0, c = 0, ky = 0, kx = 0, k = 0;
  int iy_r = s.iy0, ix_c = s.ix0;              // image position of tap (0, 0) for output (r, c)
  int l_r = s.top, l_c = s.ix0 - s.cx0;        // its tile index, row part and column part
  int dy = 0, dx = 0, dl = 0;                  // tap offsets: ky * d_h, kx * d_w, ky * d_h * pitch
  bool more = true;
  while (more) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_PRAGMA(HLS DEPENDENCE variable=acc inter false)
    const int iy = iy_r + dy, ix = ix_c + dx, l = l_r + dl + l_c + dx;
    mac_in_t x[TN];
    mac_sum_t sum[TM];
    for (int n = 0; n < TN; n++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      x[n] = conv_in_at(in, s, n, iy, ix, l);
    }
    mac_array(w, k, x, sum);
    const bool tap0 = k == 0, tap_last = k == kk - 1;
    for (int m = 0; m < TM; m++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      const acc_t base = tap0 ? (s.first ? b[m] : acc[m][r][c]) : racc[m];
      racc[m] = base + sum[m];
      if (tap_last) acc[m][r][c] = racc[m];
    }
    k++;
    if (++kx < d.k_w) {
      dx += d.d_w;
    } else {
      kx = 0;
      dx = 0;
      if (++ky < d.k_h) {
        dy += d.d_h;
        dl += s.d_pitch;
      } else {
        ky = 0;
        dy = 0;
        dl = 0;
        k = 0;
        if (++c < s.cols) {
          ix_c += d.s_w;
          l_c += d.s_w;
        } else {
          c = 0;
          ix_c = s.ix0;
          l_c = s.ix0 - s.cx0;
          iy_r += d.s_h;
          l_r += s.s_pitch;
          more = ++r < s.rows;
        }
      }
    }
  }
}

#if CNNHLS_WINOGRAD
// Winograd mode of the MAC array: one flattened loop over the tile's 2 x 2 output blocks at II=16.
// Per block the Tn input patches are transformed (V = B^T d B, additions only), then one transformed
// element e per cycle: all Tm x Tn multipliers form U'[m][n][e] * V[n][e], the adder tree sums over n
// and each output lane adds the sum, with sign A^T[i][r] A^T[j][c], into its four block outputs. The
// block's outputs, exact multiples of 4, are divided by 4 and accumulated. Patch entries outside the
// loaded window are 0: padding, or positions that only feed outputs outside the tile.
inline void conv_mac_winograd(const in_tile_t in, const w_tile_t w, acc_t acc[TM][TR][TC], const acc_t b[TM],
                              const ConvStep &s) {
  CNNHLS_PRAGMA(HLS INLINE)
  CNNHLS_TRACE_LOOP("conv_wino", (long long)((s.rows + 1) / 2) * ((s.cols + 1) / 2));
  const int p1 = s.pitch, p2 = p1 + p1, p3 = p2 + p1;
  const int lrow[4] = {0, p1, p2, p3};
  int br = 0, bc = 0;
  int l_r = s.top, l_c = s.ix0 - s.cx0;  // tile index of the block's top-left patch entry
  bool more = true;
  while (more) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    CNNHLS_PRAGMA(HLS PIPELINE II=16)
    CNNHLS_PRAGMA(HLS DEPENDENCE variable=acc inter false)
    mac_in_t v[16][TN];
    CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=v complete dim=0)
    for (int n = 0; n < TN; n++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      mac_in_t dp[4][4], t[4][4];
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          dp[i][j] = conv_in_at(in, s, n, s.iy0 + br + i, s.ix0 + bc + j, l_r + lrow[i] + l_c + j);
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
        if (r < s.rows && c < s.cols) acc[m][r][c] = (s.first ? b[m] : acc[m][r][c]) + acc_t(y[m][o] >> 2);
      }
    }
    bc += 2;
    l_c += 2;
    if (bc >= s.cols) {
      bc = 0;
      l_c = s.ix0 - s.cx0;
      br += 2;
      l_r += p2;
      more = br < s.rows;
    }
  }
}
#endif

// Fused output stage, one flattened loop at II=1 over the tile's conv outputs, pool window by pool
// window (row-major inside each): requantize per channel, activate, keep the window's maximum in a
// register (first element starts it) and write it when the window's last element is done. Without
// pool every position is its own window. Windows are numbered in output order, so window l is
// output tile position l.
inline void conv_output(const acc_t acc[TM][TR][TC], out_tile_t out, const int qm[TM], const int qs[TM],
                        const LayerDesc &d, const ConvPlan &p, const ConvStep &s) {
  CNNHLS_TRACE_LOOP("conv_out", (long long)s.rows * s.cols);
  act_t best[TM];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=best complete dim=1)
  int rb = 0, cb = 0, pi = 0, pj = 0, pc = 0, l = 0;
  int wi = min_int(p.pk_h, s.rows), wj = min_int(p.pk_w, s.cols);  // the window (partial at the edges)
  bool more = true;
  while (more) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const int r = rb + pi, c = cb + pj;
    const bool first = pi == 0 && pj == 0, done = pi == wi - 1 && pj == wj - 1;
    for (int m = 0; m < TM; m++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      const int q = requantize_narrow(req_acc_t(acc[m][r][c]), req_m_t(qm[m]), qs[m], d.out_width);
      const act_t v = act_t(activate(q, d));
      const act_t mx = first || v > best[m] ? v : best[m];
      best[m] = mx;
      if (done) out[m][l & (AE - 1)][l >> AE_LOG] = mx;
    }
    if (++pj == wj) {
      pj = 0;
      if (++pi == wi) {
        pi = 0;
        l++;
        cb += p.pk_w;
        if (++pc == s.pcols) {
          pc = 0;
          cb = 0;
          rb += p.pk_h;
          more = rb < s.rows;
          wi = min_int(p.pk_h, s.rows - rb);
        }
        wj = min_int(p.pk_w, s.cols - cb);
      }
    }
  }
}

// Per-channel bias and requantize parameters of a channel tile: two bursts (bias, then the (M, s)
// pairs), exactly the tile's channels; defaults for the lanes beyond them are set on chip.
inline void conv_load_channel_params(const bias_t *bias, const int *quant, const LayerDesc &d, const ConvStep &s,
                                     acc_t b[TM], int qm[TM], int qs[TM]) {
  for (int m = 0; m < TM; m++) {
    CNNHLS_PRAGMA(HLS UNROLL)
    b[m] = 0;
    qm[m] = 1;
    qs[m] = 0;
  }
  const int b0 = d.b_off + s.m0, q0 = (d.q_off + s.m0) << 1;
  CNNHLS_TRACE_DDR("conv_bias", s.mc, s.mc);
  for (int m = 0; m < s.mc; m++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TM)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    b[m] = acc_t(bias[b0 + m]);
  }
  CNNHLS_TRACE_DDR("conv_quant", 2 * s.mc, 2 * s.mc);
  for (int i = 0; i < 2 * s.mc; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TM)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const int v = quant[q0 + i];
    if (i & 1) qs[i >> 1] = v;
    else qm[i >> 1] = v;
  }
}

// The compute process of a step: at a tile's first step its channel parameters, then the MAC loop,
// and at its last step the output stage into `out`.
inline void conv_compute(const in_tile_t in, const w_tile_t w, acc_t acc[TM][TR][TC], out_tile_t out, acc_t b[TM],
                         int qm[TM], int qs[TM], const bias_t *bias, const int *quant, const LayerDesc &d,
                         const ConvPlan &p, const ConvStep &s) {
  CNNHLS_PRAGMA(HLS INLINE off)
  // one MAC array for both conv modes (conv_mac_direct and conv_mac_winograd are inlined here)
  CNNHLS_PRAGMA(HLS ALLOCATION function instances=mac_array limit=1)
  if (s.first) conv_load_channel_params(bias, quant, d, s, b, qm, qs);
#if CNNHLS_WINOGRAD
  if (p.wino) {
    conv_mac_winograd(in, w, acc, b, s);
  } else {
    conv_mac_direct(in, w, acc, b, d, s);
  }
#else
  conv_mac_direct(in, w, acc, b, d, s);
#endif
  if (s.last) conv_output(acc, out, qm, qs, d, p, s);
}

// What the store of a finished tile needs (copied from its last step).
struct ConvStore {
  int mc, prows, pcols, out_base, out_full, out_n;
};

inline ConvStore conv_store_of(const ConvStep &s) {
  ConvStore t;
  t.mc = s.mc;
  t.prows = s.prows;
  t.pcols = s.pcols;
  t.out_base = s.out_base;
  t.out_full = s.out_full;
  t.out_n = s.out_n;
  return t;
}

// One write burst of tile positions l0 .. l0 + n - 1 to feature-map elements [a0, a0 + n): the
// elements before the first beat boundary and after the last go through the element port (the
// write strobes cover only them), the whole beats between through the beat port, each gathered from
// the AE banks (bank q gives element (q - lb) mod AE).
inline void write_segment(const act_t buf[AE][OUT_BANK], int l0, int a0, int n, act_store_t *fmap,
                          act_beat_t *fmap_out) {
  int head = (AE - (a0 & (AE - 1))) & (AE - 1);
  if (head > n) head = n;
  const int body = (n - head) >> AE_LOG, tail = n - head - (body << AE_LOG);
  CNNHLS_TRACE_DDR("conv_st_e", head, head);
  for (int i = 0; i < head; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=0 max=CNNHLS_TRIP_K)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const int l = l0 + i;
    fmap[a0 + i] = act_store_t(buf[l & (AE - 1)][l >> AE_LOG].to_int());
  }
  const int bb = (a0 + head) >> AE_LOG;
  int lb = l0 + head;
  CNNHLS_TRACE_DDR("conv_st_b", body, body);
  for (int b = 0; b < body; b++, lb += AE) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_IN)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    act_beat_t beat;
    for (int q = 0; q < AE; q++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      const int u = (q - lb) & (AE - 1);
      beat.e[u] = act_store_t(buf[q][(lb + u) >> AE_LOG].to_int());
    }
    fmap_out[bb + b] = beat;
  }
  const int t0 = head + (body << AE_LOG);
  CNNHLS_TRACE_DDR("conv_st_e", tail, tail);
  for (int i = 0; i < tail; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=0 max=CNNHLS_TRIP_K)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const int l = l0 + t0 + i;
    fmap[a0 + t0 + i] = act_store_t(buf[l & (AE - 1)][l >> AE_LOG].to_int());
  }
}

// Writes a finished (pooled) tile to its place in the output tensor: per channel one burst when it
// covers whole rows, else one per row.
inline void conv_store(const out_tile_t out, act_store_t *fmap, act_beat_t *fmap_out, const LayerDesc &d,
                       const ConvGeom &g, const ConvStore &t, int go) {
  CNNHLS_PRAGMA(HLS INLINE off)
  if (!go) return;
  int base = t.out_base;
  for (int m = 0; m < t.mc; m++, base += g.out_plane) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TM)
    if (t.out_full) {
      write_segment(out[m], 0, base, t.out_n, fmap, fmap_out);
    } else {
      int a = base, l = 0;
      for (int r = 0; r < t.prows; r++, a += d.out_w, l += t.pcols) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TR)
        write_segment(out[m], l, a, t.pcols, fmap, fmap_out);
      }
    }
  }
}

// Conv / depthwise conv + bias + requantize + activation (+ max-pool), see ConvPlan. Software
// pipeline over the steps: while step i computes (tile buffers of parity i & 1), the loaders fill
// the other parity's buffers for step i + 1 and, at a tile's first step, the store drains the
// previous tile's output. The four calls of a step sit in one basic block with their predicates
// inside and touch disjoint buffers and separate m_axi bundles (gmem_in, gmem_w, gmem_f/gmem_o,
// gmem_b/gmem_q), so HLS runs them concurrently; each function has one instance (ALLOCATION), shared
// by the two parities' call sites. Engine ConvEngine and TraceCycles cost a step as its slowest process.
inline void conv_layer(const LayerDesc &d, const wgt_beat_t *wb, const bias_t *bias, const int *quant,
                       const act_beat_t *fmap_in, act_store_t *fmap, act_beat_t *fmap_out) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS ALLOCATION function instances=conv_load_input limit=1)
  CNNHLS_PRAGMA(HLS ALLOCATION function instances=conv_load_weights limit=1)
  CNNHLS_PRAGMA(HLS ALLOCATION function instances=conv_store limit=1)
  CNNHLS_PRAGMA(HLS ALLOCATION function instances=conv_compute limit=1)
  static in_tile_t in0, in1;
  static w_tile_t w0, w1;
  static acc_t acc[TM][TR][TC];
  static out_tile_t out0, out1;
  static acc_t b[TM];
  static int qm[TM], qs[TM];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=in0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=in0 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=in1 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=in1 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w0 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w1 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=w1 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=acc complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=out0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=out0 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=out1 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=out1 complete dim=2)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=b complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=qm complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=qs complete dim=1)

  const ConvPlan p = conv_plan(d);
  CNNHLS_TRACE_LOOP("conv_plan", CONV_PLAN_DIVISIONS);
  if (p.r_tiles == 0 || p.c_tiles == 0) return;
  const ConvGeom g = conv_geom(d, p);
  ConvStep cur = conv_first_step(d, p, g);
  ConvStore prev = conv_store_of(cur);
  CNNHLS_TRACE_REGION("conv_load");
  conv_load_input(fmap_in, d, p, g, cur, in0, 1);
  CNNHLS_TRACE_LANE(1);
  conv_load_weights(wb, p, g, cur, w0, 1);
  CNNHLS_TRACE_REGION_END();
  for (int i = 0;; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    ConvStep next = cur;
    if (!cur.end) conv_next_step(next, d, p, g);
    const int go_load = !cur.end, go_store = cur.first && i > 0;
    CNNHLS_TRACE_REGION("conv_step");
    if ((i & 1) == 0) {
      conv_load_input(fmap_in, d, p, g, next, in1, go_load);
      CNNHLS_TRACE_LANE(1);
      conv_load_weights(wb, p, g, next, w1, go_load);
      CNNHLS_TRACE_LANE(2);
      conv_store(out1, fmap, fmap_out, d, g, prev, go_store);
      CNNHLS_TRACE_LANE(3);
      conv_compute(in0, w0, acc, out0, b, qm, qs, bias, quant, d, p, cur);
    } else {
      conv_load_input(fmap_in, d, p, g, next, in0, go_load);
      CNNHLS_TRACE_LANE(1);
      conv_load_weights(wb, p, g, next, w0, go_load);
      CNNHLS_TRACE_LANE(2);
      conv_store(out0, fmap, fmap_out, d, g, prev, go_store);
      CNNHLS_TRACE_LANE(3);
      conv_compute(in1, w1, acc, out1, b, qm, qs, bias, quant, d, p, cur);
    }
    CNNHLS_TRACE_REGION_END();
    if (cur.last) prev = conv_store_of(cur);
    if (cur.end) {
      // the last tile's output is still on chip
      if ((i & 1) == 0) conv_store(out0, fmap, fmap_out, d, g, prev, 1);
      else conv_store(out1, fmap, fmap_out, d, g, prev, 1);
      break;
    }
    cur = next;
  }
}

// ------------------------------------------------------------------------------------ gemm

// Fully connected: out[n] = act(requant(bias[n] + sum_k w[n][k] * x[k])), K = in_c*in_h*in_w inputs
// (the flattened C x H x W tensor), N = out_c*out_h*out_w outputs. The compiler stores the weights
// [N][K] (transposing trans_b = 0 models) with each row padded to whole beats (KB beats), so a
// block of FC_NB outputs is one contiguous burst of nb * KB beats: one beat (FC_LANES = WE weights)
// per cycle into FC_LANES multipliers, x[] on chip in FC_LANES banks. Bias and (M, s) of the block
// arrive in two bursts first, its outputs leave in one burst after.
static const int FC_IN_PAD = (MAX_FC_IN + WE - 1) / WE * WE;

inline void gemm_layer(const LayerDesc &d, const wgt_beat_t *wb, const bias_t *bias, const int *quant,
                       act_store_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t x[FC_IN_PAD];
  static acc_t bb[FC_NB];
  static int qv[2 * FC_NB];
  static act_t y[FC_NB];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=x cyclic factor=CNNHLS_FC_LANES dim=1)
  const int K = mul_add(d.in_c, mul_add(d.in_w, d.in_h)), N = mul_add(d.out_c, mul_add(d.out_w, d.out_h));
  const int KB = (K + WE - 1) >> WE_LOG;
  CNNHLS_TRACE_DDR("fc_x", K, K);
  for (int k = 0; k < K; k++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    x[k] = act_t(fmap[d.in_off + k]);
  }
  CNNHLS_TRACE_LOOP("fc_xpad", (KB << WE_LOG) - K);
  for (int k = K; k < (KB << WE_LOG); k++) {  // the padded tail of the last beat multiplies zeros
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=0 max=CNNHLS_FC_LANES)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    x[k] = 0;
  }
  const int block_beats = mul_add(KB, FC_NB);
  int wa = d.w_off >> WE_LOG;
  for (int n0 = 0; n0 < N; n0 += FC_NB, wa += block_beats) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC_BLOCKS)
    const int nb = min_int(FC_NB, N - n0), q0 = (d.q_off + n0) << 1;
    CNNHLS_TRACE_DDR("fc_bias", nb, nb);
    for (int j = 0; j < nb; j++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_FC_NB)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      bb[j] = acc_t(bias[d.b_off + n0 + j]);
    }
    CNNHLS_TRACE_DDR("fc_quant", 2 * nb, 2 * nb);
    for (int i = 0; i < 2 * nb; i++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_FC_NB)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      qv[i] = quant[q0 + i];
    }
    // one flattened loop over (output j, beat kb): nb * KB beats in address order
    CNNHLS_TRACE_DDR("fc_w", (long long)nb * KB, (long long)nb * KB);
    int j = 0, kb = 0, t = 0;
    acc_t racc = 0;
    bool more = nb > 0;
    while (more) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_FC)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      const wgt_beat_t beat = wb[wa + t];
      acc_t part = 0;
      for (int u = 0; u < WE; u++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        part += wgt_t(beat.e[u]) * x[(kb << WE_LOG) + u];
      }
      const acc_t a = (kb == 0 ? bb[j] : racc) + part;
      racc = a;
      t++;
      if (++kb == KB) {
        y[j] = act_t(activate(requantize_narrow(req_acc_t(a), req_m_t(qv[2 * j]), qv[2 * j + 1], d.out_width), d));
        kb = 0;
        more = ++j < nb;
      }
    }
    CNNHLS_TRACE_DDR("fc_y", nb, nb);
    for (int jj = 0; jj < nb; jj++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_FC_NB)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      fmap[d.out_off + n0 + jj] = act_store_t(y[jj].to_int());
    }
  }
}

// ------------------------------------------------------------------------------------ element-wise

typedef hls::stream<act_t, CNNHLS_EW_FIFO> act_stream;

// One operand of an element-wise chunk, feature-map elements [a0, a0 + n) read as whole beats (one
// burst, a beat per AE cycles) into the stream, in order. The Add's two operands come through
// fmap_in and fmap_out, its result leaves through fmap: three processes, three bundles.
inline void ew_read(const act_beat_t *src, int a0, int n, act_stream &s) {
  const int b0 = a0 >> AE_LOG, nb = beats_holding(a0, n);
  int j = (b0 << AE_LOG) - a0;  // chunk index of the beat's element 0
  CNNHLS_TRACE_DDR("ew_read", nb, nb);
  for (int b = 0; b < nb; b++, j += AE) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=CNNHLS_ACT_PER_BEAT)
    const act_beat_t beat = src[b0 + b];
    for (int u = 0; u < AE; u++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      if (j + u >= 0 && j + u < n) s.write(act_t(beat.e[u]));
    }
  }
}

inline void ew_write(act_stream &s, act_store_t *dst, int n) {
  CNNHLS_TRACE_DDR("ew_write", n, n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    dst[i] = act_store_t(s.read().to_int());
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

// Table activations (issue 14; Java ir/quant/ActTable, the rule in DEVELOPERS.md "Numeric
// contract"): entries of at most ACT_T_W bits (output + ACT_GUARD guard bits), 2^k + 1 of them
// (k = min(act_in_width, 8)), in one dual-port table (both ends of a segment per cycle); the
// interpolation multiply is ACT_D_W x ACT_F_W bits (one DSP48). CNNHLS_ACT_TABLES 0 (the config
// header's choice when no layer needs them) leaves the table and the multiplier out.
#ifndef CNNHLS_ACT_TABLES
#define CNNHLS_ACT_TABLES 1
#endif
// The element-wise Mul (its multiplier and factor buffer) and the Resize unit (its multipliers, line
// buffers and tables): CNNHLS_MUL / CNNHLS_RESIZE 0, the config header's choice when no layer is
// one, leaves them out of the design (run_layer has no call to them, so nothing of theirs is built).
#ifndef CNNHLS_MUL
#define CNNHLS_MUL 1
#endif
#ifndef CNNHLS_RESIZE
#define CNNHLS_RESIZE 1
#endif
static const int ACT_GUARD = 4, ACT_T_W = 16 + ACT_GUARD, ACT_D_W = ACT_T_W + 1, ACT_F_W = 8, ACT_TAB_MAX = 257;
typedef ap_int<ACT_T_W> act_tab_t;
static act_tab_t act_tab[ACT_TAB_MAX];

inline void act_load_table(const bias_t *bias, const LayerDesc &d) {
  CNNHLS_TRACE_DDR("act_tab", d.act_tab_len, d.act_tab_len);
  for (int j = 0; j < d.act_tab_len; j++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=ACT_TAB_MAX)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    act_tab[j] = act_tab_t(bias[d.act_tab_off + j].to_int64());
  }
}

// u = v + 2^(Wi-1), segment i = u >> dd, f = its low dd bits; t = T[i] 2^dd + (T[i+1] - T[i]) f,
// then the one requantize primitive with M = 1, s = dd + ACT_GUARD, saturating to out_width.
inline int act_interpolate(int v, const LayerDesc &d) {
  const int k = d.act_in_width < 8 ? d.act_in_width : 8, dd = d.act_in_width - k;
  const int u = v + (1 << (d.act_in_width - 1));
  const int i = u >> dd, f = u & ((1 << dd) - 1);
  const ap_int<ACT_D_W> delta = ap_int<ACT_D_W>(act_tab[i + 1].to_int64() - act_tab[i].to_int64());
  const ap_int<64> prod = delta * ap_uint<ACT_F_W>(f);
  const long long t = act_tab[i].to_int64() * (1LL << dd) + prod.to_int64();
  return round_shift_saturate(t, dd + ACT_GUARD, d.out_width);
}

// COPY (concat slice): requantize with M = 1, s = shift_out into the output format.
// ACT: standalone activation on raw values (clamp/leaky: same format in and out; a table
// activation maps act_in_width-bit inputs to out_width-bit outputs).
inline void unary_compute(act_stream &in, act_stream &out, int n, const LayerDesc &d) {
  const int copy = d.op == OP_COPY;
  const int table = CNNHLS_ACT_TABLES && !copy && d.act_kind != ACT_NONE;
  CNNHLS_TRACE_LOOP("ew_unary", n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const long long v = in.read().to_int64();
    out.write(act_t(copy ? requantize(v, 1, d.shift_out, d.out_width) : table ? act_interpolate((int)v, d) : activate((int)v, d)));
  }
}

inline void add_chunk(const act_beat_t *fmap_in, const act_beat_t *fmap_out, act_store_t *out, int a0, int b0, int n,
                      const LayerDesc &d) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS DATAFLOW)
  act_stream sa, sb, so;
  CNNHLS_TRACE_REGION("ew_chunk");
  ew_read(fmap_in, a0, n, sa);
  CNNHLS_TRACE_LANE(1);
  ew_read(fmap_out, b0, n, sb);
  CNNHLS_TRACE_LANE(2);
  add_compute(sa, sb, so, n, d);
  CNNHLS_TRACE_LANE(3);
  ew_write(so, out, n);
  CNNHLS_TRACE_REGION_END();
}

inline void unary_chunk(const act_beat_t *fmap_in, act_store_t *dst, int a0, int n, const LayerDesc &d) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS DATAFLOW)
  act_stream si, so;
  CNNHLS_TRACE_REGION("ew_chunk");
  ew_read(fmap_in, a0, n, si);
  CNNHLS_TRACE_LANE(1);
  unary_compute(si, so, n, d);
  CNNHLS_TRACE_LANE(2);
  ew_write(so, dst, n);
  CNNHLS_TRACE_REGION_END();
}

inline void add_layer(const LayerDesc &d, const act_beat_t *fmap_in, act_store_t *fmap, const act_beat_t *fmap_out) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int total = mul_add(d.out_c, mul_add(d.out_w, d.out_h));
  for (int off = 0; off < total; off += EW_CHUNK) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    add_chunk(fmap_in, fmap_out, fmap + d.out_off + off, d.in_off + off, d.in2_off + off, min_int(EW_CHUNK, total - off), d);
  }
}

// COPY writes its in_c channels at channel concat_c_off of the output: with C x H x W layout that is
// one contiguous run, unless copy_c_stride > 1 (a ChannelShuffle group: its channels land
// copy_c_stride planes apart, so each plane is its own run of chunks). ACT maps in to out element
// by element; a table activation (act_kind) first loads its table from the bias blob into act_tab
// (act_load_table), then unary_compute interpolates.
inline void unary_layer(const LayerDesc &d, const bias_t *bias, const act_beat_t *fmap_in, act_store_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  if (CNNHLS_ACT_TABLES && d.op == OP_ACT && d.act_kind != ACT_NONE) act_load_table(bias, d);
  if (d.op == OP_COPY && d.copy_c_stride > 1) {
    const int plane = mul_add(d.in_w, d.in_h);
    const int step = mul_add(d.copy_c_stride, plane);
    int src = d.in_off, dst = d.out_off + mul_add(d.concat_c_off, plane);
    for (int c = 0; c < d.in_c; c++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
      for (int off = 0; off < plane; off += EW_CHUNK) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
        unary_chunk(fmap_in, fmap + dst + off, src + off, min_int(EW_CHUNK, plane - off), d);
      }
      src += plane;
      dst += step;
    }
    return;
  }
  const int total = mul_add(d.in_c, mul_add(d.in_w, d.in_h));
  const int dst = d.out_off + (d.op == OP_COPY ? mul_add(d.concat_c_off, mul_add(d.out_w, d.out_h)) : 0);
  for (int off = 0; off < total; off += EW_CHUNK) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
    unary_chunk(fmap_in, fmap + dst + off, d.in_off + off, min_int(EW_CHUNK, total - off), d);
  }
}

// ------------------------------------------------------------------------------------ mul (issue 14)

// MUL: the exact product of raw values (F_a + F_b), requantized with M = 1, s = shift_out.
// One MUL_A_W x MUL_B_W multiplier.
inline long long mul_raw(act_t a, act_t b) {
  const ap_int<MUL_A_W + MUL_B_W> p = ap_int<MUL_A_W>(a) * ap_int<MUL_B_W>(b);
  return p.to_int64();
}

inline void mul_compute(act_stream &a, act_stream &b, act_stream &out, int n, const LayerDesc &d) {
  CNNHLS_TRACE_LOOP("ew_mul", n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    out.write(act_t(requantize(mul_raw(a.read(), b.read()), 1, d.shift_out, d.out_width)));
  }
}

inline void mul_scale_compute(act_stream &a, act_stream &out, int n, act_t f, const LayerDesc &d) {
  CNNHLS_TRACE_LOOP("ew_mul", n);
  for (int i = 0; i < n; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_EW_CHUNK)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    out.write(act_t(requantize(mul_raw(a.read(), f), 1, d.shift_out, d.out_width)));
  }
}

// mul_kind 0: as add_chunk, both operands as whole beats on their own bundles.
inline void mul_chunk(const act_beat_t *fmap_in, const act_beat_t *fmap_out, act_store_t *out, int a0, int b0, int n,
                      const LayerDesc &d) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS DATAFLOW)
  act_stream sa, sb, so;
  CNNHLS_TRACE_REGION("ew_chunk");
  ew_read(fmap_in, a0, n, sa);
  CNNHLS_TRACE_LANE(1);
  ew_read(fmap_out, b0, n, sb);
  CNNHLS_TRACE_LANE(2);
  mul_compute(sa, sb, so, n, d);
  CNNHLS_TRACE_LANE(3);
  ew_write(so, out, n);
  CNNHLS_TRACE_REGION_END();
}

// mul_kind 1, 2: one channel's chunk times its factor.
inline void mul_scale_chunk(const act_beat_t *fmap_in, act_store_t *out, int a0, int n, act_t f, const LayerDesc &d) {
  CNNHLS_PRAGMA(HLS INLINE off)
  CNNHLS_PRAGMA(HLS DATAFLOW)
  act_stream sa, so;
  CNNHLS_TRACE_REGION("ew_chunk");
  ew_read(fmap_in, a0, n, sa);
  CNNHLS_TRACE_LANE(1);
  mul_scale_compute(sa, so, n, f, d);
  CNNHLS_TRACE_LANE(2);
  ew_write(so, out, n);
  CNNHLS_TRACE_REGION_END();
}

// The per-channel factors into the on-chip buffer: from fmap as one burst of whole beats through
// fmap_out, one factor stored per cycle (II = AE, as ew_read; mul_kind 1), or the quant blob's out_c
// (factor, 0) pairs as one burst (mul_kind 2).
inline void mul_load_factors(const LayerDesc &d, const act_beat_t *fmap_out, const int *quant, act_t fac[MUL_MAX_C]) {
  if (d.mul_kind == 1) {
    const int b0 = d.in2_off >> AE_LOG, nb = beats_holding(d.in2_off, d.out_c);
    int j = (b0 << AE_LOG) - d.in2_off;  // channel of the beat's element 0
    CNNHLS_TRACE_DDR("mul_fac", nb, nb);
    for (int b = 0; b < nb; b++, j += AE) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
      CNNHLS_PRAGMA(HLS PIPELINE II=CNNHLS_ACT_PER_BEAT)
      const act_beat_t beat = fmap_out[b0 + b];
      for (int u = 0; u < AE; u++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        if (j + u >= 0 && j + u < d.out_c) fac[j + u] = act_t(beat.e[u]);
      }
    }
  } else {
    const int n = 2 * d.out_c;
    CNNHLS_TRACE_DDR("mul_facq", n, n);
    for (int i = 0; i < n; i++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      const int v = quant[2 * d.q_off + i];
      if (!(i & 1)) fac[i >> 1] = act_t(v);
    }
  }
}

inline void mul_layer(const LayerDesc &d, const act_beat_t *fmap_in, act_store_t *fmap, const act_beat_t *fmap_out,
                      const int *quant) {
  CNNHLS_PRAGMA(HLS INLINE off)
  if (d.mul_kind == 0) {
    const int total = mul_add(d.out_c, mul_add(d.out_w, d.out_h));
    for (int off = 0; off < total; off += EW_CHUNK) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
      mul_chunk(fmap_in, fmap_out, fmap + d.out_off + off, d.in_off + off, d.in2_off + off, min_int(EW_CHUNK, total - off), d);
    }
    return;
  }
  static act_t fac[MUL_MAX_C];
  mul_load_factors(d, fmap_out, quant, fac);
  const int plane = mul_add(d.out_w, d.out_h);
  int base = 0;
  for (int c = 0; c < d.out_c; c++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    const act_t f = fac[c];
    for (int off = 0; off < plane; off += EW_CHUNK) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_TILES)
      mul_scale_chunk(fmap_in, fmap + d.out_off + base + off, d.in_off + base + off, min_int(EW_CHUNK, plane - off), f, d);
    }
    base += plane;
  }
}

// ------------------------------------------------------------------------------------ pooling

// Max-pool (k, stride, pads, dilation; padding never wins) and average-pool (k, stride, pads; exact
// sum, then requantize with the multiplier of the window's count N and s = AVG_SHIFT + shift_out;
// N counts in-bounds positions, or with count_include_pad the positions inside the padded extent).
// Per channel and output row: each of the k_h input rows the windows touch is read once into a
// line buffer (one burst), then for each kx the whole output row is updated, one output per cycle.
static const int LINE_BANK = (MAX_W + AE - 1) / AE;

inline void pool_layer(const LayerDesc &d, const act_beat_t *fmap_in, act_store_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t line[AE][LINE_BANK];  // one input row, AE banks (column x in bank x % AE) so a beat lands in one cycle
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=line complete dim=1)
  static sum_t racc[MAX_W];
  static int mult[MAX_POOL_WIN + 1];
  const int avg = d.op == OP_AVGPOOL;
  const int dil_h = avg ? 1 : d.d_h, dil_w = avg ? 1 : d.d_w;  // AveragePool has no dilation
  const sum_t lowest = sum_t(-(1LL << 62));  // below every raw value
  // address steps by mul_add, once per layer; the loops below only add
  const int in_plane = mul_add(d.in_w, d.in_h);  // (outputs are written in order: no output plane needed)
  const int row_step = mul_add(d.in_w, d.s_h), tap_step = mul_add(d.in_w, dil_h), pad_rows = mul_add(d.in_w, d.pad_t);
  if (avg) {
    const int win = mul_add(d.k_w, d.k_h);
    mult[0] = 0;
    CNNHLS_TRACE_LOOP("pool_mult", win);
    for (int n = 1; n <= win; n++) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_MAX_POOL_WIN)
      mult[n] = avg_multiplier(n);
    }
  }
  int in_ch = d.in_off, out_row = d.out_off;
  for (int ch = 0; ch < d.out_c; ch++, in_ch += in_plane) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    int iy0 = -d.pad_t, row0 = in_ch - pad_rows;  // first window row of output row oy, and its address
    for (int oy = 0; oy < d.out_h; oy++, iy0 += d.s_h, row0 += row_step, out_row += d.out_w) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
      CNNHLS_TRACE_LOOP("pool_init", d.out_w);
      for (int ox = 0; ox < d.out_w; ox++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        racc[ox] = avg ? sum_t(0) : lowest;
      }
      int rows_valid = 0, rows_padded = 0;
      int iy = iy0, base = row0;
      for (int ky = 0; ky < d.k_h; ky++, iy += dil_h, base += tap_step) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_K)
        if (iy < d.in_h + d.pad_b) rows_padded++;
        if (iy < 0 || iy >= d.in_h) continue;
        rows_valid++;
        read_segment(fmap_in, base, d.in_w, 0, line, "pool_line");  // the row, one burst of beats
        int kx0 = -d.pad_l;  // window column of tap kx for output 0
        for (int kx = 0; kx < d.k_w; kx++, kx0 += dil_w) {
          CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_K)
          CNNHLS_TRACE_LOOP("pool_acc", d.out_w);
          int ix = kx0;
          for (int ox = 0; ox < d.out_w; ox++, ix += d.s_w) {
            CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
            CNNHLS_PRAGMA(HLS PIPELINE II=1)
            if (ix >= 0 && ix < d.in_w) {
              const sum_t v = line[ix & (AE - 1)][ix >> AE_LOG];
              if (avg) {
                racc[ox] += v;
              } else if (v > racc[ox]) {
                racc[ox] = v;
              }
            }
          }
        }
      }
      CNNHLS_TRACE_DDR("pool_out", d.out_w, d.out_w);
      int ix0 = -d.pad_l;
      for (int ox = 0; ox < d.out_w; ox++, ix0 += d.s_w) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        if (avg) {
          const int cols_valid = max_int(0, min_int(d.k_w, d.in_w - ix0) - max_int(0, -ix0));
          const int cols_padded = max_int(0, min_int(d.k_w, d.in_w + d.pad_r - ix0));
          // the window's count: one small multiplier (9 x 9 bits, windows of at most MAX_POOL_WIN)
          const ap_uint<18> n = d.count_include_pad ? ap_uint<9>(rows_padded) * ap_uint<9>(cols_padded)
                                                    : ap_uint<9>(rows_valid) * ap_uint<9>(cols_valid);
          fmap[out_row + ox] = act_store_t(requantize_narrow<64, AVG_M_W>(racc[ox], ap_uint<AVG_M_W>(mult[n.to_int()]), AVG_SHIFT + d.shift_out, d.out_width));
        } else {
          fmap[out_row + ox] = act_store_t(racc[ox].to_int64());
        }
      }
    }
  }
}

// Global average pool (N = H * W, one multiplier) and global max pool, one channel plane at a time,
// each plane one burst of beats: the AE values of a beat that belong to the plane are summed (an
// adder tree) and compared per cycle.
inline void global_pool_layer(const LayerDesc &d, const act_beat_t *fmap_in, act_store_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  const int hw = mul_add(d.in_w, d.in_h);
  const int avg = d.op == OP_GAVGPOOL;
  const int m = avg ? avg_multiplier(hw) : 1;
  const sum_t lowest = sum_t(-(1LL << 62));  // below every raw value
  int base = d.in_off;
  for (int ch = 0; ch < d.in_c; ch++, base += hw) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    const int b0 = base >> AE_LOG, nb = beats_holding(base, hw);
    int j = (b0 << AE_LOG) - base;  // plane index of the beat's element 0
    sum_t sum = 0, best = lowest;
    CNNHLS_TRACE_DDR("gpool_sum", nb, nb);
    for (int b = 0; b < nb; b++, j += AE) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
      CNNHLS_PRAGMA(HLS PIPELINE II=1)
      const act_beat_t beat = fmap_in[b0 + b];
      sum_t part = 0, top = lowest;
      for (int u = 0; u < AE; u++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        if (j + u >= 0 && j + u < hw) {
          const sum_t v = beat.e[u];
          part += v;
          if (v > top) top = v;
        }
      }
      sum += part;
      if (top > best) best = top;
    }
    CNNHLS_TRACE_DDR("gpool_out", 1, 1);
    fmap[d.out_off + ch] = act_store_t(avg ? requantize_narrow<64, AVG_M_W>(sum, ap_uint<AVG_M_W>(m), AVG_SHIFT + d.shift_out, d.out_width) : best.to_int64());
  }
}

// ------------------------------------------------------------------------------------ resize (issue 14)

// RESIZE: nearest or bilinear on H and W, same format in and out. The compiler writes the tables
// into the quant blob at q_off: per output row (the plane offsets i0 * in_w and i1 * in_w of its two
// source rows, the weight ly of row i1), then per output column (i0, i1, the weight lx of i1), the
// weights with RS_WEIGHT_BITS fraction bits (nearest: i1 = i0, weight 0, so the result is the copy).
// The tables load once (one burst); per channel and output row both source rows are read into line
// buffers (one burst of beats each, AE banks), then the output row is computed at one value per
// cycle and written: sum = (ONE - ly)((ONE - lx) a + lx b) + ly((ONE - lx) c + lx e), exact, then
// requantize with M = 1, s = 2 RS_WEIGHT_BITS (the golden model's IntKernels.resizeBilinear).
static const int RS_WEIGHT_BITS = 8, RS_ONE = 1 << RS_WEIGHT_BITS;
// multiplier operand widths (signed): values, weights 0..RS_ONE, one row's interpolation
static const int RS_V_W = CNNHLS_ACT_W, RS_L_W = RS_WEIGHT_BITS + 2, RS_T_W = CNNHLS_ACT_W + RS_WEIGHT_BITS + 2;

inline void resize_layer(const LayerDesc &d, const int *quant, const act_beat_t *fmap_in, act_store_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t line0[AE][LINE_BANK], line1[AE][LINE_BANK];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=line0 complete dim=1)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=line1 complete dim=1)
  static int row0[MAX_W], row1[MAX_W], wrow[MAX_W], col0[MAX_W], col1[MAX_W], wcol[MAX_W];
  const int nt = 3 * (d.out_h + d.out_w);
  CNNHLS_TRACE_DDR("rs_tab", nt, nt);
  int k = 0, f = 0;  // table entry, its field
  for (int i = 0; i < nt; i++) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    const int v = quant[2 * d.q_off + i];
    const int rows = k < d.out_h, j = rows ? k : k - d.out_h;
    if (rows) {
      if (f == 0) row0[j] = v;
      else if (f == 1) row1[j] = v;
      else wrow[j] = v;
    } else {
      if (f == 0) col0[j] = v;
      else if (f == 1) col1[j] = v;
      else wcol[j] = v;
    }
    if (++f == 3) {
      f = 0;
      k++;
    }
  }
  const int in_plane = mul_add(d.in_w, d.in_h);
  int in_ch = d.in_off, out_row = d.out_off;
  for (int ch = 0; ch < d.out_c; ch++, in_ch += in_plane) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    for (int oy = 0; oy < d.out_h; oy++, out_row += d.out_w) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
      read_segment(fmap_in, in_ch + row0[oy], d.in_w, 0, line0, "rs_line");
      read_segment(fmap_in, in_ch + row1[oy], d.in_w, 0, line1, "rs_line");
      const ap_int<RS_L_W> ly = wrow[oy], my = RS_ONE - wrow[oy];
      CNNHLS_TRACE_DDR("rs_out", d.out_w, d.out_w);
      for (int ox = 0; ox < d.out_w; ox++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        const int c0 = col0[ox], c1 = col1[ox];
        const ap_int<RS_L_W> lx = wcol[ox], mx = RS_ONE - wcol[ox];
        const ap_int<RS_V_W> a = line0[c0 & (AE - 1)][c0 >> AE_LOG], b = line0[c1 & (AE - 1)][c1 >> AE_LOG];
        const ap_int<RS_V_W> c = line1[c0 & (AE - 1)][c0 >> AE_LOG], e = line1[c1 & (AE - 1)][c1 >> AE_LOG];
        const ap_int<RS_T_W> top = ap_int<RS_T_W>(a * mx) + ap_int<RS_T_W>(b * lx);
        const ap_int<RS_T_W> bot = ap_int<RS_T_W>(c * mx) + ap_int<RS_T_W>(e * lx);
        const long long sum = ap_int<RS_T_W + RS_L_W>(top * my).to_int64() + ap_int<RS_T_W + RS_L_W>(bot * ly).to_int64();
        fmap[out_row + ox] = act_store_t(requantize(sum, 1, 2 * RS_WEIGHT_BITS, d.out_width));
      }
    }
  }
}

// ------------------------------------------------------------------------------------ spread (issue 14)

// Zero insertion (the first half of a lowered ConvTranspose): input pixel (y, x) goes to output
// (pad_t + y*s_h, pad_l + x*s_w), zeros everywhere else; pads >= 0 (layer_fits). One channel at a
// time, per output row: an input row that lands on it is read into the line buffer (one burst of
// beats), then the whole output row is written, one value per cycle, zeros between the pixels.
// Counters only: the next data row and column are tracked by adding the strides.
inline void spread_layer(const LayerDesc &d, const act_beat_t *fmap_in, act_store_t *fmap) {
  CNNHLS_PRAGMA(HLS INLINE off)
  static act_t sline[AE][LINE_BANK];  // one input row, AE banks (column x in bank x % AE)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=sline complete dim=1)
  const int in_plane = mul_add(d.in_w, d.in_h);
  int in_ch = d.in_off, out_row = d.out_off;
  for (int ch = 0; ch < d.out_c; ch++, in_ch += in_plane) {
    CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_CH)
    int next_y = d.pad_t, iy = 0, row = in_ch;  // output row of input row iy, and its address
    for (int oy = 0; oy < d.out_h; oy++, out_row += d.out_w) {
      CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
      const int data = oy == next_y && iy < d.in_h;
      if (data) {
        read_segment(fmap_in, row, d.in_w, 0, sline, "spread_line");  // the row, one burst of beats
        next_y += d.s_h;
        iy++;
        row += d.in_w;
      }
      CNNHLS_TRACE_DDR("spread_out", d.out_w, d.out_w);
      int next_x = d.pad_l, ix = 0;
      for (int ox = 0; ox < d.out_w; ox++) {
        CNNHLS_PRAGMA(HLS LOOP_TRIPCOUNT min=1 max=CNNHLS_TRIP_HW)
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        act_t v = 0;
        if (ox == next_x && ix < d.in_w) {
          if (data) v = sline[ix & (AE - 1)][ix >> AE_LOG];
          next_x += d.s_w;
          ix++;
        }
        fmap[out_row + ox] = act_store_t(v);
      }
    }
  }
}

// ------------------------------------------------------------------------------------ dispatch

// Runs one layer (what the top function does for each descriptor).
inline void run_layer(const LayerDesc &d, const wgt_beat_t *weights, const bias_t *bias, const int *quant,
                      const act_beat_t *fmap_in, act_store_t *fmap, act_beat_t *fmap_out) {
  switch (d.op) {
    case OP_CONV: conv_layer(d, weights, bias, quant, fmap_in, fmap, fmap_out); break;
    case OP_GEMM: gemm_layer(d, weights, bias, quant, fmap); break;
    case OP_ADD: add_layer(d, fmap_in, fmap, fmap_out); break;
#if CNNHLS_MUL
    case OP_MUL: mul_layer(d, fmap_in, fmap, fmap_out, quant); break;
#endif
#if CNNHLS_RESIZE
    case OP_RESIZE: resize_layer(d, quant, fmap_in, fmap); break;
#endif
    case OP_MAXPOOL:
    case OP_AVGPOOL: pool_layer(d, fmap_in, fmap); break;
    case OP_GAVGPOOL:
    case OP_GMAXPOOL: global_pool_layer(d, fmap_in, fmap); break;
    case OP_COPY:
    case OP_ACT: unary_layer(d, bias, fmap_in, fmap); break;
    case OP_SPREAD: spread_layer(d, fmap_in, fmap); break;
    default: break;
  }
}

// Elements of weights.bin a conv or gemm layer occupies from w_off (testbenches and tools; engine
// WeightLayout writes them): conv, one block of W_ROWS beats per tap for each (channel tile,
// input-channel step); gemm, N rows of K padded to whole beats.
inline long long weight_elems(const LayerDesc &d) {
  if (d.op == OP_CONV) {
    const ConvPlan p = conv_plan(d);
    const long long taps = p.wino ? 9 : (long long)d.k_h * d.k_w;
    return (long long)p.ch_tiles * p.n_tiles * taps * W_ROWS * WE;
  }
  if (d.op == OP_GEMM) {
    const long long k = (long long)d.in_c * d.in_h * d.in_w, n = (long long)d.out_c * d.out_h * d.out_w;
    return n * ((k + WE - 1) / WE) * WE;
  }
  return 0;
}

// ------------------------------------------------------------------------------------ limits

// Null when the engine can run the descriptor, else why not (for testbenches and tools; the
// compiler must only emit descriptors for which this is null).
inline const char *layer_fits(const LayerDesc &d) {
  if (d.out_width < 2 || d.out_width > CNNHLS_ACT_W) return "out_width must be in [2, CNNHLS_ACT_W]";
  if (d.leaky && !CNNHLS_LEAKY) return "LeakyReLU layer in an engine built without it (CNNHLS_LEAKY 0)";
  if (d.leaky && (d.leak_m < 0 || d.leak_m >= (1 << LEAK_M_W))) return "LeakyReLU multiplier beyond LEAK_M_W bits";
  if (d.act_kind != ACT_NONE) {
    if (!CNNHLS_ACT_TABLES) return "table activation in an engine built without them (CNNHLS_ACT_TABLES 0)";
    if (d.op != OP_ACT) return "table activations run as standalone ACT layers only";
    if (d.act_in_width < 2 || d.act_in_width > CNNHLS_ACT_W || d.act_in_width - 8 > ACT_F_W) return "act_in_width out of range";
    const int k = d.act_in_width < 8 ? d.act_in_width : 8;
    if (d.act_tab_len != (1 << k) + 1 || d.act_tab_len > ACT_TAB_MAX) return "act_tab_len is not 2^min(act_in_width, 8) + 1";
    if (d.out_width + ACT_GUARD > ACT_T_W) return "table activation output wider than ACT_T_W - ACT_GUARD";
  }
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
      if (d.w_off % WE != 0) return "weights offset is not a whole AXI beat";
      const ConvPlan p = conv_plan(d);
      if (p.tr < 1 || p.tc < 1) {
        return "window (or pool window) does not fit the input tile (CNNHLS_IN_TR/IN_TC, CNNHLS_TR/TC)";
      }
      return 0;
    }
    case OP_GEMM:
      if (d.in_c * d.in_h * d.in_w > MAX_FC_IN) return "fully connected input longer than CNNHLS_MAX_FC_IN";
      if (!d.trans_b) return "fully connected weights must be stored [N][K] (trans_b = 1; the compiler transposes)";
      if (d.w_off % WE != 0) return "weights offset is not a whole AXI beat";
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
    case OP_MUL:
      if (!CNNHLS_MUL) return "Mul layer in an engine built without it (CNNHLS_MUL 0)";
      if (d.in_c != d.out_c || d.in_h != d.out_h || d.in_w != d.out_w) return "mul input and output shapes differ";
      if (d.mul_kind < 0 || d.mul_kind > 2) return "mul_kind must be 0, 1 or 2";
      if (d.mul_kind != 0 && d.out_c > MUL_MAX_C) return "per-channel Mul with more channels than CNNHLS_MUL_MAX_C";
      return 0;
    case OP_RESIZE:
      if (!CNNHLS_RESIZE) return "Resize layer in an engine built without it (CNNHLS_RESIZE 0)";
      if (d.in_c != d.out_c) return "resize keeps the channel count";
      if (d.in_w > MAX_W || d.out_w > MAX_W || d.out_h > MAX_W) return "resize row or table longer than CNNHLS_MAX_W";
      return 0;
    case OP_COPY:
      if (d.in_h != d.out_h || d.in_w != d.out_w) return "concat slices must match the output's H and W";
      if (d.copy_c_stride > 1) {
        if (d.concat_c_off < 0 || d.concat_c_off + (d.in_c - 1) * d.copy_c_stride >= d.out_c) {
          return "strided copy outside the output channels";
        }
        return 0;
      }
      if (d.concat_c_off < 0 || d.concat_c_off + d.in_c > d.out_c) return "concat slice outside the output channels";
      return 0;
    case OP_SPREAD:
      if (d.in_c != d.out_c) return "spread keeps the channel count";
      if (d.s_h < 1 || d.s_w < 1) return "spread strides must be >= 1";
      if (d.pad_t < 0 || d.pad_l < 0 || d.pad_b < 0 || d.pad_r < 0) return "spread pads must be >= 0";
      if ((long long)(d.in_h - 1) * d.s_h + 1 + d.pad_t + d.pad_b != d.out_h ||
          (long long)(d.in_w - 1) * d.s_w + 1 + d.pad_l + d.pad_r != d.out_w) {
        return "spread output size differs from (in - 1) * s + 1 + pads";
      }
      if (d.in_w > MAX_W) return "spread row wider than CNNHLS_MAX_W";
      return 0;
    default:
      return "unknown op";
  }
}

}  // namespace cnnhls

#endif
