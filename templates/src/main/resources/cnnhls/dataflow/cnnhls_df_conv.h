// cnnhls dataflow: convolution by line buffer and sliding window, folded as FINN's MVAU: PE output
// channels and SIMD window elements per cycle, in one flattened pipelined loop per image (the
// pipeline fills once per image, not once per output pixel).
//
// Every pixel of the padded input (raster order) takes CB = CIN / CS steps, or NF x SF steps when
// it completes a window (NF = COUT / PE, SF = KH (KW / MC) CB). Steps 0 .. CB-1 store the pixel,
// CS channels per step, into row py % KH of the KH-row line buffer (the stream is read at step 0,
// only inside the image; the padding stores zeros). A window pixel's steps are its MAC
// iterations: PE x SIMD products each, SIMD = MC adjacent taps of one window row x CS channels,
// summed into PE accumulators that start at the bias; the last SF step of an output fold
// requantizes its PE lanes (cnnhls_df_requant.h) and the pixel's last step writes the output pixel.
// The current pixel's own tap is read at a step no earlier than the one that stored it.
// Weights are w[nf * SF + sf][pe][mc * CS + s] for output channel nf * PE + pe, window row ky, tap
// kx = kg * MC + mc and input channel cb * CS + s, where sf = (ky * (KW / MC) + kg) * CB + cb. The
// line buffer has CS banks by channel times MC by column (cyclic), the ROM PE x SIMD (the top
// function partitions it), so each step reads one word of each: II = 1.
#ifndef CNNHLS_DF_CONV_H
#define CNNHLS_DF_CONV_H

#include "cnnhls_df_requant.h"
#include "cnnhls_df_types.h"

namespace cnnhls_df {

// CFG: SID, IH, IW, CIN, OH, OW_PIX, COUT, KH, KW, SH, SW, PT, PL, PH, PW, PE, SIMD, CS, MC, CB, NF,
// SF, AW, WW, OW, ACC_W, MW, and output_lane's parameters; w_t is the weights' storage type.
// IN, OUT: streams of pixel<CIN, AW> and pixel<COUT, OW> (the stand-ins carry their C-sim depth in the type).
template <class CFG, class IN, class OUT>
void conv_stage(IN &in, OUT &out, const typename CFG::w_t w[CFG::NF * CFG::SF][CFG::PE][CFG::SIMD],
                const ap_int<CFG::ACC_W> bias[CFG::COUT], const ap_uint<CFG::MW> mult[CFG::COUT], const ap_int<8> shift[CFG::COUT]) {
  const int CB = CFG::CB, CS = CFG::CS, MC = CFG::MC, NF = CFG::NF, SF = CFG::SF, PE = CFG::PE;
  const int WINDOWS = CFG::OH * CFG::OW_PIX, PADDED = CFG::PH * CFG::PW;
  const long long STEPS = (long long)WINDOWS * NF * SF + (long long)(PADDED - WINDOWS) * CB;
  static ap_int<CFG::AW> line[CFG::KH][CFG::PW][CFG::CB][CFG::CS];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=line complete dim=4)
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=line cyclic factor=CFG::MC dim=2)
  pixel<CFG::CIN, CFG::AW> p;
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=p.v complete)
  pixel<CFG::COUT, CFG::OW> o;
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=o.v complete)
  ap_int<CFG::ACC_W> acc[CFG::PE];
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=acc complete)
  int py = 0, px = 0, wrow = 0, step = 0;    // the pixel, its line-buffer row (py % KH), its step
  int ky = 0, kg = 0, cb = 0, sf = 0, nf = 0;  // the MAC iteration of a window pixel
  CNNHLS_DF_LOOP(CFG::SID, "cv", STEPS);
  for (long long t = 0; t < STEPS; t++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_DF_STEP(CFG::SID);
    const bool inside = py >= CFG::PT && py < CFG::PT + CFG::IH && px >= CFG::PL && px < CFG::PL + CFG::IW;
    const int oy = py - (CFG::KH - 1), ox = px - (CFG::KW - 1);
    const bool window = oy >= 0 && ox >= 0 && oy % CFG::SH == 0 && ox % CFG::SW == 0;
    if (step == 0 && inside) p = in.read();
    if (step < CB) {
      for (int s = 0; s < CS; s++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        line[wrow][px][step][s] = inside ? p.v[step * CS + s] : ap_int<CFG::AW>(0);
      }
    }
    if (window) {
      const int r0 = wrow + 1 == CFG::KH ? 0 : wrow + 1;  // the row of padded row py - KH + 1
      const int r = r0 + ky >= CFG::KH ? r0 + ky - CFG::KH : r0 + ky;
      for (int pe = 0; pe < PE; pe++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        ap_int<CFG::ACC_W> a = sf == 0 ? bias[nf * PE + pe] : acc[pe];
        for (int mc = 0; mc < MC; mc++) {
          CNNHLS_PRAGMA(HLS UNROLL)
          for (int s = 0; s < CS; s++) {
            CNNHLS_PRAGMA(HLS UNROLL)
            const ap_int<CFG::WW> wv = w[nf * SF + sf][pe][mc * CS + s];
            const ap_int<CFG::AW + CFG::WW> prod = wv * line[r][ox + kg * MC + mc][cb][s];
            a += prod;
          }
        }
        acc[pe] = a;
        if (sf == SF - 1) o.v[nf * PE + pe] = output_lane<CFG>(a, mult[nf * PE + pe], shift[nf * PE + pe]);
      }
      if (++cb == CB) {
        cb = 0;
        if (++kg == CFG::KW / MC) {
          kg = 0;
          if (++ky == CFG::KH) ky = 0;
        }
      }
      if (++sf == SF) {
        sf = 0;
        nf++;
      }
    }
    if (step == (window ? NF * SF : CB) - 1) {
      if (window) out.write(o);
      step = 0;
      nf = 0;
      if (++px == CFG::PW) {
        px = 0;
        py++;
        wrow = wrow + 1 == CFG::KH ? 0 : wrow + 1;
      }
    } else {
      step++;
    }
  }
}

}  // namespace cnnhls_df

#endif
