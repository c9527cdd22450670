// cnnhls overlay engine: the layer descriptor, the contract between the compiler and the engine.
//
// The compiler (codegen-hls, Java) lowers a quantized graph to a table of LayerDesc, stored in the
// generated config header as a constant ROM, and to three binary blobs in DDR: weights, bias and
// requantize parameters. Feature maps live in one DDR buffer `fmap`; every tensor has an element
// offset there. Batch is 1; tensors are C x H x W, row-major, like ONNX NCHW with N = 1.
//
// Field order and meaning are mirrored in org.cnnhls.engine.LayerDescriptor, op codes in its OP_*;
// change both together (engine CppContractTest compiles this header and compares).
#ifndef CNNHLS_DESC_H
#define CNNHLS_DESC_H

namespace cnnhls {

enum OpKind {
  OP_CONV = 0,      // conv (groups, stride, pad, dilation) + bias + requantize + activation (+ max-pool)
  OP_GEMM = 1,      // fully connected: out[n] = sum_k w * in[k] + bias, streamed weights, + requant + act
  OP_ADD = 2,       // out = act(requant((a << shift_a) + (b << shift_b), M = 1, s = shift_out))
  OP_MAXPOOL = 3,   // max of raw values (padding never wins); same format in and out
  OP_AVGPOOL = 4,   // exact sum, requant with M = round(2^AVG_SHIFT / N), s = AVG_SHIFT + shift_out
  OP_GAVGPOOL = 5,  // global average pool: as OP_AVGPOOL with N = H * W
  OP_GMAXPOOL = 6,  // global max pool
  OP_COPY = 7,      // concat slice: requant(in, M = 1, s = shift_out) into channels [concat_c_off, +in_c) of out
  OP_ACT = 8,       // standalone activation on raw values (same format in and out)
  // issue 14 (Mul, Resize; structural ops)
  OP_MUL = 9,       // out = requant(a * b, M = 1, s = shift_out); b per mul_kind (see LayerDesc)
  OP_RESIZE = 10,   // nearest / bilinear Resize on H and W from the compiler's tables (cnnhls_engine.h)
  OP_SPREAD = 11    // zero insertion: in[y][x] to out[pad_t + y*s_h][pad_l + x*s_w], zeros elsewhere (same format)
};

// Table activations (issue 14), a descriptor's act_kind; mirrored by org.cnnhls.ir.quant.ActTable.Kind.
enum ActKind {
  ACT_NONE = 0,
  ACT_SIGMOID = 1,
  ACT_HARD_SIGMOID = 2,
  ACT_HARD_SWISH = 3,
  ACT_SILU = 4,
  ACT_TANH = 5,
  ACT_GELU = 6
};

// Shift of the average-pool multiplier: M = round(2^AVG_SHIFT / N) = (2^(AVG_SHIFT+1) + N) / (2N).
static const int AVG_SHIFT = 20;
// Bits of an average-pool multiplier round(2^AVG_SHIFT / n) <= 2^AVG_SHIFT (its requantize operand).
static const int AVG_M_W = AVG_SHIFT + 1;

struct LayerDesc {
  int op;                                  // OpKind
  int in_off, in2_off, out_off;            // element offsets in fmap (in2: second Add operand)
  int in_c, in_h, in_w;                    // input tensor
  int out_c, out_h, out_w;                 // output tensor (after a fused max-pool)
  int conv_h, conv_w;                      // conv/pool window output before a fused max-pool
  int k_h, k_w, s_h, s_w;                  // window (conv, pools)
  int pad_t, pad_l, pad_b, pad_r;
  int d_h, d_w, groups;
  int w_off, b_off, q_off;                 // weights (elements), bias (int64 elements), quant (channels)
  int trans_b;                             // GEMM: weights stored [N][K] when 1, [K][N] when 0
  int pool;                                // CONV: 1 when a max-pool follows the activation
  int pool_k_h, pool_k_w, pool_s_h, pool_s_w;
  int pool_pad_t, pool_pad_l, pool_pad_b, pool_pad_r;
  int out_width;                           // W of the output format: requantize saturates to it
  int act_lo, act_hi;                      // activation clamp on the requantized raw value
  int leaky, leak_m, leak_s;               // LeakyReLU: negatives requantized by (leak_m, leak_s)
  int shift_a, shift_b, shift_out;         // ADD / AVGPOOL / COPY shifts, see OpKind
  int count_include_pad;                   // AVGPOOL divisor counts padded positions
  int concat_c_off;                        // COPY: first output channel of this slice
  // issue 14 (Mul, Resize)
  int mul_kind;                            // MUL: b is 0 a tensor like a at in2_off, 1 one factor per
                                           // channel at in2_off (fmap), 2 out_c constant factors in the
                                           // quant blob at q_off (pairs (factor, 0))
  int rs_coord, rs_nearest;                // RESIZE: coordinate mode, nearest mode (-1: linear), as
  int rs_scale_h, rs_scale_w;              // the IR's enums, and the float scales' bits: for the
                                           // timing models only (the kernel reads its tables)
  // table activations (issue 14): ACT with act_kind != ACT_NONE maps raw inputs of act_in_width bits
  // through act_tab_len = 2^k + 1 entries (k = min(act_in_width, 8)) at bias[act_tab_off ...]
  int act_kind, act_tab_off, act_tab_len, act_in_width;
  int copy_c_stride;                       // COPY: output channels between consecutive copied
                                           // channels (0, 1: one run; ChannelShuffle: groups)
};

}  // namespace cnnhls

#endif
