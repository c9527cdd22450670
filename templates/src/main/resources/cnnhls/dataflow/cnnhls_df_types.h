// cnnhls dataflow: the pixel word every stream between stages carries, the stream declaration the
// top function uses, and the trace hook of the kernels' pipelined loops.
#ifndef CNNHLS_DF_TYPES_H
#define CNNHLS_DF_TYPES_H

#include "cnnhls_types.h"

namespace cnnhls_df {

// One pixel: all C channels of one (y, x) position, W-bit raw values (hls4ml's io_stream layout).
// A vector (an FC's input or output) is one pixel of its length.
template <int C, int W>
struct pixel {
  ap_int<W> v[C];
};

}  // namespace cnnhls_df

// A stream between two stages. In synthesis its depth is the STREAM pragma's (the plan's FIFO
// depth). g++ C-simulation runs the DATAFLOW processes one after the other, so a stream must then
// hold a whole image: the stand-in stream gets that depth (static: it can be large); Xilinx's C-sim
// stream grows as needed.
#if CNNHLS_VITIS
#define CNNHLS_DF_STREAM(T, name, image_words) hls::stream<T> name
#else
#define CNNHLS_DF_STREAM(T, name, image_words) static hls::stream<T, image_words> name
#endif

// Traced C-simulation (-DCNNHLS_DF_TRACE, never in synthesis): every pipelined loop reports its
// entry and trip count under its stage's index; engine DataflowStage.loops() is held to these counts.
// The SystemC model (-DCNNHLS_DF_SYSTEMC, systemc/cnnhls_df_sc.h, which declares the hooks before
// it includes the kernels) runs the kernels as timed processes: a loop's entry selects its II and
// depth from the generated table, and CNNHLS_DF_STEP starts each iteration.
#if defined(CNNHLS_DF_SYSTEMC) && !defined(__SYNTHESIS__)
#define CNNHLS_DF_LOOP(stage, id, trips) cnnhls_df_sc::loop_begin(stage, id, trips)
#define CNNHLS_DF_STEP(stage) cnnhls_df_sc::step(stage)
#elif defined(CNNHLS_DF_TRACE) && !defined(__SYNTHESIS__)
#include "cnnhls_df_trace.h"
#define CNNHLS_DF_LOOP(stage, id, trips) cnnhls_df_trace::loop(stage, id, trips)
#define CNNHLS_DF_STEP(stage)
#else
#define CNNHLS_DF_LOOP(stage, id, trips)
#define CNNHLS_DF_STEP(stage)
#endif

#endif
