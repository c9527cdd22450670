// cnnhls dataflow: convolution by line buffer and sliding window, folded as FINN's MVAU: PE output
// channels and SIMD input channels per cycle.
//
// For every pixel of the padded input (raster order): the store loop writes it into row py % KH of
// a KH-row line buffer, CB = CIN / SIMD words, reading the stream only inside the image (zeros in
// the padding). When the pixel completes a window (stride SH, SW), the MAC loop runs NF x SF
// iterations (NF = COUT / PE, SF = KH KW CB), each PE x SIMD products, summing into PE
// accumulators that start at the bias; the last SF iteration of an output fold requantizes its PE
// lanes (cnnhls_df_requant.h), and the output pixel is written after the loop. Weights are
// w[nf * SF + sf][pe][simd]: output channel nf * PE + pe, tap (ky, kx) and input channel
// cb * SIMD + simd where sf = (ky * KW + kx) * CB + cb. The line buffer has SIMD banks, the ROM PE x
// SIMD (the top function partitions it), so every iteration reads one word of each: II = 1.
#ifndef CNNHLS_DF_CONV_H
#define CNNHLS_DF_CONV_H

#include "cnnhls_df_requant.h"
#include "cnnhls_df_types.h"

namespace cnnhls_df {

// CFG: SID, IH, IW, CIN, OH, OW_PIX, COUT, KH, KW, SH, SW, PT, PL, PH, PW, PE, SIMD, AW, WW, OW,
// ACC_W, MW, and output_lane's parameters; w_t is the weights' storage type.
// IN, OUT: streams of pixel<CIN, AW> and pixel<COUT, OW> (the stand-ins carry their C-sim depth in the type).
template <class CFG, class IN, class OUT>
void conv_stage(IN &in, OUT &out,
                const typename CFG::w_t w[CFG::NF * CFG::SF][CFG::PE][CFG::SIMD], const ap_int<CFG::ACC_W> bias[CFG::COUT],
                const ap_uint<CFG::MW> mult[CFG::COUT], const ap_int<8> shift[CFG::COUT]) {
  const int CB = CFG::CIN / CFG::SIMD, NF = CFG::NF, SF = CFG::SF, PE = CFG::PE, SIMD = CFG::SIMD;
  static ap_int<CFG::AW> line[CFG::KH][CFG::PW][CFG::CIN / CFG::SIMD][CFG::SIMD];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=line complete dim=4)
  int wrow = 0;  // the line-buffer row of padded row py: py % KH
  for (int py = 0; py < CFG::PH; py++) {
    for (int px = 0; px < CFG::PW; px++) {
      const bool inside = py >= CFG::PT && py < CFG::PT + CFG::IH && px >= CFG::PL && px < CFG::PL + CFG::IW;
      pixel<CFG::CIN, CFG::AW> p;
      CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=p.v complete)
      CNNHLS_DF_LOOP(CFG::SID, "cv_store", CB);
      for (int cb = 0; cb < CB; cb++) {
        CNNHLS_PRAGMA(HLS PIPELINE II=1)
        if (cb == 0 && inside) p = in.read();
        for (int s = 0; s < SIMD; s++) {
          CNNHLS_PRAGMA(HLS UNROLL)
          line[wrow][px][cb][s] = inside ? p.v[cb * SIMD + s] : ap_int<CFG::AW>(0);
        }
      }
      const int oy = py - (CFG::KH - 1), ox = px - (CFG::KW - 1);
      if (oy >= 0 && ox >= 0 && oy % CFG::SH == 0 && ox % CFG::SW == 0) {
        pixel<CFG::COUT, CFG::OW> o;
        CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=o.v complete)
        ap_int<CFG::ACC_W> acc[CFG::PE];
        CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=acc complete)
        const int r0 = wrow + 1 == CFG::KH ? 0 : wrow + 1;  // the row of padded row py - KH + 1
        int ky = 0, kx = 0, cb = 0, sf = 0, nf = 0;
        CNNHLS_DF_LOOP(CFG::SID, "cv_mac", NF * SF);
        for (int i = 0; i < NF * SF; i++) {
          CNNHLS_PRAGMA(HLS PIPELINE II=1)
          const int r = r0 + ky >= CFG::KH ? r0 + ky - CFG::KH : r0 + ky;
          for (int pe = 0; pe < PE; pe++) {
            CNNHLS_PRAGMA(HLS UNROLL)
            ap_int<CFG::ACC_W> a = sf == 0 ? bias[nf * PE + pe] : acc[pe];
            for (int s = 0; s < SIMD; s++) {
              CNNHLS_PRAGMA(HLS UNROLL)
              const ap_int<CFG::WW> wv = w[i][pe][s];
              const ap_int<CFG::AW + CFG::WW> prod = wv * line[r][ox + kx][cb][s];
              a += prod;
            }
            acc[pe] = a;
            if (sf == SF - 1) o.v[nf * PE + pe] = output_lane<CFG>(a, mult[nf * PE + pe], shift[nf * PE + pe]);
          }
          if (++cb == CB) {
            cb = 0;
            if (++kx == CFG::KW) {
              kx = 0;
              if (++ky == CFG::KH) ky = 0;
            }
          }
          if (++sf == SF) {
            sf = 0;
            nf++;
          }
        }
        out.write(o);
      }
    }
    wrow = wrow + 1 == CFG::KH ? 0 : wrow + 1;
  }
}

}  // namespace cnnhls_df

#endif
