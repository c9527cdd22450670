// cnnhls SystemC model: the formulas its schedule charges, apart from SystemC itself so that the
// engine's Java contract test (engine CppContractTest) can compile them with plain g++ and compare
// them with engine DdrModel.transfer and TraceCycles.loop.
// Needs cnnhls_engine.h (and so the config macros) included first.
#ifndef CNNHLS_SC_COST_H
#define CNNHLS_SC_COST_H

#include <cmath>

namespace cnnhls_sc {

// Cycles of one DDR transfer of `bytes` (0 for none): the access latency, the beats at
// bytes_per_cycle = min(AXI width, usable DDR bandwidth), and issue time for each further AXI burst.
inline long long ddr_transfer_cycles(long long bytes, int axi_bytes, int burst_beats, int latency, double bytes_per_cycle,
                                     int burst_issue) {
  if (bytes <= 0) return 0;
  const long long beats = (bytes + axi_bytes - 1) / axi_bytes;
  const long long bursts = (beats + burst_beats - 1) / burst_beats;
  return latency + (long long)std::ceil(bytes / bytes_per_cycle) + (bursts - 1) * burst_issue;
}

// One pipelined loop of the kernels (UG1399): depth + ii * (trips - 1); one that moves elems > 0
// elements of a port elem_bytes wide over DDR also pays the access latency, runs no faster than
// the DDR bandwidth, and pays issue time per further burst (a beat is one element of the port).
// The loop table (ii, depth per loop) is engine TraceCycles.LOOPS / DEVELOPERS.md "Traced C-sim".
inline long long loop_cycles(int ii, int depth, int elem_bytes, long long trips, long long elems, int burst_beats,
                             int latency, double bytes_per_cycle, int burst_issue) {
  if (trips <= 0) return 0;
  const long long pipe = depth + (long long)ii * (trips - 1);
  if (elem_bytes == 0 || elems <= 0) return pipe;
  const long long bw = (long long)std::ceil(elems * (double)elem_bytes / bytes_per_cycle);
  const long long bursts = (elems + burst_beats - 1) / burst_beats;
  return latency + (pipe > bw ? pipe : bw) + (bursts - 1) * burst_issue;
}

inline int act_bytes() { return CNNHLS_ACT_W <= 8 ? 1 : 2; }
inline int wgt_bytes() { return CNNHLS_WGT_W <= 8 ? 1 : 2; }

}  // namespace cnnhls_sc

#endif
