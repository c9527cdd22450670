// cnnhls dataflow traced C-simulation: counts, per stage and loop id, how often each pipelined loop
// was entered and how many iterations it ran in all. Testbench only (std::map); never synthesized.
#ifndef CNNHLS_DF_TRACE_H
#define CNNHLS_DF_TRACE_H

#include <cstdio>
#include <map>
#include <string>
#include <utility>

namespace cnnhls_df_trace {
struct Count {
  long long entries = 0, trips = 0;
};
inline std::map<std::pair<int, std::string>, Count> &counts() {
  static std::map<std::pair<int, std::string>, Count> c;
  return c;
}
inline void loop(int stage, const char *id, long long trips) {
  Count &c = counts()[std::make_pair(stage, std::string(id))];
  c.entries++;
  c.trips += trips;
}
// One line per (stage, loop) for one image: "TRACE <image> <stage> <loop> <entries> <trips>".
inline void flush(int image) {
  for (const auto &e : counts()) {
    std::printf("TRACE %d %d %s %lld %lld\n", image, e.first.first, e.first.second.c_str(), e.second.entries, e.second.trips);
  }
  counts().clear();
}
}  // namespace cnnhls_df_trace

#endif
