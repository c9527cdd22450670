// cnnhls dataflow: the AXI-Stream adapters. The accelerator's input and output are streams of
// single raw values, pixel by pixel with channels innermost (an NCHW tensor sent as (y, x, c));
// inside, every stream word is a whole pixel.
#ifndef CNNHLS_DF_IO_H
#define CNNHLS_DF_IO_H

#include "cnnhls_df_types.h"

namespace cnnhls_df {

// CFG: SID, PIXELS, C, W.
// IN, OUT: hls::stream types (the stand-ins carry their C-sim depth in the type).
template <class CFG, class IN, class OUT>
void input_adapter(IN &in, OUT &out) {
  pixel<CFG::C, CFG::W> p;
  int c = 0;
  CNNHLS_DF_LOOP(CFG::SID, "in", CFG::PIXELS * CFG::C);
  for (int i = 0; i < CFG::PIXELS * CFG::C; i++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_DF_STEP(CFG::SID);
    p.v[c] = in.read();
    if (c == CFG::C - 1) {
      out.write(p);
      c = 0;
    } else {
      c++;
    }
  }
}

template <class CFG, class IN, class OUT>
void output_adapter(IN &in, OUT &out) {
  pixel<CFG::C, CFG::W> p;
  int c = 0;
  CNNHLS_DF_LOOP(CFG::SID, "out", CFG::PIXELS * CFG::C);
  for (int i = 0; i < CFG::PIXELS * CFG::C; i++) {
    CNNHLS_PRAGMA(HLS PIPELINE II=1)
    CNNHLS_DF_STEP(CFG::SID);
    if (c == 0) p = in.read();
    out.write(p.v[c]);
    c = c == CFG::C - 1 ? 0 : c + 1;
  }
}

}  // namespace cnnhls_df

#endif
