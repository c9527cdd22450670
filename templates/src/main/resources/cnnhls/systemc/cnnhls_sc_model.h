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
//                with latency and bandwidth). A conv layer is walked step by step with the
//                kernels' own walk (conv_first_step / conv_next_step) and exact burst addresses:
//                each step costs the slowest of its four concurrent processes (next input and
//                weight loads, previous tile's store, this step's compute), and no less than their
//                DDR bytes at the DDR's shared rate. Gemm, element-wise (DATAFLOW chunks) and
//                pooling count their loops likewise. (Ddr and OutputStage stay wired for
//                request-level schedules; the loop-level costs above do not use them.)
//
// The schedule is written independently of sim/'s Java model (which costs conv layers class by
// class, averaging burst alignment) so the two cross-check each other (codegen-hls
// SystemCCrossCheckTest, layer by layer). The DDR formula is in cnnhls_sc_cost.h, compared with the
// Java one by engine CppContractTest.
#ifndef CNNHLS_SC_MODEL_H
#define CNNHLS_SC_MODEL_H

// the walk's short loops (mul_add, dw_adv) report their cycles to the model
#define CNNHLS_COUNT_WALK 1

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

  const cnnhls::wgt_beat_t *weights;
  const cnnhls::bias_t *bias;
  const int *quant;
  cnnhls::act_beat_t *fbeats;  // the feature-map buffer as beats (fmap_in and fmap_out)
  cnnhls::act_store_t *fmap;
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

  struct Cost {
    long long cycles, bytes;
  };

  // one input burst (read_segment): the beats holding elements [a0, a0 + n)
  static Cost in_burst(int a0, int n) {
    if (n <= 0) return Cost{0, 0};
    const long long nb = cnnhls::beats_holding(a0, n);
    return Cost{lp(1, 3, CNNHLS_AXI_BYTES, nb, nb), nb * CNNHLS_AXI_BYTES};
  }

  // conv_load_input of step s: one burst per slot (whole rows) or per slot and row
  static Cost conv_input(const cnnhls::LayerDesc &d, const cnnhls::ConvPlan &p, const cnnhls::ConvGeom &g,
                         const cnnhls::ConvStep &s) {
    Cost c{0, 0};
    const int row0 = s.iy0 < 0 ? 0 : s.iy0_w;
    int base = s.in_base, rem = s.dw_rem;
    for (int n = 0; n < CNNHLS_TN; n++) {
      if (n < s.tn) {
        if (s.full) {
          const Cost b = in_burst(base + row0, s.in_n);
          c.cycles += b.cycles;
          c.bytes += b.bytes;
        } else {
          for (int iy = s.ry0, a = base + row0 + s.cx0; iy < s.ry1; iy++, a += d.in_w) {
            const Cost b = in_burst(a, s.pitch);
            c.cycles += b.cycles;
            c.bytes += b.bytes;
          }
        }
      }
      if (!p.dw || ++rem == p.mg) {
        rem = 0;
        base += g.in_plane;
      }
    }
    return c;
  }

  // write_segment: element-port head and tail, whole beats between
  static Cost out_segment(int a0, int n) {
    if (n <= 0) return Cost{0, 0};
    int head = (cnnhls::AE - (a0 & (cnnhls::AE - 1))) & (cnnhls::AE - 1);
    if (head > n) head = n;
    const int body = (n - head) >> cnnhls::AE_LOG, tail = n - head - (body << cnnhls::AE_LOG);
    return Cost{lp(1, 3, act_bytes(), head, head) + lp(1, 3, CNNHLS_AXI_BYTES, body, body) + lp(1, 3, act_bytes(), tail, tail),
                (long long)(head + tail) * act_bytes() + (long long)body * CNNHLS_AXI_BYTES};
  }

  static Cost conv_store_cost(const cnnhls::LayerDesc &d, const cnnhls::ConvGeom &g, const cnnhls::ConvStore &t) {
    Cost c{0, 0};
    for (int m = 0, base = t.out_base; m < t.mc; m++, base += g.out_plane) {
      for (int r = 0; r < (t.out_full ? 1 : t.prows); r++) {
        const Cost s = out_segment(base + r * d.out_w, t.out_full ? t.out_n : t.pcols);
        c.cycles += s.cycles;
        c.bytes += s.bytes;
      }
    }
    return c;
  }

  // a region of concurrent processes: the slowest, and no less than their bytes at the DDR's shared rate
  static long long concurrent(long long a, long long b, long long c, long long e, long long bytes) {
    long long m = a > b ? a : b;
    if (c > m) m = c;
    if (e > m) m = e;
    const long long ddr = (long long)std::ceil(bytes / (double)CNNHLS_DDR_SHARED_BYTES_PER_CYCLE);
    return m > ddr ? m : ddr;
  }

  // conv_layer as it runs: the plan's divisions, the walk's products, the first step's loads, then
  // per step the walk to the next step and the step's four processes, and the last tile's store
  void conv(const cnnhls::LayerDesc &d) {
    const cnnhls::ConvPlan p = cnnhls::conv_plan(d);
    long long c = lp(36, 36, 0, cnnhls::CONV_PLAN_DIVISIONS, 0);
    if (p.r_tiles == 0 || p.c_tiles == 0) {
      cycles(c);
      return;
    }
    cnnhls::walk_cycles() = 0;
    const cnnhls::ConvGeom g = cnnhls::conv_geom(d, p);
    cnnhls::ConvStep s = cnnhls::conv_first_step(d, p, g);
    c += cnnhls::walk_cycles();
    const int rows_w = cnnhls::W_ROWS;
    const long long wl = p.wino ? lp(16, 16 + CNNHLS_WINOGRAD_DEPTH, CNNHLS_AXI_BYTES, rows_w, 9LL * rows_w)
                                : lp(1, 3, CNNHLS_AXI_BYTES, g.block, g.block);
    const long long wb = (p.wino ? 9LL * rows_w : (long long)g.block) * CNNHLS_AXI_BYTES;
    const Cost in0 = conv_input(d, p, g, s);
    c += concurrent(in0.cycles, wl, 0, 0, in0.bytes + wb);
    cnnhls::ConvStore prev = cnnhls::conv_store_of(s);
    for (int i = 0;; i++) {
      cnnhls::ConvStep next = s;
      cnnhls::walk_cycles() = 0;
      if (!s.end) cnnhls::conv_next_step(next, d, p, g);
      c += cnnhls::walk_cycles();
      const Cost in = s.end ? Cost{0, 0} : conv_input(d, p, g, next);
      const Cost st = s.first && i > 0 ? conv_store_cost(d, g, prev) : Cost{0, 0};
      long long comp = p.wino ? lp(16, 16 + CNNHLS_PIPELINE_DEPTH + CNNHLS_WINOGRAD_DEPTH, 0,
                                   (long long)((s.rows + 1) / 2) * ((s.cols + 1) / 2), 0)
                              : lp(1, CNNHLS_PIPELINE_DEPTH, 0, (long long)s.rows * s.cols * s.kk, 0);
      long long pb = 0;
      if (s.first) {
        comp += lp(1, 3, 8, s.mc, s.mc) + lp(1, 3, 4, 2LL * s.mc, 2LL * s.mc);
        pb = 8LL * s.mc + 8LL * s.mc;
      }
      if (s.last) comp += lp(1, CNNHLS_OUTPUT_STAGE_DEPTH, 0, (long long)s.rows * s.cols, 0);
      c += concurrent(in.cycles, s.end ? 0 : wl, st.cycles, comp, in.bytes + (s.end ? 0 : wb) + st.bytes + pb);
      if (s.last) prev = cnnhls::conv_store_of(s);
      if (s.end) {
        c += conv_store_cost(d, g, prev).cycles;
        break;
      }
      s = next;
    }
    cycles(c);
  }

  // mul_add(a, b) of the kernels: min(a, b) trips of one cycle
  static long long mul(long long a, long long b) { return lp(1, 1, 0, a < b ? a : b, 0); }

  // one pipelined loop (cnnhls_sc_cost.h loop_cycles) with this project's DDR parameters
  static long long lp(int ii, int depth, int elem_bytes, long long trips, long long elems) {
    return loop_cycles(ii, depth, elem_bytes, trips, elems, CNNHLS_DDR_BURST_BEATS, CNNHLS_DDR_LATENCY,
                       CNNHLS_DDR_BYTES_PER_CYCLE, CNNHLS_DDR_BURST_ISSUE);
  }

  // gemm_layer: its mul_add products, the input burst and its zero tail; per block of FC_NB outputs
  // the bias and (M, s) bursts, the block's weight rows as one burst of beats (one per cycle), the
  // outputs. All in sequence.
  void gemm(const cnnhls::LayerDesc &d) {
    const long long k = (long long)d.in_c * d.in_h * d.in_w, n = (long long)d.out_c * d.out_h * d.out_w;
    const int ab = act_bytes(), we = cnnhls::WE;
    const long long kb = (k + we - 1) / we;
    long long c = mul(d.in_w, d.in_h) + mul(d.in_c, (long long)d.in_w * d.in_h) + mul(d.out_w, d.out_h) +
                  mul(d.out_c, (long long)d.out_w * d.out_h) + mul(kb, CNNHLS_FC_NB);
    c += lp(1, 3, ab, k, k) + lp(1, 1, 0, kb * we - k, 0);
    for (long long o = 0; o < n; o += CNNHLS_FC_NB) {
      const long long nb = n - o < CNNHLS_FC_NB ? n - o : CNNHLS_FC_NB;
      c += lp(1, 3, 8, nb, nb) + lp(1, 3, 4, 2 * nb, 2 * nb) + lp(1, CNNHLS_PIPELINE_DEPTH, CNNHLS_AXI_BYTES, nb * kb, nb * kb) +
           lp(1, 3, ab, nb, nb);
    }
    cycles(c);
  }

  // one DATAFLOW chunk of n values: its lanes (operand reads at AE cycles per beat, compute, write),
  // the slowest plus the others' pipeline fill
  static long long ew_chunk(long long n, long long na, long long nb, bool two) {
    const long long ra = lp(cnnhls::AE, 3, CNNHLS_AXI_BYTES, na, na), rb = lp(cnnhls::AE, 3, CNNHLS_AXI_BYTES, nb, nb);
    const long long comp = lp(1, 4, 0, n, 0), wr = lp(1, 3, act_bytes(), n, n);
    const int lanes = two ? 4 : 3;
    const long long lane[4] = {ra, two ? rb : comp, two ? comp : wr, two ? wr : 0};
    const int fill[4] = {3, two ? 3 : 4, two ? 4 : 3, 3};
    int mx = 0;
    for (int i = 1; i < lanes; i++) if (lane[i] > lane[mx]) mx = i;
    long long c = lane[mx];
    for (int i = 0; i < lanes; i++) if (i != mx && lane[i] > 0) c += fill[i];
    return c;
  }

  // mul_layer (issue 14): mul_kind 0 as add_layer; 1, 2: the factor burst (beats from fmap at AE
  // cycles each, or 2C ints from quant), the plane by mul_add, then per channel its plane in chunks
  static long long mul_layer(const cnnhls::LayerDesc &d) {
    const long long plane = (long long)d.out_w * d.out_h;
    long long c = mul(d.out_w, d.out_h);
    if (d.mul_kind == 0) {
      const long long total = d.out_c * plane;
      c += mul(d.out_c, plane);
      for (long long off = 0; off < total; off += CNNHLS_EW_CHUNK) {
        const long long n = total - off < CNNHLS_EW_CHUNK ? total - off : CNNHLS_EW_CHUNK;
        c += ew_chunk(n, cnnhls::beats_holding(d.in_off + (int)off, (int)n), cnnhls::beats_holding(d.in2_off + (int)off, (int)n), true);
      }
      return c;
    }
    if (d.mul_kind == 1) {
      const long long nb = cnnhls::beats_holding(d.in2_off, d.out_c);
      c += lp(cnnhls::AE, 3, CNNHLS_AXI_BYTES, nb, nb);
    } else {
      c += lp(1, 3, 4, 2LL * d.out_c, 2LL * d.out_c);
    }
    for (int ch = 0; ch < d.out_c; ch++) {
      for (long long off = 0; off < plane; off += CNNHLS_EW_CHUNK) {
        const long long n = plane - off < CNNHLS_EW_CHUNK ? plane - off : CNNHLS_EW_CHUNK;
        c += ew_chunk(n, cnnhls::beats_holding((int)(d.in_off + ch * plane + off), (int)n), 0, false);
      }
    }
    return c;
  }

  // add_layer / unary_layer: DATAFLOW chunks of CNNHLS_EW_CHUNK (each operand read as whole beats on
  // its own bundle, AE values per beat; compute; write): the slowest process plus the others'
  // pipeline fill. pool_layer / global_pool_layer / spread_layer: one channel at a time, every loop
  // in sequence.
  void streaming(const cnnhls::LayerDesc &d) {
    const int ab = act_bytes();
    long long c = 0;
    if (d.op == cnnhls::OP_COPY && d.copy_c_stride > 1) {
      // a ChannelShuffle group: the plane, the output step, the first channel's offset, then per
      // channel its plane in chunks
      const long long plane = (long long)d.in_w * d.in_h;
      c += mul(d.in_w, d.in_h) + mul(d.copy_c_stride, plane) + mul(d.concat_c_off, plane);
      for (int ch = 0; ch < d.in_c; ch++) {
        for (long long off = 0; off < plane; off += CNNHLS_EW_CHUNK) {
          const long long n = plane - off < CNNHLS_EW_CHUNK ? plane - off : CNNHLS_EW_CHUNK;
          c += ew_chunk(n, cnnhls::beats_holding((int)(d.in_off + ch * plane + off), (int)n), 0, false);
        }
      }
    } else if (d.op == cnnhls::OP_ADD || d.op == cnnhls::OP_ACT || d.op == cnnhls::OP_COPY) {
      const bool add = d.op == cnnhls::OP_ADD;
      const long long total = add ? (long long)d.out_c * d.out_h * d.out_w : (long long)d.in_c * d.in_h * d.in_w;
      c += add ? mul(d.out_w, d.out_h) + mul(d.out_c, (long long)d.out_w * d.out_h)
               : mul(d.in_w, d.in_h) + mul(d.in_c, (long long)d.in_w * d.in_h) +
                     (d.op == cnnhls::OP_COPY ? mul(d.out_w, d.out_h) + mul(d.concat_c_off, (long long)d.out_w * d.out_h) : 0);
      // a table activation's table: act_load_table, one int64 entry per cycle on the bias port
      if (d.op == cnnhls::OP_ACT && d.act_kind != cnnhls::ACT_NONE) c += lp(1, 3, 8, d.act_tab_len, d.act_tab_len);
      for (long long off = 0; off < total; off += CNNHLS_EW_CHUNK) {
        const long long n = total - off < CNNHLS_EW_CHUNK ? total - off : CNNHLS_EW_CHUNK;
        c += ew_chunk(n, cnnhls::beats_holding(d.in_off + (int)off, (int)n),
                      add ? cnnhls::beats_holding(d.in2_off + (int)off, (int)n) : 0, add);
      }
    } else if (d.op == cnnhls::OP_SPREAD) {
      // spread_layer: per output row, the input row landing on it (one burst of beats), the row out
      c = mul(d.in_w, d.in_h);
      for (int ch = 0; ch < d.out_c; ch++) {
        int next_y = d.pad_t, iy = 0;
        for (int oy = 0; oy < d.out_h; oy++) {
          if (oy == next_y && iy < d.in_h) {
            const long long a0 = d.in_off + ((long long)ch * d.in_h + iy) * d.in_w;
            const long long nb = cnnhls::beats_holding((int)a0, d.in_w);
            c += lp(1, 3, CNNHLS_AXI_BYTES, nb, nb);
            next_y += d.s_h;
            iy++;
          }
          c += lp(1, 3, ab, d.out_w, d.out_w);
        }
      }
    } else if (d.op == cnnhls::OP_MUL) {
      c += mul_layer(d);
    } else if (d.op == cnnhls::OP_RESIZE) {
      // resize_layer (issue 14): the tables' burst, the plane by mul_add; per channel and output row
      // its two source rows (offsets from the table, one burst of beats each) and the output row
      const long long nt = 3LL * (d.out_h + d.out_w), plane = (long long)d.in_h * d.in_w;
      c += lp(1, 3, 4, nt, nt) + mul(d.in_w, d.in_h);
      for (int ch = 0; ch < d.out_c; ch++) {
        for (int oy = 0; oy < d.out_h; oy++) {
          for (int k = 0; k < 2; k++) {
            const long long a0 = d.in_off + ch * plane + quant[2 * d.q_off + 3 * oy + k];
            const long long nb = cnnhls::beats_holding((int)a0, d.in_w);
            c += lp(1, 3, CNNHLS_AXI_BYTES, nb, nb);
          }
          c += lp(1, 8, ab, d.out_w, d.out_w);
        }
      }
    } else if (d.op == cnnhls::OP_GAVGPOOL || d.op == cnnhls::OP_GMAXPOOL) {
      const long long hw = (long long)d.in_h * d.in_w;
      c = mul(d.in_w, d.in_h);
      for (int ch = 0; ch < d.in_c; ch++) {
        const long long a0 = d.in_off + (long long)ch * hw;
        const long long nb = cnnhls::beats_holding((int)a0, (int)hw);
        c += lp(1, 4, CNNHLS_AXI_BYTES, nb, nb) + lp(1, CNNHLS_OUTPUT_STAGE_DEPTH, ab, 1, 1);
      }
    } else {
      const bool avg = d.op == cnnhls::OP_AVGPOOL;
      const int dil_h = avg ? 1 : d.d_h;
      c += mul(d.in_w, d.in_h) + mul(d.in_w, d.s_h) + mul(d.in_w, dil_h) + mul(d.in_w, d.pad_t);
      if (avg) c += mul(d.k_w, d.k_h) + lp(1, 36, 0, (long long)d.k_h * d.k_w, 0);
      for (int ch = 0; ch < d.out_c; ch++) {
        for (int oy = 0; oy < d.out_h; oy++) {
          c += lp(1, 2, 0, d.out_w, 0);
          for (int ky = 0; ky < d.k_h; ky++) {
            const int iy = oy * d.s_h - d.pad_t + ky * dil_h;
            if (iy < 0 || iy >= d.in_h) continue;
            const long long a0 = d.in_off + ((long long)ch * d.in_h + iy) * d.in_w;
            const long long nb = cnnhls::beats_holding((int)a0, d.in_w);
            c += lp(1, 3, CNNHLS_AXI_BYTES, nb, nb) + (long long)d.k_w * lp(1, 3, 0, d.out_w, 0);
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
      // values: the HLS kernels, untimed (fmap_out is the same buffer as fmap_in and fmap)
      cnnhls::run_layer(d, weights, bias, quant, fbeats, fmap, fbeats);
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

  Engine(sc_module_name name, sc_time clock, const cnnhls::wgt_beat_t *w, const cnnhls::bias_t *b, const int *q,
         cnnhls::act_beat_t *fb, cnnhls::act_store_t *f)
      : sc_module(name), weights(w), bias(b), quant(q), fbeats(fb), fmap(f), period(clock), total_cycles(0),
        finished(false) {
    SC_THREAD(run);
  }
  SC_HAS_PROCESS(Engine);
};

}  // namespace cnnhls_sc

#endif
