// cnnhls dataflow: one output lane of a conv or FC stage, the numeric contract exactly as the
// overlay computes it (cnnhls_requant.h): t = acc * M (no multiply when the layer's multipliers
// are all 1), round_shift_saturate(t, s, W), then the fused activation (clamp, LeakyReLU).
#ifndef CNNHLS_DF_REQUANT_H
#define CNNHLS_DF_REQUANT_H

#include "cnnhls_requant.h"

namespace cnnhls_df {

// CFG: OW (output width), HAS_M, ACT_LO, ACT_HI, LEAKY, LEAK_M, LEAK_S (see the generated config).
template <class CFG, int AW, int MW>
inline ap_int<CFG::OW> output_lane(const ap_int<AW> &acc, const ap_uint<MW> &m, int s) {
  // the overlay's narrow requantize: an AW x MW multiplier, exact because |acc * M| < 2^62
  const int r = CFG::HAS_M ? cnnhls::requantize_narrow<AW, MW>(acc, m, s, CFG::OW)
                           : cnnhls::round_shift_saturate(acc.to_int64(), s, CFG::OW);
  return ap_int<CFG::OW>(cnnhls::activate_raw(r, CFG::ACT_LO, CFG::ACT_HI, CFG::LEAKY, CFG::LEAK_M, CFG::LEAK_S, CFG::OW));
}

}  // namespace cnnhls_df

#endif
