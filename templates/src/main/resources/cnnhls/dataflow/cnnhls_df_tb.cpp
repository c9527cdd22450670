// cnnhls dataflow testbench (C-simulation, not synthesized): streams every golden input image
// (data/input.bin, raw values pixel by pixel, channels innermost) through cnnhls_df_top and compares
// every output value with the golden model's (data/golden.bin, same order) by integer equality.
// Prints "PASS: <images> images, <values> values bit-exact" and exits 0, or names the first
// mismatches and exits 1. With -DCNNHLS_DF_TRACE it also prints each image's loop counts.
#include <cstdio>
#include <string>
#include <vector>

#include "cnnhls_df_top.h"
#include "cnnhls_tb_io.h"

int main(int argc, char **argv) {
  const std::string dir = argc > 1 ? argv[1] : "data";
  const int in_bytes = cnnhls_tb::storage_bytes(DF_IN_W), out_bytes = cnnhls_tb::storage_bytes(DF_OUT_W);
  const std::vector<unsigned char> input =
      cnnhls_tb::read_blob(dir, "input.bin", (long long)DF_IMAGES * DF_IN_VALUES, in_bytes, "input values");
  const std::vector<unsigned char> golden =
      cnnhls_tb::read_blob(dir, "golden.bin", (long long)DF_IMAGES * DF_OUT_VALUES, out_bytes, "golden values");
  static df_in_stream in;
  static df_out_stream out;
  long long checked = 0, wrong = 0;
  for (int img = 0; img < DF_IMAGES; img++) {
    for (int i = 0; i < DF_IN_VALUES; i++) in.write(df_in_t(cnnhls_tb::value_at(input, (long long)img * DF_IN_VALUES + i, in_bytes)));
    cnnhls_df_top(in, out);
#ifdef CNNHLS_DF_TRACE
    cnnhls_df_trace::flush(img);
#endif
    for (int i = 0; i < DF_OUT_VALUES; i++) {
      if (out.empty()) {
        std::printf("FAIL: image %d: the accelerator wrote %d of %d output values\n", img, i, DF_OUT_VALUES);
        return 1;
      }
      const long long got = out.read().to_int64();
      const long long want = cnnhls_tb::value_at(golden, (long long)img * DF_OUT_VALUES + i, out_bytes);
      checked++;
      if (got != want && wrong++ < 10) std::printf("MISMATCH image %d value %d: got %lld, golden %lld\n", img, i, got, want);
    }
    if (!in.empty() || !out.empty()) {
      std::printf("FAIL: image %d: values left in the %s stream\n", img, in.empty() ? "output" : "input");
      return 1;
    }
  }
  if (wrong > 0) {
    std::printf("FAIL: %lld of %lld values differ from the golden model\n", wrong, checked);
    return 1;
  }
  std::printf("PASS: %d images, %lld values bit-exact\n", DF_IMAGES, checked);
  return 0;
}
