// cnnhls: minimal stand-in for Vitis HLS ap_fixed<W, I, Q, O> (W <= 53), used only when the Vitis
// headers are absent. The numeric contract (design.md section 2) stores a format (W, F) as
// ap_fixed<W, W-F, AP_RND, AP_SAT>: a raw W-bit two's complement integer r with value r * 2^-F,
// F = W - I (F may exceed W or be negative).
//
// Provided: construction from double (quantize with Q, then overflow with O), raw access (raw(),
// from_raw(); Vitis code uses .range() instead, see cnnhls_types.h), to_double()/to_float(), and
// conversion between formats (through double, exact for W <= 53). No fixed-point arithmetic: the
// kernels compute on raw integers. Every quantization mode and AP_SAT, AP_SAT_ZERO, AP_SAT_SYM,
// AP_WRAP give the bits Xilinx's ap_fixed.h gives (StandInsTest compares them on random values and
// edge cases); AP_WRAP_SM, saturation bits (N > 0) and W > 53 do not compile.
#ifndef CNNHLS_AP_FIXED_H
#define CNNHLS_AP_FIXED_H

#include <cmath>

#include "cnnhls_ap_int.h"

// Quantization (rounding) modes, as in Vitis. AP_RND rounds half up (toward +infinity).
enum ap_q_mode { AP_RND, AP_RND_ZERO, AP_RND_MIN_INF, AP_RND_INF, AP_RND_CONV, AP_TRN, AP_TRN_ZERO };
// Overflow modes, as in Vitis (AP_WRAP_SM is not supported by the stand-in).
enum ap_o_mode { AP_SAT, AP_SAT_ZERO, AP_SAT_SYM, AP_WRAP, AP_WRAP_SM };

namespace cnnhls_standin {

// Rounds y (already scaled by 2^F) to an integer-valued double per mode q. Exact: y - floor(y) is
// computed without error for every finite double.
inline double quantize_scaled(double y, ap_q_mode q) {
  double fl = std::floor(y);
  double frac = y - fl;  // in [0, 1)
  switch (q) {
    case AP_TRN: return fl;
    case AP_TRN_ZERO: return y < 0 && frac != 0 ? fl + 1 : fl;
    case AP_RND: return frac >= 0.5 ? fl + 1 : fl;
    case AP_RND_MIN_INF: return frac > 0.5 ? fl + 1 : fl;
    case AP_RND_ZERO: return frac > 0.5 || (frac == 0.5 && y < 0) ? fl + 1 : fl;
    case AP_RND_INF: return frac > 0.5 || (frac == 0.5 && y > 0) ? fl + 1 : fl;
    case AP_RND_CONV: return frac > 0.5 || (frac == 0.5 && std::fmod(fl, 2.0) != 0) ? fl + 1 : fl;
  }
  return fl;
}

// Fits an integer-valued double r into W <= 53 bits per overflow mode o, as Vitis does: AP_SAT and
// AP_SAT_ZERO act on values outside [-2^(W-1), 2^(W-1) - 1]; AP_SAT_SYM also maps -2^(W-1) itself
// to -(2^(W-1) - 1) (the range is symmetric); AP_WRAP keeps the low W bits of r. Every step is
// exact because |r mod 2^W| < 2^53.
template <int W>
inline long long overflow_raw(double r, ap_o_mode o) {
  const long long max_raw = (long long)((1ULL << (W - 1)) - 1);
  const long long min_raw = -max_raw - 1;
  bool over = r > (double)max_raw;
  bool under = r < (double)min_raw;
  if (o == AP_SAT_SYM && r == (double)min_raw) return -max_raw;
  if (!over && !under) return (long long)r;
  switch (o) {
    case AP_SAT: return over ? max_raw : min_raw;
    case AP_SAT_ZERO: return 0;
    case AP_SAT_SYM: return over ? max_raw : -max_raw;
    default: {  // AP_WRAP: the low W bits of the exact integer r
      const double m = std::fmod(r, std::ldexp(1.0, W));  // exact, |m| < 2^W
      if (!(m == m)) return 0;                            // infinity
      return wrap_signed<W>((unsigned long long)(long long)m);
    }
  }
}

}  // namespace cnnhls_standin

template <int W, int I, ap_q_mode Q = AP_TRN, ap_o_mode O = AP_WRAP, int N = 0>
class ap_fixed {
  // W <= 53: values, conversions between formats and to_double() go through double, exact only
  // when the raw integer has at most 53 bits (the contract's formats have at most 32).
  static_assert(W >= 1 && W <= 53, "the cnnhls ap_fixed stand-in supports 1..53 bits");
  static_assert(O != AP_WRAP_SM, "the cnnhls ap_fixed stand-in does not support AP_WRAP_SM");
  static_assert(N == 0, "the cnnhls ap_fixed stand-in does not support saturation bits");
  long long raw_;

 public:
  static const int width = W;
  static const int iwidth = I;
  static const int frac_bits = W - I;  // F

  ap_fixed() : raw_(0) {}
  ap_fixed(double x) : raw_(quantize(x)) {}
  template <int W2, int I2, ap_q_mode Q2, ap_o_mode O2, int N2>
  ap_fixed(const ap_fixed<W2, I2, Q2, O2, N2> &x) : raw_(quantize(x.to_double())) {}

  // The raw W-bit integer, sign-extended.
  long long raw() const { return raw_; }
  // A value from its raw integer (wrapped to W bits).
  static ap_fixed from_raw(long long r) {
    ap_fixed f;
    f.raw_ = cnnhls_standin::wrap_signed<W>((unsigned long long)r);
    return f;
  }

  double to_double() const { return std::ldexp((double)raw_, -(W - I)); }
  float to_float() const { return (float)to_double(); }

 private:
  static long long quantize(double x) {
    if (!(x == x)) return 0;  // NaN
    double y = std::ldexp(x, W - I);
    // |x * 2^F| < 1/4, possibly inexact (ldexp underflow): every mode rounds it to 0, except that
    // AP_TRN (floor) takes a negative value to -1
    if (x != 0 && std::fabs(y) < 0.25) return Q == AP_TRN && x < 0 ? cnnhls_standin::overflow_raw<W>(-1.0, O) : 0;
    return cnnhls_standin::overflow_raw<W>(cnnhls_standin::quantize_scaled(y, Q), O);
  }
};

#endif
