// cnnhls SystemC model of the overlay engine: the same layer table and kernels as the HLS project,
// timed per the engine's schedule at the fabric clock.
//
// Modules, joined by sc_fifo:
//   Ddr          serves transfer requests one at a time (reads and writes share the one DDR): each
//                costs the access latency, the beats at min(AXI width, usable DDR bandwidth), and
//                a little issue time per further AXI burst.
//   OutputStage  requantize, activation and pool of a finished tile: one pixel of Tm channels per
//                cycle plus the stage's pipeline depth.
//   Engine       walks the descriptor table (conv steps in Winograd mode take 16 cycles per 2 x 2
//                outputs where the engine has it). Values come from the HLS kernels (cnnhls::run_layer),
//                so they are bit-exact by construction; timing follows the tile schedule: the next
//                input-channel step's load (the next tile's first one included) is requested
//                before the current step computes (double buffering), and a tile's first step
//                also stores the previous tile.
//
// The schedule is written independently of sim/'s Java model so the two cross-check each other
// (codegen-hls SystemCCrossCheckTest, layer by layer). The conv plan and the Winograd decision are
// cnnhls_engine.h's own conv_plan/conv_tile; the DDR and tile-traffic formulas are in
// cnnhls_sc_cost.h, compared with the Java ones by engine CppContractTest.
#ifndef CNNHLS_SC_MODEL_H
#define CNNHLS_SC_MODEL_H

#include <systemc.h>

#include <cstdint>

#include "cnnhls_config.h"
#include "cnnhls_engine.h"
#include "cnnhls_sc_cost.h"

