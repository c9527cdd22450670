// cnnhls overlay accelerator: the synthesis top. One engine, reused layer by layer, driven by the
// descriptor table CNNHLS_LAYERS of the generated cnnhls_config.h.
//
// Interfaces: six m_axi ports in separate bundles, so that the processes that run at the same time
// never share one (the conv engine's input loader, weight loader, store and channel parameters):
//   weights   gmem_w   whole beats: conv weight blocks and fully connected rows (read)
//   bias      gmem_b   int64 per channel (read)
//   quant     gmem_q   (M, s) per channel (read)
//   fmap_in   gmem_in  the feature-map buffer as whole beats: conv input tiles, element-wise first
//                      operands (read)
//   fmap      gmem_f   the same buffer, element by element: pooling, FC inputs and outputs,
//                      element-wise results, the partial beats at the ends of conv stores (read, write)
//   fmap_out  gmem_o   the same buffer as whole beats: conv stores (write), an Add's second operand (read)
// The host passes one buffer address for fmap_in, fmap and fmap_out. Base addresses and ap_ctrl
// (start/done) are on one s_axilite slave.
#include "cnnhls_top.h"

void cnnhls_top(const cnnhls::wgt_beat_t *weights, const cnnhls::bias_t *bias, const int *quant,
                const cnnhls::act_beat_t *fmap_in, cnnhls::act_store_t *fmap, cnnhls::act_beat_t *fmap_out) {
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=weights offset=slave bundle=gmem_w depth=CNNHLS_WEIGHTS_BEATS
                max_read_burst_length=256 num_read_outstanding=8)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=bias offset=slave bundle=gmem_b depth=CNNHLS_BIAS_SIZE)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=quant offset=slave bundle=gmem_q depth=CNNHLS_QUANT_SIZE)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=fmap_in offset=slave bundle=gmem_in depth=CNNHLS_FMAP_BEATS
                max_read_burst_length=256 num_read_outstanding=8)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=fmap offset=slave bundle=gmem_f depth=CNNHLS_FMAP_SIZE
                max_read_burst_length=256 max_write_burst_length=256)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=fmap_out offset=slave bundle=gmem_o depth=CNNHLS_FMAP_BEATS
                max_read_burst_length=256 max_write_burst_length=256)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=weights bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=bias bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=quant bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=fmap_in bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=fmap bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=fmap_out bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=return bundle=control)

  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
    const cnnhls::LayerDesc d = CNNHLS_LAYERS[i];
    cnnhls::run_layer(d, weights, bias, quant, fmap_in, fmap, fmap_out);
    CNNHLS_TRACE_LAYER(i);  // -DCNNHLS_TRACE C-sim only: this layer's loop trace (nothing otherwise)
#if defined(CNNHLS_LAYER_HOOK) && !defined(__SYNTHESIS__)
    cnnhls_layer_done(i, fmap);
#endif
  }
}
