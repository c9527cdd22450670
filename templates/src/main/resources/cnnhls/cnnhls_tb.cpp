// cnnhls C-simulation testbench (not synthesized). Usage: csim [data-dir]   (default "data")
//
// Reads the little-endian blobs the compiler wrote next to the project:
//   weights.bin  CNNHLS_WEIGHTS_SIZE values, int8 when CNNHLS_WGT_W <= 8, int16 when <= 16, else int32,
//                in the engine's order (conv blocks and padded FC rows: engine WeightLayout)
//   bias.bin     CNNHLS_BIAS_SIZE int64
//   quant.bin    CNNHLS_QUANT_SIZE int32 (M, s per output channel)
//   input.bin    CNNHLS_INPUT_SIZE activations (int8 / int16 / int32 by CNNHLS_ACT_W, as weights)
//   golden.bin   for every layer in table order, its out_c * out_h * out_w raw output values
//   golden_outputs.bin  the graph outputs' raw values, in the model's order (CNNHLS_OUTPUT_*)
// runs cnnhls_top on a zeroed feature-map buffer holding the input, and compares each layer whose
// CNNHLS_LAYER_CHECKED entry is 1 with its golden chunk (a COPY layer: only its own channel slice),
// then, after the last layer, every graph output's region as the host reads it.
// Exit status: 0 bit-exact ("PASS: ..."), 1 first mismatch ("MISMATCH layer ..."), 2 bad input.
// Built with -DCNNHLS_LAYER_HOOK (top and testbench alike) each layer is checked right after it
// runs, which also works when the compiler reuses feature-map regions.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cnnhls_tb_io.h"
#include "cnnhls_top.h"

namespace {

using cnnhls_tb::check_outputs;
using cnnhls_tb::fail;
using cnnhls_tb::read_blob;
using cnnhls_tb::storage_bytes;
using cnnhls_tb::value_at;
using cnnhls::act_t;
using cnnhls::bias_t;
using cnnhls::LayerDesc;
using cnnhls::act_store_t;
using cnnhls::wgt_store_t;

long long layer_size(const LayerDesc &d) { return (long long)d.out_c * d.out_h * d.out_w; }

// Conv and gemm layers: their weight, bias and requantize ranges lie inside the blobs, and every
// channel's (M, s) is inside requantize's domain.
void check_parameters(const std::vector<int> &quant) {
  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
    const LayerDesc &d = CNNHLS_LAYERS[i];
    if (d.op != cnnhls::OP_CONV && d.op != cnnhls::OP_GEMM) continue;
    const std::string where = "layer " + std::to_string(i) + " (" + CNNHLS_LAYER_NAMES[i] + ")";
    const long long n_w = cnnhls::weight_elems(d);
    const long long channels = d.op == cnnhls::OP_CONV ? d.out_c : (long long)d.out_c * d.out_h * d.out_w;
    if (d.w_off < 0 || d.w_off + n_w > (long long)CNNHLS_WEIGHTS_SIZE) fail(where + ": weights outside weights.bin");
    if (d.b_off < 0 || d.b_off + channels > (long long)CNNHLS_BIAS_SIZE) fail(where + ": bias outside bias.bin");
    if (d.q_off < 0 || 2 * (d.q_off + channels) > (long long)CNNHLS_QUANT_SIZE) {
      fail(where + ": (M, s) outside quant.bin");
    }
    for (long long c = d.q_off; c < d.q_off + channels; c++) {
      const int m = quant[(size_t)(2 * c)], s = quant[(size_t)(2 * c + 1)];
      if (m < 1 || s < cnnhls::REQ_MIN_SHIFT || s > cnnhls::REQ_MAX_SHIFT) {
        fail(where + ": channel " + std::to_string(c - d.q_off) + " has M=" + std::to_string(m) + " s=" +
             std::to_string(s) + "; requantize needs M >= 1 and s in [-30, 61]");
      }
    }
  }
}

std::vector<long long> golden;
std::vector<long long> golden_pos;  // start of each layer's chunk in `golden`
long long checked_values = 0;

// Compares layer i's output region with its golden chunk; exits on the first mismatch.
void check_layer(int i, const act_store_t *fmap) {
  if (!CNNHLS_LAYER_CHECKED[i]) return;
  const LayerDesc &d = CNNHLS_LAYERS[i];
  long long lo = 0, hi = layer_size(d);
  if (d.op == cnnhls::OP_COPY) {  // a concat slice writes only its own channels
    lo = (long long)d.concat_c_off * d.out_h * d.out_w;
    hi = lo + (long long)d.in_c * d.out_h * d.out_w;
  }
  for (long long j = lo; j < hi; j++) {
    const long long got = fmap[d.out_off + j];
    const long long want = golden[(size_t)(golden_pos[i] + j)];
    if (got != want) {
      std::printf("MISMATCH layer %d (%s) index %lld: got %lld expected %lld\n", i, CNNHLS_LAYER_NAMES[i], j, got,
                  want);
      std::exit(1);
    }
  }
  checked_values += hi - lo;
}

}  // namespace

#if defined(CNNHLS_LAYER_HOOK)
void cnnhls_layer_done(int layer, const cnnhls::act_store_t *fmap) { check_layer(layer, fmap); }
#endif

