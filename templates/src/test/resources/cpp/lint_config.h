// Hand-written cnnhls_config.h for the lint build: one layer of every op kind (a 3x3 conv with pad
// and stride, a depthwise conv, a conv with fused ReLU + 2x2 max-pool, a gemm, an add, a max-pool,
// an average pool without padded positions, global pools, a concat copy, an activation, a Mul, a
// Resize, a Spread and a table activation). Offsets are
// consistent, but this table is only compiled, never run. Weight offsets follow the engine's layout
// at these macros (WE = 8 weights per 128-bit beat, W_ROWS = 2 beats per tap): 3x3 blocks of 144
// weights, conv 0 one block, the depthwise conv one (4 channels per tile), conv 2 two channel tiles,
// the gemm 10 rows of 32 ([N][K], trans_b = 1); every w_off a whole beat.
#ifndef CNNHLS_CONFIG_H
#define CNNHLS_CONFIG_H

#include "cnnhls_desc.h"

#define CNNHLS_TM 4
#define CNNHLS_TN 4
#define CNNHLS_TR 4
#define CNNHLS_TC 4
#define CNNHLS_AXI_WIDTH 128
#define CNNHLS_ACT_PER_BEAT 8
#define CNNHLS_FC_LANES 8
#define CNNHLS_ACT_W 16
#define CNNHLS_WGT_W 16
#define CNNHLS_NUM_LAYERS 15
#define CNNHLS_FMAP_SIZE 2048
#define CNNHLS_FMAP_BEATS 256
#define CNNHLS_WEIGHTS_SIZE 1024
#define CNNHLS_WEIGHTS_BEATS 128
#define CNNHLS_BIAS_SIZE 321
#define CNNHLS_QUANT_SIZE 128
#define CNNHLS_INPUT_OFF 0
#define CNNHLS_INPUT_SIZE 192
#define CNNHLS_NUM_OUTPUTS 2

// fields: op, in_off, in2_off, out_off, in_c, in_h, in_w, out_c, out_h, out_w, conv_h, conv_w,
// k_h, k_w, s_h, s_w, pad_t, pad_l, pad_b, pad_r, d_h, d_w, groups, w_off, b_off, q_off, trans_b,
// pool, pool_k_h, pool_k_w, pool_s_h, pool_s_w, pool_pad_t..r, out_width, act_lo, act_hi,
// leaky, leak_m, leak_s, shift_a, shift_b, shift_out, count_include_pad, concat_c_off,
// mul_kind, rs_coord, rs_nearest, rs_scale_h, rs_scale_w, act_kind, act_tab_off, act_tab_len, act_in_width,
// copy_c_stride
static const cnnhls::LayerDesc CNNHLS_LAYERS[CNNHLS_NUM_LAYERS] = {
  // 0: conv 3x3 stride 2 pad 1, 3x8x8 -> 4x4x4
  {cnnhls::OP_CONV, 0, 0, 192, 3, 8, 8, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 1: depthwise 3x3 pad 1, ReLU6 (6.0 in Q4.12 = 24576)
  {cnnhls::OP_CONV, 192, 0, 256, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, 144, 4, 4, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, 0, 24576, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 2: conv 3x3 pad 1 + ReLU + 2x2 max-pool, 4x4x4 -> 8x2x2
  {cnnhls::OP_CONV, 256, 0, 320, 4, 4, 4, 8, 2, 2, 4, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 288, 8, 8, 0,
   1, 2, 2, 2, 2, 0, 0, 0, 0, 16, 0, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 3: gemm 32 -> 10, weights [N][K], LeakyReLU 0.1
  {cnnhls::OP_GEMM, 320, 0, 352, 32, 1, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 576, 16, 16, 1,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 1, 3277, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 4: add of layers 0 and 1 (F differ by 2), ReLU
  {cnnhls::OP_ADD, 192, 256, 362, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, 0, 32767, 0, 1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 5: max-pool 3x3 stride 2 pad 1
  {cnnhls::OP_MAXPOOL, 362, 0, 426, 4, 4, 4, 4, 2, 2, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 6: average pool 3x3 stride 2 pad 1, count_include_pad = 0
  {cnnhls::OP_AVGPOOL, 362, 0, 442, 4, 4, 4, 4, 2, 2, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 7: global average pool
  {cnnhls::OP_GAVGPOOL, 362, 0, 458, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 8: global max pool
  {cnnhls::OP_GMAXPOOL, 362, 0, 462, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 9: concat slice: layer 5 into channels [4, 8) of an 8x2x2 tensor, one bit less fraction
  {cnnhls::OP_COPY, 426, 0, 466, 4, 2, 2, 8, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 10: standalone clip to [-100, 100]
  {cnnhls::OP_ACT, 352, 0, 1000, 10, 1, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -100, 100, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 11: per-channel constant Mul of layer 5 (factors in the quant blob at q_off 32), s = 12
  {cnnhls::OP_MUL, 362, 0, 1010, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 32, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 12, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 12: bilinear Resize 4x4x4 -> 4x8x8 (half_pixel; tables at q_off 36), scale bits of 2.0f
  {cnnhls::OP_RESIZE, 362, 0, 1074, 4, 4, 4, 4, 8, 8, 8, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 36, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, -1, 1073741824, 1073741824, 0, 0, 0, 0, 0},
  // 13: Spread stride 2 pad 1 (a lowered ConvTranspose), 4x2x2 -> 4x5x5
  {cnnhls::OP_SPREAD, 426, 0, 1330, 4, 2, 2, 4, 5, 5, 5, 5, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  // 14: standalone Sigmoid by table: 16-bit input, 257 entries at bias[64]
  {cnnhls::OP_ACT, 352, 0, 1430, 10, 1, 1, 10, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
   0, 1, 1, 1, 1, 0, 0, 0, 0, 16, -32768, 32767, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, cnnhls::ACT_SIGMOID, 64, 257, 16, 0},
};

#ifndef __SYNTHESIS__
static const char *const CNNHLS_LAYER_NAMES[CNNHLS_NUM_LAYERS] = {
    "conv", "dw", "conv_pool", "fc", "add", "maxpool", "avgpool", "gap", "gmp", "concat", "clip", "mul", "resize", "spread", "sigmoid"};
static const int CNNHLS_LAYER_CHECKED[CNNHLS_NUM_LAYERS] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
static const long long CNNHLS_OUTPUT_OFFS[CNNHLS_NUM_OUTPUTS] = {1000, 900};
static const long long CNNHLS_OUTPUT_SIZES[CNNHLS_NUM_OUTPUTS] = {10, 20};
static const int CNNHLS_OUTPUT_FRACS[CNNHLS_NUM_OUTPUTS] = {8, 8};
static const char *const CNNHLS_OUTPUT_NAMES[CNNHLS_NUM_OUTPUTS] = {"logits", "features"};
#endif

#endif
