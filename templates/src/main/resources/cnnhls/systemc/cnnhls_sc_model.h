// cnnhls SystemC model of the overlay engine: the same layer table and kernels as the HLS project,
// timed per the engine's schedule at the fabric clock.
//
// Modules, joined by sc_fifo:
//   Ddr          serves transfer requests one at a time (reads and writes share the one DDR): each
//                costs the access latency, the beats at min(AXI width, usable DDR bandwidth), and
//                a little issue time per further AXI burst.
//   OutputStage  requantize, activation and pool of a finished tile: one pixel of Tm channels per
//                cycle plus the stage's pipeline depth.
//   Engine       walks the descriptor table. Values come from the HLS kernels (cnnhls::run_layer),
//                so they are bit-exact by construction; timing follows the kernels' loops as HLS
//                builds them (loop_cycles in cnnhls_sc_cost.h: depth + II (trips - 1), DDR bursts
//                with latency and bandwidth): conv steps add the load region (input and weight
//                loads in parallel), the store, init, window loops and output stage; gemm,
//                element-wise (DATAFLOW chunks) and pooling count their loops likewise. (Ddr and
//                OutputStage remain wired for schedules that overlap; today's kernels do not.)
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

  // conv_layer's steps, in the order the kernel runs them and, as HLS builds that code, one after the
  // other: the load region of the next step (conv_load_input and conv_load_weights in parallel: the
  // longer), at a tile's first step the previous tile's store, the channel parameters and the
  // accumulator init, then the window loops and at a tile's last step the output stage.
  long long conv_load(const cnnhls::LayerDesc &d, const cnnhls::ConvPlan &p, const cnnhls::ConvTile &t, int nt) {
    const int ab = act_bytes(), wb = wgt_bytes();
    const int in_rows = (t.rows - 1) * d.s_h + (d.k_h - 1) * d.d_h + 1;
    const int in_cols = (t.cols - 1) * d.s_w + (d.k_w - 1) * d.d_w + 1;
    const int iy0 = t.r0 * d.s_h - d.pad_t;
    long long input = 0, weights = 0;
    for (int n = 0; n < CNNHLS_TN; n++) {
      const bool ok = p.dw ? n < t.mc : nt * CNNHLS_TN + n < p.cg;
      for (int i = 0; i < in_rows; i++) {
        const bool row = ok && iy0 + i >= 0 && iy0 + i < d.in_h;
        input += lp(1, 3, ab, in_cols, row ? in_cols : 0);
      }
    }
    if (p.wino) {
      const int tn = cnnhls::min_int(CNNHLS_TN, p.cg - nt * CNNHLS_TN);
      for (int m = 0; m < CNNHLS_TM; m++) weights += lp(9, 12, wb, CNNHLS_TN, m < t.mc ? 9LL * tn : 0);
    } else {
      const int kk = d.k_h * d.k_w;
      for (int m = 0; m < CNNHLS_TM; m++) {
        for (int n = 0; n < CNNHLS_TN; n++) {
          const bool ok = m < t.mc && (p.dw ? m == n : nt * CNNHLS_TN + n < p.cg);
          weights += lp(1, 3, wb, kk, ok ? kk : 0);
        }
      }
    }
    return input > weights ? input : weights;
  }

  long long conv_store_cycles(const cnnhls::ConvPlan &p, const cnnhls::ConvTile &t) {
    const int prows = cnnhls::ceil_div(t.rows, p.pk_h), pcols = cnnhls::ceil_div(t.cols, p.pk_w);
    return (long long)t.mc * prows * lp(1, 3, act_bytes(), pcols, pcols);
  }

  void conv(const cnnhls::LayerDesc &d) {
    const cnnhls::ConvPlan p = cnnhls::conv_plan(d);
    if (p.tiles == 0) return;
    const int k2 = d.k_h * d.k_w;
    cycles(conv_load(d, p, cnnhls::conv_tile(p, 0), 0));
    for (int t = 0; t < p.tiles; t++) {
      const cnnhls::ConvTile tile = cnnhls::conv_tile(p, t);
      for (int nt = 0; nt < p.n_tiles; nt++) {
        const bool first = nt == 0, last = nt + 1 == p.n_tiles;
        long long c = 0;
        if (!last) c += conv_load(d, p, tile, nt + 1);
        else if (t + 1 < p.tiles) c += conv_load(d, p, cnnhls::conv_tile(p, t + 1), 0);
        if (first) {
          if (t > 0) c += conv_store_cycles(p, cnnhls::conv_tile(p, t - 1));
          c += lp(2, 3, 8, CNNHLS_TM, tile.mc) + (long long)tile.rows * lp(1, 2, 0, tile.cols, 0);
        }
        if (p.wino) c += (long long)((tile.rows + 1) / 2) * lp(16, CNNHLS_PIPELINE_DEPTH + CNNHLS_WINOGRAD_DEPTH, 0, (tile.cols + 1) / 2, 0);
        else c += (long long)k2 * tile.rows * lp(1, CNNHLS_PIPELINE_DEPTH, 0, tile.cols, 0);
        if (last) c += (long long)tile.rows * lp(1, CNNHLS_OUTPUT_STAGE_DEPTH, 0, tile.cols, 0);
        cycles(c);
      }
    }
    cycles(conv_store_cycles(p, cnnhls::conv_tile(p, p.tiles - 1)));
  }

  // one pipelined loop (cnnhls_sc_cost.h loop_cycles) with this project's DDR parameters
  static long long lp(int ii, int depth, int elem_bytes, long long trips, long long elems) {
    return loop_cycles(ii, depth, elem_bytes, trips, elems, CNNHLS_DDR_BURST_BEATS, CNNHLS_DDR_LATENCY,
                       CNNHLS_DDR_BYTES_PER_CYCLE, CNNHLS_DDR_BURST_ISSUE);
  }

  // gemm_layer: input burst; trans_b = 1: per output bias, row (FC_LANES reads of the one weight port
  // per iteration), (M, s), write; trans_b = 0: per FC_NB block bias burst, one row segment per input,
  // outputs (two quant reads each). All in sequence.
  void gemm(const cnnhls::LayerDesc &d) {
    const long long k = (long long)d.in_c * d.in_h * d.in_w, n = (long long)d.out_c * d.out_h * d.out_w;
    const int ab = act_bytes(), wb = wgt_bytes(), lanes = CNNHLS_FC_LANES;
    long long c = lp(1, 3, ab, k, k);
    if (d.trans_b) {
      for (long long o = 0; o < n; o++) {
        c += lp(1, 1, 8, 1, 1) + lp(lanes, CNNHLS_PIPELINE_DEPTH, wb, (k + lanes - 1) / lanes, k) + lp(1, 2, 4, 1, 2) +
             lp(1, CNNHLS_OUTPUT_STAGE_DEPTH, ab, 1, 1);
      }
    } else {
      for (long long o = 0; o < n; o += CNNHLS_FC_NB) {
        const long long nb = n - o < CNNHLS_FC_NB ? n - o : CNNHLS_FC_NB;
        c += lp(1, 3, 8, nb, nb) + k * lp(lanes, CNNHLS_PIPELINE_DEPTH, wb, (nb + lanes - 1) / lanes, nb) +
             lp(2, CNNHLS_OUTPUT_STAGE_DEPTH + 3, ab, nb, nb);
      }
    }
    cycles(c);
  }

  // add_layer / unary_layer: DATAFLOW chunks of CNNHLS_EW_CHUNK (reads on one port, compute, write):
  // the slowest process plus the others' pipeline fill. pool_layer / global_pool_layer: one channel
  // at a time, every loop in sequence.
  void streaming(const cnnhls::LayerDesc &d) {
    const int ab = act_bytes();
    long long c = 0;
    if (d.op == cnnhls::OP_ADD || d.op == cnnhls::OP_ACT || d.op == cnnhls::OP_COPY) {
      const bool add = d.op == cnnhls::OP_ADD;
      const long long total = add ? (long long)d.out_c * d.out_h * d.out_w : (long long)d.in_c * d.in_h * d.in_w;
      for (long long off = 0; off < total; off += CNNHLS_EW_CHUNK) {
        const long long n = total - off < CNNHLS_EW_CHUNK ? total - off : CNNHLS_EW_CHUNK;
        const long long lane[3] = {(add ? 2 : 1) * lp(1, 3, ab, n, n), lp(1, 4, 0, n, 0), lp(1, 3, ab, n, n)};
        const int fill[3] = {3, 4, 3};
        int mx = 0;
        for (int i = 1; i < 3; i++) if (lane[i] > lane[mx]) mx = i;
        c += lane[mx];
        for (int i = 0; i < 3; i++) if (i != mx && lane[i] > 0) c += fill[i];
      }
    } else if (d.op == cnnhls::OP_GAVGPOOL || d.op == cnnhls::OP_GMAXPOOL) {
      const long long hw = (long long)d.in_h * d.in_w;
      c = (long long)d.in_c * (lp(1, 1, ab, 1, 1) + lp(1, 3, ab, hw, hw) + lp(1, CNNHLS_OUTPUT_STAGE_DEPTH, ab, 1, 1));
    } else {
      const bool avg = d.op == cnnhls::OP_AVGPOOL;
      const int dil_h = avg ? 1 : d.d_h;
      if (avg) c += lp(1, 36, 0, (long long)d.k_h * d.k_w, 0);
      for (int ch = 0; ch < d.out_c; ch++) {
        for (int oy = 0; oy < d.out_h; oy++) {
          c += lp(1, 2, 0, d.out_w, 0);
          for (int ky = 0; ky < d.k_h; ky++) {
            const int iy = oy * d.s_h - d.pad_t + ky * dil_h;
            if (iy < 0 || iy >= d.in_h) continue;
            c += lp(1, 3, ab, d.in_w, d.in_w) + (long long)d.k_w * lp(1, 3, 0, d.out_w, 0);
          }
          c += lp(1, CNNHLS_OUTPUT_STAGE_DEPTH, ab, d.out_w, d.out_w);
        }
      }
    }
    cycles(c);
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
