// Two 8-bit products that share an operand in one multiplier (Xilinx WP486, "Deep Learning with
// INT8 Optimization on Xilinx Devices"): P = (a * 2^18 + b) * x holds a*x in its high bits and b*x
// in its low 18. With |b*x| <= 2^14 < 2^17, the low 18 bits sign-extended are exactly b*x, and
// (P - b*x) / 2^18 is exactly a*x. On a DSP48E2 the 26-bit (a << 18) + b is the pre-adder (D + A),
// x the 18-bit B port, P the 44-bit product: one DSP for two MACs. Exact integer arithmetic, so the
// results are bit-exact with two separate multiplies (tested exhaustively).
#ifndef CNNHLS_PACK_H
#define CNNHLS_PACK_H

#include "cnnhls_types.h"

namespace cnnhls {

static const int PACK_SHIFT = 18;  // the low product's field: 18 bits hold any signed 8 x 8 product

// hi = a * x, lo = b * x, for a, b, x of at most 8 signed bits.
inline void packed_mul2(const ap_int<8> &a, const ap_int<8> &b, const ap_int<8> &x, ap_int<16> &hi, ap_int<16> &lo) {
  const ap_int<27> pre = ap_int<27>(a.to_int64() * (1LL << PACK_SHIFT) + b.to_int64());
  const ap_int<44> p = pre * x;
  const long long pv = p.to_int64(), half = 1LL << (PACK_SHIFT - 1);
  const long long low = ((pv & ((1LL << PACK_SHIFT) - 1)) ^ half) - half;  // the low field, sign-extended
  lo = ap_int<16>(low);
  hi = ap_int<16>((pv - low) / (1LL << PACK_SHIFT));  // exact: pv - low is a multiple of 2^18
}

}  // namespace cnnhls

#endif
