// cnnhls: the numeric contract's one rounding primitive and the fused activations, bit for bit as
// the Java golden model (org.cnnhls.ir.quant.Requantize, ActivationQuant, IntKernels).
//
// Domain the compiler guarantees (and the engine relies on): |acc * M| < 2^REQ_PRODUCT_BITS = 2^62,
// M >= 1, s in [REQ_MIN_SHIFT, REQ_MAX_SHIFT] = [-30, 61], W in [2, 32]. Inside it every intermediate
// below fits int64 exactly (t + 2^(s-1) < 2^62 + 2^60). Outside it t wraps: the quantizer
// (org.cnnhls.ir.quant.Quantizer) picks M, s and the weight scale so that, for every output channel,
// (|bias| + sum |w| 2^(Wx-1)) * M < 2^62, and lowering refuses any layer that breaks it. Java's copy
// of these constants is org.cnnhls.ir.quant.Requantize.PRODUCT_BITS / MIN_SHIFT / MAX_SHIFT; the
// templates' RequantizeTest compiles this header and checks the two agree.
#ifndef CNNHLS_REQUANT_H
#define CNNHLS_REQUANT_H

#include "cnnhls_desc.h"
#include "cnnhls_types.h"

namespace cnnhls {

// Bounds of requantize's domain (see above).
static const int REQ_PRODUCT_BITS = 62;
static const int REQ_MIN_SHIFT = -30;
static const int REQ_MAX_SHIFT = 61;

// sat_W: clamp to [-2^(W-1), 2^(W-1) - 1].
inline int saturate(long long v, int W) {
  const long long max = (1LL << (W - 1)) - 1;
  const long long min = -max - 1;
  return (int)(v > max ? max : v < min ? min : v);
}

// The part of requantize after the multiply: s > 0: sat_W(t / 2^s rounded half to even), as
// (t + 2^(s-1) - 1 + ((t >> s) & 1)) >> s with arithmetic shifts (ties to even carry no mean error,
// where half up biased every residual Add and pooling sum); s <= 0: sat_W(t << -s).
inline int round_shift_saturate(long long t, int s, int W) {
  long long r;
  if (s > 0) {
    r = (t + (1LL << (s - 1)) - 1 + ((t >> s) & 1)) >> s;
  } else {
    // A left shift of up to 30 bits could leave int64. Clamping t to +-2^W first cannot change the
    // saturated result (|t| > 2^W saturates either way, in the same direction) and keeps
    // |t * 2^-s| <= 2^62. Multiplying instead of shifting keeps negative t well defined in C++.
    const long long lim = 1LL << W;
    const long long tc = t > lim ? lim : t < -lim ? -lim : t;
    r = tc * (1LL << -s);
  }
  return saturate(r, W);
}

// The contract's requantize: t = acc * M, then round_shift_saturate(t, s, W).
inline int requantize(long long acc, int M, int s, int W) {
  return round_shift_saturate(acc * (long long)M, s, W);
}

// The same with narrow operands, for the engine's parallel output stages: synthesis then builds an
// AW x MW multiplier (a few DSPs) instead of a 64 x 64 one. The caller guarantees that acc fits AW
// signed bits and M fits MW unsigned bits (see CNNHLS_REQ_ACC_W / CNNHLS_REQ_M_W in cnnhls_engine.h);
// the product is exact because |acc * M| < 2^62.
template <int AW, int MW>
inline int requantize_narrow(const ap_int<AW> &acc, const ap_uint<MW> &M, int s, int W) {
  const ap_int<64> t = acc * M;
  return round_shift_saturate(t.to_int64(), s, W);
}

// A fused or standalone activation on a requantized raw value: LeakyReLU requantizes negatives by
// (leak_m, leak_s) into W bits; then the clamp [lo, hi] implements ReLU, ReLU6, Clip, and for
// "no activation" the full range of the output format.
// The LeakyReLU multiply is LEAK_V_W x LEAK_M_W bits (one DSP48 per lane): v is a raw value of at
// most 16 bits, leak_m = round(alpha * 2^15) with alpha in [0, 2) (Java ActivationQuant; lowering
// refuses other slopes).
static const int LEAK_V_W = 16, LEAK_M_W = 16;

// CNNHLS_LEAKY 0 (set by the config header when no layer is LeakyReLU) leaves the multipliers out;
// layer_fits refuses a leaky descriptor then.
#ifndef CNNHLS_LEAKY
#define CNNHLS_LEAKY 1
#endif

inline int activate_raw(int v, int lo, int hi, int leaky, int leak_m, int leak_s, int W) {
  if (CNNHLS_LEAKY && leaky && v < 0) v = requantize_narrow<LEAK_V_W, LEAK_M_W>(ap_int<LEAK_V_W>(v), ap_uint<LEAK_M_W>(leak_m), leak_s, W);
  return v < lo ? lo : v > hi ? hi : v;
}

inline int activate(int v, const LayerDesc &d) {
  return activate_raw(v, d.act_lo, d.act_hi, d.leaky, d.leak_m, d.leak_s, d.out_width);
}

// Average-pool multiplier round(2^AVG_SHIFT / n), half up, in integers: (2^(AVG_SHIFT+1) + n) / (2n).
inline int avg_multiplier(int n) {
  return (int)(((1LL << (AVG_SHIFT + 1)) + n) / (2LL * n));
}

}  // namespace cnnhls

#endif
