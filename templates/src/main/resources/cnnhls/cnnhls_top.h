// cnnhls overlay accelerator: the top function's declaration, shared by the top and the testbench.
// Include order matters: the generated cnnhls_config.h defines the engine's macros (tile sizes,
// widths, buffer sizes) and the layer table, which cnnhls_engine.h reads.
#ifndef CNNHLS_TOP_H
#define CNNHLS_TOP_H

#include "cnnhls_desc.h"
#include "cnnhls_config.h"
#include "cnnhls_engine.h"

// Runs every layer of CNNHLS_LAYERS in order. The feature-map buffer (passed three times: as beats
// to read, as elements, as beats to write) holds the input at CNNHLS_INPUT_OFF and receives every
// layer's output at its out_off (the graph outputs at CNNHLS_OUTPUT_OFFS, in the model's order, read
// by the host after the run). weights holds
// CNNHLS_WEIGHTS_SIZE elements as CNNHLS_WEIGHTS_BEATS beats (engine WeightLayout's order).
void cnnhls_top(const cnnhls::wgt_beat_t *weights, const cnnhls::bias_t *bias, const int *quant,
                const cnnhls::act_beat_t *fmap_in, cnnhls::act_store_t *fmap, cnnhls::act_beat_t *fmap_out);

#if defined(CNNHLS_LAYER_HOOK) && !defined(__SYNTHESIS__)
// C-simulation only: with -DCNNHLS_LAYER_HOOK the top calls this (defined by the testbench) after
// each layer, so every layer can be checked before a later one might overwrite its output.
void cnnhls_layer_done(int layer, const cnnhls::act_store_t *fmap);
#endif

#endif
