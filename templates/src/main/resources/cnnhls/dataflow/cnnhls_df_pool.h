// cnnhls dataflow: max pool over non-overlapping KH x KW windows (stride = kernel, no padding), one
// pixel per cycle, all channels in parallel. Rows and columns past the last whole window are read
// and dropped (floor mode). Within a row, `run` holds the window's max so far across its KW
// pixels; `rows_max[ox]` the max over its earlier rows, touched once per KW pixels, so the loop
// carries no read-after-write on it from one iteration to the next: II = 1.
#ifndef CNNHLS_DF_POOL_H
#define CNNHLS_DF_POOL_H

#include "cnnhls_df_types.h"

namespace cnnhls_df {

// CFG: SID, IH, IW, C, OH, OW_PIX, KH, KW, AW.
// IN, OUT: streams of pixel<C, AW>.
template <class CFG, class IN, class OUT>
void maxpool_stage(IN &in, OUT &out) {
  static ap_int<CFG::AW> rows_max[CFG::OW_PIX][CFG::C];  // C banks of OW_PIX values
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=rows_max complete dim=2)
  pixel<CFG::C, CFG::AW> run;
  CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=run.v complete)
  int ky = 0, kx = 0, ox = 0, y = 0, x = 0;
  CNNHLS_DF_LOOP(CFG::SID, "pool", CFG::IH * CFG::IW);
  for (int i = 0; i < CFG::IH * CFG::IW; i++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_DF_STEP(CFG::SID);
    const pixel<CFG::C, CFG::AW> p = in.read();
    if (y < CFG::OH * CFG::KH && x < CFG::OW_PIX * CFG::KW) {
      for (int c = 0; c < CFG::C; c++) {
        CNNHLS_PRAGMA(HLS UNROLL)
        run.v[c] = kx == 0 || p.v[c] > run.v[c] ? p.v[c] : run.v[c];
      }
      if (kx == CFG::KW - 1) {
        pixel<CFG::C, CFG::AW> m;
        CNNHLS_PRAGMA(HLS ARRAY_PARTITION variable=m.v complete)
        for (int c = 0; c < CFG::C; c++) {
          CNNHLS_PRAGMA(HLS UNROLL)
          m.v[c] = ky == 0 || run.v[c] > rows_max[ox][c] ? run.v[c] : rows_max[ox][c];
          rows_max[ox][c] = m.v[c];
        }
        if (ky == CFG::KH - 1) out.write(m);
      }
      if (++kx == CFG::KW) {
        kx = 0;
        ox++;
      }
    }
    if (++x == CFG::IW) {
      x = 0;
      kx = 0;
      ox = 0;
      y++;
      if (++ky == CFG::KH) ky = 0;
    }
  }
}

}  // namespace cnnhls_df

#endif
