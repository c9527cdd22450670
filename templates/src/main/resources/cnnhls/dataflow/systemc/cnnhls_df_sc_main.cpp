// cnnhls dataflow SystemC testbench. Usage: sc_sim.bin [data-dir [plan | image | d0,d1,...]]
// The FIFOs between stages get the plan's depth (DF_SC_FIFO_DEPTH, the default), a whole image
// each ("image": no stage ever waits on a full FIFO, so their largest occupancies are depths that
// reproduce this run), or the listed depths (one per FIFO, st0 .. out).
// A source streams every golden image (../hls/data/input.bin)
// into the pipeline of cnnhls_df_sc_top.h at up to one value per cycle, back to back; a sink
// takes up to one value per cycle and compares each with the golden model's (golden.bin) by
// integer equality. Prints the first image's latency (cycles from its first input value to its
// last output value), the steady-state interval (cycles between the last output values of the
// last two images), each FIFO's largest occupancy, and the Java model's figures for comparison:
//   SYSTEMC latency=<n> interval=<n> images=<n>
//   MODEL latency=<n> interval=<n>
//   FIFO <name> depth=<d> max=<m> bits=<word bits>
//   FIFOS depths=<d0,d1,..> max=<m0,m1,..> bits=<sum depth x word bits> max_bits=<sum max x word bits>
//   PASS: <images> images, <values> values bit-exact
// Exit 0 only when bit-exact, every image came out and the loop counts matched the timing table.
#include "cnnhls_df_sc_top.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cnnhls_tb_io.h"

SC_MODULE(Source) {
  sc_fifo_out<long long> out;
  const std::vector<unsigned char> *input;
  int bytes;
  std::vector<long long> first;  // cycle of each image's first value

  void run() {
    for (int img = 0; img < DF_IMAGES; img++) {
      for (int i = 0; i < DF_IN_VALUES; i++) {
        out.write(cnnhls_tb::value_at(*input, (long long)img * DF_IN_VALUES + i, bytes));
        if (i == 0) first.push_back(cnnhls_df_sc::now_cycles());
        cnnhls_df_sc::cycles(1);
      }
    }
  }
  SC_CTOR(Source) : input(nullptr), bytes(1) { SC_THREAD(run); }
};

SC_MODULE(Sink) {
  sc_fifo_in<long long> in;
  const std::vector<unsigned char> *golden;
  int bytes;
  long long checked = 0, wrong = 0;
  std::vector<long long> last;  // cycle of each image's last value

  void run() {
    for (int img = 0; img < DF_IMAGES; img++) {
      for (int i = 0; i < DF_OUT_VALUES; i++) {
        const long long got = in.read();
        const long long want = cnnhls_tb::value_at(*golden, (long long)img * DF_OUT_VALUES + i, bytes);
        checked++;
        if (got != want && wrong++ < 10) std::printf("MISMATCH image %d value %d: got %lld, golden %lld\n", img, i, got, want);
        if (i == DF_OUT_VALUES - 1) last.push_back(cnnhls_df_sc::now_cycles());
        cnnhls_df_sc::cycles(1);
      }
    }
    sc_stop();
  }
  SC_CTOR(Sink) : golden(nullptr), bytes(1) { SC_THREAD(run); }
};

int sc_main(int argc, char **argv) {
  const std::string dir = argc > 1 ? argv[1] : "../hls/data";
  const int in_bytes = cnnhls_tb::storage_bytes(DF_IN_W), out_bytes = cnnhls_tb::storage_bytes(DF_OUT_W);
  const std::vector<unsigned char> input =
      cnnhls_tb::read_blob(dir, "input.bin", (long long)DF_IMAGES * DF_IN_VALUES, in_bytes, "input values");
  const std::vector<unsigned char> golden =
      cnnhls_tb::read_blob(dir, "golden.bin", (long long)DF_IMAGES * DF_OUT_VALUES, out_bytes, "golden values");
  cnnhls_df_sc::period() = sc_time(1000.0 / DF_SC_CLOCK_MHZ, SC_NS);
  const std::string mode = argc > 2 ? argv[2] : "plan";
  const int fifos = cnnhls_df_sc::Pipeline::FIFOS;
  std::vector<int> depth(fifos, DF_SC_FIFO_DEPTH);
  if (mode == "image") {
    for (int i = 0; i < fifos; i++) depth[i] = cnnhls_df_sc::Pipeline::image_words(i);
  } else if (mode != "plan") {
    size_t pos = 0;
    for (int i = 0; i < fifos; i++) {
      const size_t end = mode.find(',', pos);
      depth[i] = std::atoi(mode.substr(pos, end == std::string::npos ? std::string::npos : end - pos).c_str());
      if (depth[i] < 1 || (end == std::string::npos) != (i == fifos - 1)) {
        std::fprintf(stderr, "ERROR: FIFO depths: want %d positive integers separated by commas (st0 .. out), got \"%s\"\n", fifos, mode.c_str());
        return 2;
      }
      pos = end + 1;
    }
  }
  cnnhls_df_sc::Pipeline p(DF_IMAGES, depth.data());
  Source src("source");
  src.input = &input;
  src.bytes = in_bytes;
  src.out(p.in);
  Sink sink("sink");
  sink.golden = &golden;
  sink.bytes = out_bytes;
  sink.in(p.out);
  sc_start();

  if ((int)sink.last.size() != DF_IMAGES) {
    std::printf("FAIL: %d of %d images came out (a deadlock?) by cycle %lld\n", (int)sink.last.size(), DF_IMAGES, cnnhls_df_sc::now_cycles());
    return 1;
  }
  const long long latency = sink.last[0] - src.first[0];
  const long long interval = DF_IMAGES > 1 ? sink.last[DF_IMAGES - 1] - sink.last[DF_IMAGES - 2] : 0;
  std::printf("SYSTEMC latency=%lld interval=%lld images=%d\n", latency, interval, DF_IMAGES);
  std::printf("MODEL latency=%lld interval=%lld\n", DF_SC_MODEL_LATENCY, DF_SC_MODEL_INTERVAL);
  std::string depths, maxes;
  long long bits = 0, max_bits = 0;
  for (int i = 0; i < fifos; i++) {
    std::printf("FIFO %s depth=%d max=%d bits=%d\n", cnnhls_df_sc::Pipeline::fifo_name(i), depth[i], p.max_occupancy(i),
                cnnhls_df_sc::Pipeline::word_bits(i));
    depths += (i ? "," : "") + std::to_string(depth[i]);
    maxes += (i ? "," : "") + std::to_string(p.max_occupancy(i));
    bits += (long long)depth[i] * cnnhls_df_sc::Pipeline::word_bits(i);
    max_bits += (long long)p.max_occupancy(i) * cnnhls_df_sc::Pipeline::word_bits(i);
  }
  std::printf("FIFOS depths=%s max=%s bits=%lld max_bits=%lld\n", depths.c_str(), maxes.c_str(), bits, max_bits);
  if (cnnhls_df_sc::errors() > 0) {
    std::printf("FAIL: %d loop counts differ from the timing table\n", cnnhls_df_sc::errors());
    return 1;
  }
  if (sink.wrong > 0) {
    std::printf("FAIL: %lld of %lld values differ from the golden model\n", sink.wrong, sink.checked);
    return 1;
  }
  std::printf("PASS: %d images, %lld values bit-exact\n", DF_IMAGES, sink.checked);
  return 0;
}
