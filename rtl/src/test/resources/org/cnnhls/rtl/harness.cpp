// Verilator harness for cnnhls_mac_array: replays runs from a stimulus file written by the Java
// test (MacArrayVerilatorTest) and writes cycles and outputs back. It knows nothing about the
// arithmetic; Java is the golden model.
//
// stimulus (whitespace-separated integers):
//   TM TN ACTW WGTW ACCW OUTW MULW SHW
//   RUNS
//   per run: K N STALL LO HI SEED, then TM x (BIAS MULT SHIFT), then N*K x (TN acts, TM*TN weights)
// results: per run "run CYCLES COUNT", then COUNT lines of TM outputs
// CYCLES counts from the cycle start is high (0) to the cycle done is high. With STALL, the input
// streams raise tvalid and the output raises tready at random (tvalid held until accepted).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <vector>

#include "Vcnnhls_mac_array.h"
#include "verilated.h"

template <typename T> static bool bit(const T& s, int b) { return (s >> b) & 1; }
template <std::size_t N> static bool bit(const VlWide<N>& s, int b) { return (s.at(b / 32) >> (b % 32)) & 1; }
template <typename T> static void setBit(T& s, int b, bool v) {
  uint64_t m = uint64_t(1) << b;
  s = T(v ? (uint64_t(s) | m) : (uint64_t(s) & ~m));
}
template <std::size_t N> static void setBit(VlWide<N>& s, int b, bool v) {
  EData m = EData(1) << (b % 32);
  s.at(b / 32) = v ? (s.at(b / 32) | m) : (s.at(b / 32) & ~m);
}
// lane `lane` of W-bit lanes packed little-endian
template <typename T> static void put(T& s, int lane, int w, int64_t v) {
  for (int i = 0; i < w; i++) setBit(s, lane * w + i, (v >> (i < 63 ? i : 63)) & 1);
}
template <typename T> static int64_t get(const T& s, int lane, int w) {
  uint64_t u = 0;
  for (int i = 0; i < w; i++) u |= uint64_t(bit(s, lane * w + i)) << i;
  if (w < 64 && ((u >> (w - 1)) & 1)) u -= uint64_t(1) << w;
  return int64_t(u);
}

static uint64_t rng;
static bool coin(int percent) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return int(rng % 100) < percent;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s STIMULUS RESULTS\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  FILE* out = std::fopen(argv[2], "w");
  int tm, tn, aw, ww, accw, ow, mw, sw, runs;
  if (!(in >> tm >> tn >> aw >> ww >> accw >> ow >> mw >> sw >> runs) || !out) {
    std::fprintf(stderr, "bad stimulus header or cannot write %s\n", argv[2]);
    return 2;
  }
  VerilatedContext ctx;
  Vcnnhls_mac_array top(&ctx);
  auto edge = [&] {
    top.clock = 1;
    top.eval();
    top.clock = 0;
    top.eval();
  };
  top.clock = 0;
  top.reset = 1;
  top.start = 0;
  top.eval();
  for (int i = 0; i < 4; i++) edge();
  top.reset = 0;
  top.eval();

  for (int r = 0; r < runs; r++) {
    long long k, n, lo, hi, seed;
    int stall;
    in >> k >> n >> stall >> lo >> hi >> seed;
    rng = uint64_t(seed) * 2654435761u + 1;
    for (int m = 0; m < tm; m++) {
      long long b, mul, sh;
      in >> b >> mul >> sh;
      put(top.bias, m, accw, b);
      put(top.mult, m, mw, mul);
      put(top.shift, m, sw, sh);
    }
    long long total = k * n;
    std::vector<int64_t> act(total * tn), wgt(total * tm * tn);
    for (long long s = 0; s < total; s++) {
      for (int i = 0; i < tn; i++) in >> act[s * tn + i];
      for (int i = 0; i < tm * tn; i++) in >> wgt[s * tm * tn + i];
    }
    if (!in) {
      std::fprintf(stderr, "stimulus ends early in run %d\n", r);
      return 2;
    }
    put(top.act_lo, 0, ow, lo);
    put(top.act_hi, 0, ow, hi);
    top.k_steps = uint32_t(k);
    top.n_out = uint32_t(n);
    top.start = 1;
    std::vector<int64_t> results;
    long long sent = 0, cycle = 0, limit = 1000 + 50 * (total + 10);
    bool actValid = false, wgtValid = false;
    for (;; cycle++) {
      if (cycle > 0) top.start = 0;
      bool more = sent < total;
      actValid = more && (stall ? actValid || coin(70) : true);
      wgtValid = more && (stall ? wgtValid || coin(70) : true);
      top.s_axis_act_tvalid = actValid;
      top.s_axis_wgt_tvalid = wgtValid;
      top.m_axis_out_tready = stall ? coin(60) : 1;
      if (more) {
        for (int i = 0; i < tn; i++) put(top.s_axis_act_tdata, i, aw, act[sent * tn + i]);
        for (int i = 0; i < tm * tn; i++) put(top.s_axis_wgt_tdata, i, ww, wgt[sent * tm * tn + i]);
      }
      top.eval();
      if (cycle > 0 && top.done) break;  // at cycle 0 done may still be the previous run's
      if (cycle > limit) {
        std::fprintf(stderr, "run %d: no done after %lld cycles (%lld of %lld steps sent)\n", r, cycle, sent, total);
        return 1;
      }
      bool fire = actValid && wgtValid && top.s_axis_act_tready && top.s_axis_wgt_tready;
      if (top.m_axis_out_tvalid && top.m_axis_out_tready) {
        for (int m = 0; m < tm; m++) results.push_back(get(top.m_axis_out_tdata, m, ow));
      }
      edge();
      if (fire) {
        sent++;
        actValid = wgtValid = false;
      }
    }
    std::fprintf(out, "run %lld %zu\n", cycle, results.size() / tm);
    for (std::size_t i = 0; i < results.size(); i++) {
      std::fprintf(out, "%lld%c", (long long)results[i], (i + 1) % tm == 0 ? '\n' : ' ');
    }
  }
  std::fclose(out);
  top.final();
  return 0;
}
