// cnnhls SystemC simulation: runs the timed engine model on the golden input and checks every layer
// against the golden model, then every graph output's region as the host reads it. Usage: sc_sim
// [data-dir]   (default "../hls/data")
// Prints "SYSTEMC layer <i> cycles=<n> (<name>)" per layer, then "SYSTEMC cycles=<total>"; exit 0 only
// when bit-exact.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cnnhls_sc_model.h"
#include "cnnhls_tb_io.h"

using cnnhls_tb::read_blob;
using cnnhls_tb::storage_bytes;
using cnnhls_tb::value_at;

int sc_main(int argc, char **argv) {
  const std::string dir = argc > 1 ? argv[1] : "../hls/data";
  const int ab = storage_bytes(CNNHLS_ACT_W), wb = storage_bytes(CNNHLS_WGT_W);
  std::vector<unsigned char> w = read_blob(dir, "weights.bin", CNNHLS_WEIGHTS_SIZE, wb, "weights");
  std::vector<unsigned char> b = read_blob(dir, "bias.bin", CNNHLS_BIAS_SIZE, 8, "bias values");
  std::vector<unsigned char> q = read_blob(dir, "quant.bin", CNNHLS_QUANT_SIZE, 4, "quant words");
  std::vector<unsigned char> in = read_blob(dir, "input.bin", CNNHLS_INPUT_SIZE, ab, "input values");
  long long golden_total = 0;
  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
    golden_total += (long long)CNNHLS_LAYERS[i].out_c * CNNHLS_LAYERS[i].out_h * CNNHLS_LAYERS[i].out_w;
  }
  std::vector<unsigned char> golden = read_blob(dir, "golden.bin", golden_total, ab, "golden values");
  long long outputs_total = 0;
  for (int k = 0; k < CNNHLS_NUM_OUTPUTS; k++) outputs_total += CNNHLS_OUTPUT_SIZES[k];
  std::vector<unsigned char> golden_outputs =
      read_blob(dir, "golden_outputs.bin", outputs_total, ab, "golden output values");

  // weights and feature maps as whole beats, as the engine's ports see them (cnnhls_tb.cpp)
  std::vector<cnnhls::wgt_beat_t> wbeats(CNNHLS_WEIGHTS_BEATS);
  cnnhls::wgt_store_t *weights = reinterpret_cast<cnnhls::wgt_store_t *>(wbeats.data());
  std::vector<cnnhls::bias_t> bias(CNNHLS_BIAS_SIZE);
  std::vector<int> quant(CNNHLS_QUANT_SIZE);
  std::vector<cnnhls::act_beat_t> fbeats(CNNHLS_FMAP_BEATS);
  cnnhls::act_store_t *fmap = reinterpret_cast<cnnhls::act_store_t *>(fbeats.data());
  for (long long i = 0; i < (long long)CNNHLS_WEIGHTS_BEATS * cnnhls::WE; i++) {
    weights[i] = i < CNNHLS_WEIGHTS_SIZE ? cnnhls::wgt_store_t(value_at(w, i, wb)) : cnnhls::wgt_store_t(0);
  }
  for (long long i = 0; i < CNNHLS_BIAS_SIZE; i++) bias[i] = value_at(b, i, 8);
  for (long long i = 0; i < CNNHLS_QUANT_SIZE; i++) quant[i] = (int)value_at(q, i, 4);
  for (long long i = 0; i < (long long)CNNHLS_FMAP_BEATS * cnnhls::AE; i++) fmap[i] = 0;
  for (long long i = 0; i < CNNHLS_INPUT_SIZE; i++) fmap[CNNHLS_INPUT_OFF + i] = cnnhls::act_store_t(value_at(in, i, ab));

  const sc_time period(1000.0 / CNNHLS_CLOCK_MHZ, SC_NS);
  sc_fifo<long long> ddr_req("ddr_req", 2), out_req("out_req", 1);
  sc_fifo<int> ddr_done("ddr_done", 2), out_done("out_done", 1);
  cnnhls_sc::Ddr ddr("ddr", period);
  cnnhls_sc::OutputStage stage("output_stage", period);
  cnnhls_sc::Engine engine("engine", period, wbeats.data(), bias.data(), quant.data(), fbeats.data(), fmap);
  ddr.request(ddr_req);
  ddr.done(ddr_done);
  stage.tile(out_req);
  stage.done(out_done);
  engine.ddr_request(ddr_req);
  engine.ddr_done(ddr_done);
  engine.out_tile(out_req);
  engine.out_done(out_done);
  sc_start();
  if (!engine.finished) {
    std::fprintf(stderr, "ERROR: the engine did not finish\n");
    return 2;
  }

  long long pos = 0, checked = 0;
  for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
    const cnnhls::LayerDesc &d = CNNHLS_LAYERS[i];
    const long long n = (long long)d.out_c * d.out_h * d.out_w;
    long long lo = 0, hi = n;
    if (d.op == cnnhls::OP_COPY) {
      lo = (long long)d.concat_c_off * d.out_h * d.out_w;
      hi = lo + (long long)d.in_c * d.out_h * d.out_w;
    }
    if (CNNHLS_LAYER_CHECKED[i]) {
      for (long long j = lo; j < hi; j++) {
        const long long got = (long long)fmap[d.out_off + j], want = value_at(golden, pos + j, ab);
        if (got != want) {
          std::printf("MISMATCH layer %d (%s) index %lld: got %lld expected %lld\n", i, CNNHLS_LAYER_NAMES[i], j, got, want);
          return 1;
        }
      }
      checked += hi - lo;
    }
    std::printf("SYSTEMC layer %d cycles=%lld (%s)\n", i, engine.layer_cycles[i], CNNHLS_LAYER_NAMES[i]);
    pos += n;
  }
  std::printf("SYSTEMC cycles=%lld\n", engine.total_cycles);
  const long long output_values = cnnhls_tb::check_outputs(fmap, golden_outputs, ab, CNNHLS_NUM_OUTPUTS, CNNHLS_OUTPUT_OFFS,
                                                            CNNHLS_OUTPUT_SIZES, CNNHLS_OUTPUT_NAMES);
  std::printf("PASS: %d layers, %lld values bit-exact; %d output%s, %lld values read back bit-exact\n",
              CNNHLS_NUM_LAYERS, checked, CNNHLS_NUM_OUTPUTS, CNNHLS_NUM_OUTPUTS == 1 ? "" : "s", output_values);
  return 0;
}