namespace cnnhls_sc {

// Cycles of one DDR transfer of `bytes` (0 for none), with this project's DDR parameters.
inline long long ddr_cycles(long long bytes) {
  return ddr_transfer_cycles(bytes, CNNHLS_AXI_BYTES, CNNHLS_DDR_BURST_BEATS, CNNHLS_DDR_LATENCY,
                             CNNHLS_DDR_BYTES_PER_CYCLE, CNNHLS_DDR_BURST_ISSUE);
}

SC_MODULE(Ddr) {
  sc_fifo_in<long long> request;  // bytes
  sc_fifo_out<int> done;
  sc_time period;

  void serve() {
    for (;;) {
      const long long bytes = request.read();
      wait(period * (double)ddr_cycles(bytes));
      done.write(1);
    }
  }

  Ddr(sc_module_name name, sc_time clock) : sc_module(name), period(clock) { SC_THREAD(serve); }
  SC_HAS_PROCESS(Ddr);
};

SC_MODULE(OutputStage) {
  sc_fifo_in<long long> tile;  // pixels of the finished tile
  sc_fifo_out<int> done;
  sc_time period;

  void run() {
    for (;;) {
      const long long pixels = tile.read();
      wait(period * (double)(pixels + CNNHLS_OUTPUT_STAGE_DEPTH));
      done.write(1);
    }
  }

  OutputStage(sc_module_name name, sc_time clock) : sc_module(name), period(clock) { SC_THREAD(run); }
  SC_HAS_PROCESS(OutputStage);
};

SC_MODULE(Engine) {
  sc_fifo_out<long long> ddr_request;
  sc_fifo_in<int> ddr_done;
  sc_fifo_out<long long> out_tile;
  sc_fifo_in<int> out_done;

  const cnnhls::wgt_t *weights;
  const cnnhls::bias_t *bias;
  const int *quant;
  cnnhls::act_t *fmap;
  sc_time period;
  long long layer_cycles[CNNHLS_NUM_LAYERS];
  long long total_cycles;
  bool finished;

  long long now_cycles() const { return (long long)llround(sc_time_stamp() / period); }
  void cycles(long long n) { if (n > 0) wait(period * (double)n); }
  void transfer(long long bytes) {
    ddr_request.write(bytes);
    ddr_done.read();
  }
  // max(compute, transfer): the DMA runs while the MAC array computes
  void overlapped(long long compute, long long bytes) {
    ddr_request.write(bytes);
    cycles(compute);
    ddr_done.read();
  }

  // conv_layer's steps: each step computes (the tile's first also clears the accumulators, its last
  // runs the output stage) while the DMA loads the next step's tiles, the next tile's first step
  // included, and at a tile's first step also stores the previous tile.
  void conv(const cnnhls::LayerDesc &d) {
    const cnnhls::ConvPlan p = cnnhls::conv_plan(d);
    if (p.tiles == 0) return;
    const int k2 = d.k_h * d.k_w;
    transfer(conv_load_bytes(d, p, cnnhls::conv_tile(p, 0), 0));  // nothing computes yet
    long long pending_store = 0;
    for (int t = 0; t < p.tiles; t++) {
      const cnnhls::ConvTile tile = cnnhls::conv_tile(p, t);
      const long long pixels = (long long)tile.rows * tile.cols;
      // the window loop: k_h * k_w cycles per output, or in Winograd mode 16 per 2 x 2 block
      const long long window = p.wino ? 16LL * ((tile.rows + 1) / 2) * ((tile.cols + 1) / 2) + CNNHLS_WINOGRAD_DEPTH
                                      : pixels * k2;
      for (int nt = 0; nt < p.n_tiles; nt++) {
        const bool first = nt == 0, last = nt + 1 == p.n_tiles;
        long long next = 0;
        if (!last) next = conv_load_bytes(d, p, tile, nt + 1);
        else if (t + 1 < p.tiles) next = conv_load_bytes(d, p, cnnhls::conv_tile(p, t + 1), 0);
        ddr_request.write(next + (first ? pending_store : 0));
        cycles((first ? pixels : 0) + window + CNNHLS_PIPELINE_DEPTH);
        if (last) {
          out_tile.write(pixels);
          out_done.read();
        }
        ddr_done.read();
      }
      pending_store = conv_store_bytes(p, tile);
    }
    transfer(pending_store);
  }

  void gemm(const cnnhls::LayerDesc &d) {
    const long long k = d.in_c, n = d.out_c;
    transfer(k * act_bytes());
    for (long long o = 0; o < n; o += CNNHLS_TM) {
      const long long tm = n - o < CNNHLS_TM ? n - o : CNNHLS_TM;
      overlapped(tm * ((k + CNNHLS_FC_LANES - 1) / CNNHLS_FC_LANES + CNNHLS_PIPELINE_DEPTH), tm * k * wgt_bytes());
    }
    transfer(n * act_bytes());
  }

  void streaming(const cnnhls::LayerDesc &d) {
    const long long n = (long long)d.in_c * d.in_h * d.in_w;
    long long compute, bytes;
    if (d.op == cnnhls::OP_ADD || d.op == cnnhls::OP_ACT || d.op == cnnhls::OP_COPY) {
      const int lanes = CNNHLS_AXI_BYTES / act_bytes() > 0 ? CNNHLS_AXI_BYTES / act_bytes() : 1;
      compute = (n + lanes - 1) / lanes;
      bytes = n * act_bytes() * ((d.op == cnnhls::OP_ADD ? 2 : 1) + 1);
    } else {
      const bool global = d.op == cnnhls::OP_GAVGPOOL || d.op == cnnhls::OP_GMAXPOOL;
      const long long window = global ? (long long)d.in_h * d.in_w : (long long)d.k_h * d.k_w;
      compute = (long long)((d.in_c + CNNHLS_TM - 1) / CNNHLS_TM) * d.out_h * d.out_w * window;
      bytes = (n + (long long)d.out_c * d.out_h * d.out_w) * act_bytes();
    }
    overlapped(compute, bytes);
  }

  void run() {
    const long long start = now_cycles();
    for (int i = 0; i < CNNHLS_NUM_LAYERS; i++) {
      const cnnhls::LayerDesc &d = CNNHLS_LAYERS[i];
      const long long t0 = now_cycles();
      cnnhls::run_layer(d, weights, bias, quant, fmap);  // values: the HLS kernels, untimed
      cycles(CNNHLS_LAYER_OVERHEAD);
      if (d.op == cnnhls::OP_CONV) conv(d);
      else if (d.op == cnnhls::OP_GEMM) gemm(d);
      else streaming(d);
      layer_cycles[i] = now_cycles() - t0;
    }
    total_cycles = now_cycles() - start;
    finished = true;
    sc_stop();
  }

  Engine(sc_module_name name, sc_time clock, const cnnhls::wgt_t *w, const cnnhls::bias_t *b, const int *q,
         cnnhls::act_t *f)
      : sc_module(name), weights(w), bias(b), quant(q), fmap(f), period(clock), total_cycles(0), finished(false) {
    SC_THREAD(run);
  }
  SC_HAS_PROCESS(Engine);
};

}  // namespace cnnhls_sc

#endif
