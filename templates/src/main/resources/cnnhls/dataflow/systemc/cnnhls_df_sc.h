// cnnhls SystemC model of a dataflow accelerator: every stage is the HLS kernel itself
// (cnnhls_df_*.h, so values are the C-sim's, bit-exact by construction) run as an SC_THREAD,
// joined by sc_fifo of pixel words with the plan's FIFO depth. Timing comes from the generated
// table cnnhls_df_sc_timing.h (engine DataflowStage.loops(): per stage and loop id its entries,
// trips, II and depth), through the kernels' hooks (cnnhls_df_types.h):
//   - a loop's entry (CNNHLS_DF_LOOP) picks its row of the table; the previous loop of the stage
//     drains first (HLS runs a process's loops one after the other);
//   - every iteration after the first starts II cycles after the one before (CNNHLS_DF_STEP), and
//     the last one takes the depth: a loop costs depth + II (trips - 1), the table's cycles (the
//     stage waits them out at its next FIFO access, which is when another process can tell);
//   - reads happen at an iteration's start and block on an empty FIFO (the whole stage waits: a
//     stall); writes leave the pipeline depth - 1 cycles later, through an in-flight queue of
//     depth / II iterations (a full output FIFO stalls the stage once its pipeline is full).
// Each image's loop entries and trips are checked against the table (the model is the code's).
// A sc_fifo write is visible to the reader in the same cycle (no FIFO latency is modeled).
#ifndef CNNHLS_DF_SC_H
#define CNNHLS_DF_SC_H

#include <systemc.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <ostream>
#include <string>

#include "cnnhls_df_sc_timing.h"
#include "cnnhls_df_types.h"

namespace cnnhls_df_sc {

inline sc_time &period() {
  static sc_time p;
  return p;
}

inline long long now_cycles() { return (long long)(sc_time_stamp() / period() + 0.5); }

inline void cycles(long long n) {
  if (n > 0) wait(period() * (double)n);
}

// Per stage: the loop it is in, the iteration count, and this image's entries and trips per loop.
struct StageClock {
  int loop = -1;
  long long iter = 0, owed = 0;  // cycles not yet waited: spent at the next read or write (nothing else sees them)
  long long entries[DF_SC_NUM_LOOPS] = {}, trips[DF_SC_NUM_LOOPS] = {};
};

inline StageClock *clocks() {
  static StageClock c[DF_SC_STAGES];
  return c;
}

inline int &errors() {
  static int e = 0;
  return e;
}

// the last iteration's depth (an iteration starts at the last step hook; it takes II until the next)
inline void drain(int stage) {
  StageClock &c = clocks()[stage];
  if (c.loop >= 0 && c.iter > 0) c.owed += DF_SC_LOOPS[c.loop].depth;
  c.loop = -1;
}

// waits the stage's owed cycles: before it touches a FIFO, so that happens at its modeled cycle
inline void sync(int stage) {
  StageClock &c = clocks()[stage];
  cycles(c.owed);
  c.owed = 0;
}

inline void loop_begin(int stage, const char *id, long long trips) {
  drain(stage);
  StageClock &c = clocks()[stage];
  for (int i = 0; i < DF_SC_NUM_LOOPS; i++) {
    if (DF_SC_LOOPS[i].stage == stage && std::strcmp(DF_SC_LOOPS[i].id, id) == 0) {
      c.loop = i;
      c.iter = 0;
      c.entries[i]++;
      c.trips[i] += trips;
      return;
    }
  }
  std::printf("ERROR: stage %d runs loop %s, which the timing table lacks\n", stage, id);
  errors()++;
}

inline void step(int stage) {
  StageClock &c = clocks()[stage];
  if (c.loop < 0) return;
  if (c.iter++ > 0) c.owed += DF_SC_LOOPS[c.loop].ii;
}

// After an image: drain the last loop and compare its loops' entries and trips with the table.
inline void end_image(int stage, int image) {
  drain(stage);
  sync(stage);
  StageClock &c = clocks()[stage];
  for (int i = 0; i < DF_SC_NUM_LOOPS; i++) {
    if (DF_SC_LOOPS[i].stage != stage) continue;
    if (c.entries[i] != DF_SC_LOOPS[i].entries || c.trips[i] != DF_SC_LOOPS[i].trips) {
      std::printf("ERROR: image %d stage %d loop %s: %lld entries, %lld trips; the timing table has %lld, %lld\n", image, stage,
                  DF_SC_LOOPS[i].id, c.entries[i], c.trips[i], DF_SC_LOOPS[i].entries, DF_SC_LOOPS[i].trips);
      errors()++;
    }
    c.entries[i] = c.trips[i] = 0;
  }
}

// the depth of the stage's current loop (1 outside a loop)
inline int current_depth(int stage) {
  const int l = clocks()[stage].loop;
  return l < 0 ? 1 : DF_SC_LOOPS[l].depth;
}

inline int current_ii(int stage) {
  const int l = clocks()[stage].loop;
  return l < 0 ? 1 : DF_SC_LOOPS[l].ii;
}

// A word on its way through a stage's pipeline: written to the output FIFO at cycle `due`.
template <class T>
struct InFlight {
  T word;
  long long due;
};

template <class T>
std::ostream &operator<<(std::ostream &o, const InFlight<T> &w) {
  return o << "word due at " << w.due;
}

// The kernels' stream ports: read() from the input FIFO, write() into the stage's in-flight queue.
template <class T>
struct InPort {
  int stage;
  sc_fifo<T> *fifo;
  T read() {
    sync(stage);
    return fifo->read();
  }
};

template <class T>
struct OutPort {
  int stage;
  sc_fifo<InFlight<T> > *pipe;
  void write(const T &w) {
    sync(stage);
    InFlight<T> f;
    f.word = w;
    f.due = now_cycles() + current_depth(stage) - 1;
    pipe->write(f);
  }
};

// One stage: `body` runs the kernel on one image (reading `in`, writing `out`); `images` times.
// A second thread retires the in-flight words into the output FIFO at their cycle and records the
// FIFO's largest occupancy.
template <class TI, class TO>
struct Stage : sc_module {
  typedef std::function<void(InPort<TI> &, OutPort<TO> &)> Body;
  sc_fifo<TI> &in;
  sc_fifo<TO> &out;
  sc_fifo<InFlight<TO> > pipe;
  const int sid, images;
  Body body;
  int max_occupancy = 0;

