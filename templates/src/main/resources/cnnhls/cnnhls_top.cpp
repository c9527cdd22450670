// cnnhls overlay accelerator: the synthesis top. One engine, reused layer by layer, driven by the
// descriptor table CNNHLS_LAYERS of the generated cnnhls_config.h.
//
// Interfaces: four m_axi masters in separate bundles (weights, bias, requantize parameters,
// feature maps), each with its own AXI port so parameter streams never wait for feature-map
// traffic; their base addresses and ap_ctrl (start/done) on one s_axilite slave.
#include "cnnhls_top.h"

void cnnhls_top(const cnnhls::wgt_t *weights, const cnnhls::bias_t *bias, const int *quant, cnnhls::act_t *fmap) {
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=weights offset=slave bundle=gmem_w depth=CNNHLS_WEIGHTS_SIZE
                max_read_burst_length=256 num_read_outstanding=8)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=bias offset=slave bundle=gmem_b depth=CNNHLS_BIAS_SIZE)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=quant offset=slave bundle=gmem_q depth=CNNHLS_QUANT_SIZE)
  CNNHLS_PRAGMA(HLS INTERFACE m_axi port=fmap offset=slave bundle=gmem_f depth=CNNHLS_FMAP_SIZE
                max_read_burst_length=256 max_write_burst_length=256)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=weights bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=bias bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=quant bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=fmap bundle=control)
  CNNHLS_PRAGMA(HLS INTERFACE s_axilite port=return bundle=control)

  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
    const cnnhls::LayerDesc d = CNNHLS_LAYERS[i];
    cnnhls::run_layer(d, weights, bias, quant, fmap);
    CNNHLS_TRACE_LAYER(i);  // -DCNNHLS_TRACE C-sim only: this layer's loop trace (nothing otherwise)
#if defined(CNNHLS_LAYER_HOOK) && !defined(__SYNTHESIS__)
    cnnhls_layer_done(i, fmap);
#endif
  }
}
