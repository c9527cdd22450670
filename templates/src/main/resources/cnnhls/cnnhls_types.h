// cnnhls: base types. Which ap_int / ap_fixed / hls::stream the kernels compile against:
//   - Vitis HLS (synthesis, __SYNTHESIS__; or its C-simulation, where the Vitis headers are on the
//     include path and CNNHLS_STANDALONE is not defined): Xilinx's headers, HLS directives emitted;
//   - -DCNNHLS_VENDOR_HEADERS (the generated Makefile's `make csim XILINX_HLS_INCLUDE=DIR`): plain
//     g++ against Xilinx's own C-simulation headers (-isystem DIR), HLS directives dropped;
//   - -DCNNHLS_STANDALONE (the default `make csim`): the project's own minimal stand-ins, so the
//     kernels also compile and C-simulate with plain g++ and no Xilinx files at all.
// CNNHLS_VITIS is 1 whenever Xilinx's types are in use, 0 with the stand-ins.
//
// Also defines CNNHLS_PRAGMA(...), through which every kernel states its HLS directives:
//   CNNHLS_PRAGMA(HLS PIPELINE II=1)  ->  #pragma HLS PIPELINE II=1
// The indirection expands macros inside the directive (tile sizes, depths) before Vitis reads it,
// and lets g++ builds with -Wall -Werror drop the directives instead of warning about unknown
// pragmas. Define CNNHLS_FORCE_PRAGMAS to emit them without Vitis (to inspect `g++ -E` output).
#ifndef CNNHLS_TYPES_H
#define CNNHLS_TYPES_H

#if defined(CNNHLS_STANDALONE) && defined(CNNHLS_VENDOR_HEADERS)
#error "define one of CNNHLS_STANDALONE (the stand-ins) and CNNHLS_VENDOR_HEADERS (Xilinx's headers), not both"
#endif
#if defined(__SYNTHESIS__)
#define CNNHLS_VITIS 1
#define CNNHLS_VITIS_TOOL 1
#elif defined(CNNHLS_VENDOR_HEADERS)
#if defined(__has_include)
#if !__has_include(<ap_int.h>) || !__has_include(<ap_fixed.h>) || !__has_include(<hls_stream.h>)
#error "CNNHLS_VENDOR_HEADERS: ap_int.h, ap_fixed.h and hls_stream.h must be on the include path (-isystem DIR)"
#endif
#endif
#define CNNHLS_VITIS 1
#define CNNHLS_VITIS_TOOL 0
#elif !defined(CNNHLS_STANDALONE) && defined(__has_include)
#if __has_include(<ap_int.h>)
#define CNNHLS_VITIS 1
#define CNNHLS_VITIS_TOOL 1
#endif
#endif
#ifndef CNNHLS_VITIS
#define CNNHLS_VITIS 0
#define CNNHLS_VITIS_TOOL 0
#endif

#if CNNHLS_VITIS
#include <ap_fixed.h>
#include <ap_int.h>
#include <hls_stream.h>
#else
#include "cnnhls_ap_fixed.h"
#include "cnnhls_ap_int.h"
#include "cnnhls_stream.h"
#endif

#define CNNHLS_PRAGMA_STRING(x) _Pragma(#x)
#if CNNHLS_VITIS_TOOL || defined(CNNHLS_FORCE_PRAGMAS)
#define CNNHLS_PRAGMA(x) CNNHLS_PRAGMA_STRING(x)
#else
#define CNNHLS_PRAGMA(x)
#endif

namespace cnnhls {

// The raw W-bit integer of a fixed-point value (numeric contract: value = raw * 2^-F).
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
inline long long fixed_raw(const ap_fixed<W, I, Q, O, N> &x) {
#if CNNHLS_VITIS
  ap_fixed<W, I, Q, O, N> t = x;
  ap_int<W> r;
  r.range(W - 1, 0) = t.range(W - 1, 0);
  return r.to_int64();
#else
  return x.raw();
#endif
}

// The fixed-point value whose raw W-bit integer is r.
template <typename Fixed>
inline Fixed fixed_from_raw(long long r) {
#if CNNHLS_VITIS
  Fixed f;
  ap_int<64> t = r;
  f.range(Fixed::width - 1, 0) = t.range(Fixed::width - 1, 0);
  return f;
#else
  return Fixed::from_raw(r);
#endif
}

}  // namespace cnnhls

#endif