int main(int argc, char **argv) {
  const std::string dir = argc > 1 ? argv[1] : "data";
  const int wb = storage_bytes(CNNHLS_WGT_W), ab = storage_bytes(CNNHLS_ACT_W);

  // the layer table must fit the engine and the buffers
  long long golden_size = 0;
  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
    const LayerDesc &d = CNNHLS_LAYERS[i];
    const char *why = cnnhls::layer_fits(d);
    if (why) fail("layer " + std::to_string(i) + " (" + CNNHLS_LAYER_NAMES[i] + ") does not fit the engine: " + why);
    if (d.out_off < 0 || d.out_off + layer_size(d) > (long long)CNNHLS_FMAP_SIZE ||
        d.in_off < 0 || d.in_off + (long long)d.in_c * d.in_h * d.in_w > (long long)CNNHLS_FMAP_SIZE) {
      fail("layer " + std::to_string(i) + " (" + CNNHLS_LAYER_NAMES[i] + ") reaches outside the feature-map buffer");
    }
    golden_pos.push_back(golden_size);
    golden_size += layer_size(d);
  }

  const std::vector<unsigned char> wdata = read_blob(dir, "weights.bin", CNNHLS_WEIGHTS_SIZE, wb, "weights");
  const std::vector<unsigned char> bdata = read_blob(dir, "bias.bin", CNNHLS_BIAS_SIZE, 8, "bias values");
  const std::vector<unsigned char> qdata = read_blob(dir, "quant.bin", CNNHLS_QUANT_SIZE, 4, "quant words");
  const std::vector<unsigned char> idata = read_blob(dir, "input.bin", CNNHLS_INPUT_SIZE, ab, "input values");
  const std::vector<unsigned char> gdata = read_blob(dir, "golden.bin", golden_size, ab, "golden values");
  long long outputs_size = 0;
  for (int k = 0; k < CNNHLS_NUM_OUTPUTS; k++) {
    if (CNNHLS_OUTPUT_OFFS[k] < 0 || CNNHLS_OUTPUT_OFFS[k] + CNNHLS_OUTPUT_SIZES[k] > (long long)CNNHLS_FMAP_SIZE) {
      fail("output " + std::to_string(k) + " (" + CNNHLS_OUTPUT_NAMES[k] + ") reaches outside the feature-map buffer");
    }
    outputs_size += CNNHLS_OUTPUT_SIZES[k];
  }
  const std::vector<unsigned char> odata = read_blob(dir, "golden_outputs.bin", outputs_size, ab, "golden output values");

  // weights and feature maps as the AXI ports see them: whole beats of elements (the element port
  // views the same storage)
  std::vector<cnnhls::wgt_beat_t> wbeats(CNNHLS_WEIGHTS_BEATS);
  wgt_store_t *weights = reinterpret_cast<wgt_store_t *>(wbeats.data());
  for (long long i = 0; i < (long long)CNNHLS_WEIGHTS_BEATS * cnnhls::WE; i++) {
    weights[i] = i < CNNHLS_WEIGHTS_SIZE ? wgt_store_t(value_at(wdata, i, wb)) : wgt_store_t(0);
  }
  std::vector<bias_t> bias(CNNHLS_BIAS_SIZE);
  for (long long i = 0; i < CNNHLS_BIAS_SIZE; i++) bias[(size_t)i] = bias_t(value_at(bdata, i, 8));
  std::vector<int> quant(CNNHLS_QUANT_SIZE);
  for (long long i = 0; i < CNNHLS_QUANT_SIZE; i++) quant[(size_t)i] = (int)value_at(qdata, i, 4);
  check_parameters(quant);
  golden.resize((size_t)golden_size);
  for (long long i = 0; i < golden_size; i++) golden[(size_t)i] = value_at(gdata, i, ab);

  // The feature-map buffer: zeros, then the input. Built with -DCNNHLS_STANDIN_CHECK_INIT it holds a
  // poison pattern outside the input instead, so a passing run shows that no layer uses a value no
  // one wrote (whole-beat reads fetch such values at tensor edges; the engine must discard them).
  std::vector<cnnhls::act_beat_t> fbeats(CNNHLS_FMAP_BEATS);
  act_store_t *fmap = reinterpret_cast<act_store_t *>(fbeats.data());
  for (long long i = 0; i < (long long)CNNHLS_FMAP_BEATS * cnnhls::AE; i++) {
#if defined(CNNHLS_STANDIN_CHECK_INIT)
    fmap[i] = act_store_t(0x5a5a5a5a ^ (i * 2654435761LL));
#else
    fmap[i] = act_store_t(0);
#endif
  }
  for (long long i = 0; i < CNNHLS_INPUT_SIZE; i++) {
    fmap[CNNHLS_INPUT_OFF + i] = act_store_t(value_at(idata, i, ab));
  }

  cnnhls_top(wbeats.data(), bias.data(), quant.data(), fbeats.data(), fmap, fbeats.data());

#if !defined(CNNHLS_LAYER_HOOK)
  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) check_layer(i, fmap);
#endif
  const long long output_values =
      check_outputs(fmap, odata, ab, CNNHLS_NUM_OUTPUTS, CNNHLS_OUTPUT_OFFS, CNNHLS_OUTPUT_SIZES, CNNHLS_OUTPUT_NAMES);
  std::printf("PASS: %d layers, %lld values bit-exact; %d output%s, %lld values read back bit-exact\n",
              CNNHLS_NUM_LAYERS, checked_values, CNNHLS_NUM_OUTPUTS, CNNHLS_NUM_OUTPUTS == 1 ? "" : "s", output_values);
  return 0;
}
