// cnnhls traced C-simulation: the recorder behind cnnhls_engine.h's CNNHLS_TRACE_* macros, included
// only with -DCNNHLS_TRACE outside synthesis (never synthesized: it uses std::map and std::string).
// Per layer it counts pipelined-loop invocations by (loop id, trip count, DDR elements) and region
// instances by their contents; cnnhls_top prints them after each layer (engine TraceCycles reads them).
#ifndef CNNHLS_TB_TRACE_H
#define CNNHLS_TB_TRACE_H

#include <cstdio>
#include <map>
#include <string>
#include <tuple>
namespace cnnhls_trace {
typedef std::tuple<std::string, long long, long long> LoopKey;           // id, trips, DDR elements
typedef std::tuple<int, std::string, long long, long long> LaneKey;      // lane, id, trips, elements
struct State {
  std::map<LoopKey, long long> loops;       // outside regions: count per key
  std::map<std::string, long long> regions; // region signature -> count
  std::string rid;
  int in_region = 0, lane = 0;
  std::map<LaneKey, long long> cur;         // the open region's loops
};
inline State &state() {
  static State s;
  return s;
}
inline void loop(const char *id, long long trips, long long elems) {
  State &s = state();
  if (s.in_region) s.cur[LaneKey(s.lane, id, trips, elems)]++;
  else s.loops[LoopKey(id, trips, elems)]++;
}
inline void region_begin(const char *rid) {
  State &s = state();
  s.in_region = 1;
  s.rid = rid;
  s.lane = 0;
  s.cur.clear();
}
inline void lane(int l) { state().lane = l; }
inline void region_end() {
  State &s = state();
  std::string sig = s.rid;
  for (const auto &e : s.cur) {
    sig += " " + std::to_string(std::get<0>(e.first)) + ":" + std::get<1>(e.first) + ":" +
           std::to_string(std::get<2>(e.first)) + ":" + std::to_string(std::get<3>(e.first)) + ":" +
           std::to_string(e.second);
  }
  s.regions[sig]++;
  s.in_region = 0;
}
inline void flush(int layer) {
  State &s = state();
  for (const auto &e : s.loops) {
    std::printf("TRACE L %d %s %lld %lld %lld\n", layer, std::get<0>(e.first).c_str(), std::get<1>(e.first),
                std::get<2>(e.first), e.second);
  }
  for (const auto &e : s.regions) std::printf("TRACE R %d %lld %s\n", layer, e.second, e.first.c_str());
  std::printf("TRACE E %d\n", layer);
  s.loops.clear();
  s.regions.clear();
}
}  // namespace cnnhls_trace
#define CNNHLS_TRACE_LOOP(id, trips) ::cnnhls_trace::loop(id, (long long)(trips), 0)
#define CNNHLS_TRACE_DDR(id, trips, elems) ::cnnhls_trace::loop(id, (long long)(trips), (long long)(elems))
#define CNNHLS_TRACE_REGION(rid) ::cnnhls_trace::region_begin(rid)
#define CNNHLS_TRACE_LANE(l) ::cnnhls_trace::lane(l)
#define CNNHLS_TRACE_REGION_END() ::cnnhls_trace::region_end()
#define CNNHLS_TRACE_LAYER(i) ::cnnhls_trace::flush(i)

#endif