  SC_HAS_PROCESS(Stage);
  Stage(sc_module_name name, int stage, int images_, sc_fifo<TI> &in_, sc_fifo<TO> &out_, Body body_)
      : sc_module(name), in(in_), out(out_), pipe("pipe", in_flight(stage)), sid(stage), images(images_), body(body_) {
    SC_THREAD(run);
    SC_THREAD(retire);
  }

  // iterations a stage's pipeline holds at once: its deepest loop's depth / II
  static int in_flight(int stage) {
    int n = 1;
    for (int i = 0; i < DF_SC_NUM_LOOPS; i++) {
      if (DF_SC_LOOPS[i].stage == stage) {
        const int k = (DF_SC_LOOPS[i].depth + DF_SC_LOOPS[i].ii - 1) / DF_SC_LOOPS[i].ii;
        if (k > n) n = k;
      }
    }
    return n;
  }

  void run() {
    InPort<TI> i{sid, &in};
    OutPort<TO> o{sid, &pipe};
    for (int img = 0; img < images; img++) {
      body(i, o);
      end_image(sid, img);
    }
  }

  void retire() {
    for (;;) {
      const InFlight<TO> f = pipe.read();
      const long long now = now_cycles();
      if (f.due > now) cycles(f.due - now);
      out.write(f.word);
      const int occ = out.num_available() + 1;  // the reader sees this word after the update phase
      if (occ > max_occupancy) max_occupancy = occ;
    }
  }
};

}  // namespace cnnhls_df_sc

namespace cnnhls_df {
// sc_fifo prints its contents on request: a pixel word by its first value
template <int C, int W>
std::ostream &operator<<(std::ostream &o, const pixel<C, W> &p) {
  return o << "pixel(" << p.v[0].to_int64() << ", ...)";
}
}  // namespace cnnhls_df

#endif
