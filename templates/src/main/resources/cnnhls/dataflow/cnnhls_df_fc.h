// cnnhls dataflow: fully connected, folded as FINN's MVAU. The input vector arrives as PIXELS
// pixels of C values (a conv stage's output read through a Flatten, or a previous FC's output as
// one pixel); the input loop stores it, CB = C / SIMD words per pixel, into SIMD banks of SF =
// PIXELS CB words (element j = pixel * C + c at word j / SIMD, bank j % SIMD). The MAC loop then
// runs NF x SF iterations (NF = N / PE) of PE x SIMD products; weights are
// w[nf * SF + sf][pe][simd] for output nf * PE + pe and input element sf * SIMD + simd (the
// compiler permutes ONNX's flatten order (c, y, x) into this stream order (y, x, c)).
#ifndef CNNHLS_DF_FC_H
#define CNNHLS_DF_FC_H

#include "cnnhls_df_requant.h"
#include "cnnhls_df_types.h"

namespace cnnhls_df {

// CFG: SID, PIXELS, C, N, PE, SIMD, NF, SF, AW, WW, OW, ACC_W, MW, output_lane's parameters, w_t.
// IN, OUT: streams of pixel<C, AW> and pixel<N, OW>.
template <class CFG, class IN, class OUT>
void fc_stage(IN &in, OUT &out,
              const typename CFG::w_t w[CFG::NF * CFG::SF][CFG::PE][CFG::SIMD], const ap_int<CFG::ACC_W> bias[CFG::N],
              const ap_uint<CFG::MW> mult[CFG::N], const ap_int<8> shift[CFG::N]) {
  const int CB = CFG::C / CFG::SIMD, NF = CFG::NF, SF = CFG::SF, PE = CFG::PE, SIMD = CFG::SIMD;
  static ap_int<CFG::AW> x[CFG::SF][CFG::SIMD];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=x complete dim=2)
  pixel<CFG::C, CFG::AW> p;
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=p.v complete)
  int cb = 0;
  CNNHLS_DF_LOOP(CFG::SID, "fc_in", CFG::PIXELS * CB);
  for (int i = 0; i < CFG::PIXELS * CB; i++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_DF_STEP(CFG::SID);
    if (cb == 0) p = in.read();
    for (int s = 0; s < SIMD; s++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      x[i][s] = p.v[cb * SIMD + s];
    }
    cb = cb + 1 == CB ? 0 : cb + 1;
  }
  pixel<CFG::N, CFG::OW> o;
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=o.v complete)
  ap_int<CFG::ACC_W> acc[CFG::PE];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=acc complete)
  int sf = 0, nf = 0;
  CNNHLS_DF_LOOP(CFG::SID, "fc_mac", NF * SF);
  for (int i = 0; i < NF * SF; i++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_DF_STEP(CFG::SID);
    for (int pe = 0; pe < PE; pe++) {
      CNNHLS_PRAGMA(HLS UNROLL)
      ap_int<CFG::ACC_W> a = sf == 0 ? bias[nf * PE + pe] : acc[pe];
      for (int s = 0; s < SIMD; s++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        const ap_int<CFG::WW> wv = w[i][pe][s];
        const ap_int<CFG::AW + CFG::WW> prod = wv * x[sf][s];
        a += prod;
      }
      acc[pe] = a;
      if (sf == SF - 1) o.v[nf * PE + pe] = output_lane<CFG>(a, mult[nf * PE + pe], shift[nf * PE + pe]);
    }
    if (++sf == SF) {
      sf = 0;
      nf++;
    }
  }
  out.write(o);
}

}  // namespace cnnhls_df

#endif
