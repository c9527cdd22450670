// cnnhls testbench I/O (not synthesized): the little-endian blobs a generated project's data/
// folder holds, read by the C-simulation testbench and by the SystemC model alike.
#ifndef CNNHLS_TB_IO_H
#define CNNHLS_TB_IO_H

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace cnnhls_tb {

// Bytes one stored value of `width` bits takes: int8, int16 or int32.
inline int storage_bytes(int width) { return width <= 8 ? 1 : width <= 16 ? 2 : 4; }

[[noreturn]] inline void fail(const std::string &msg) {
  std::fprintf(stderr, "ERROR: %s\n", msg.c_str());
  std::exit(2);
}

// The whole file, checked to hold exactly `count` values of `bytes` bytes.
inline std::vector<unsigned char> read_blob(const std::string &dir, const char *name, long long count, int bytes,
                                     const char *what) {
  const std::string path = dir + "/" + name;
  std::FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) fail("cannot open " + path);
  std::vector<unsigned char> data;
  unsigned char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.insert(data.end(), buf, buf + n);
  std::fclose(f);
  const long long want = count * bytes;
  if ((long long)data.size() != want) {
    fail(path + " has " + std::to_string(data.size()) + " bytes; expected " + std::to_string(want) + " (" +
         std::to_string(count) + " " + what + " of " + std::to_string(bytes) + " bytes)");
  }
  return data;
}

// Little-endian signed value i of `bytes` bytes.
inline long long value_at(const std::vector<unsigned char> &data, long long i, int bytes) {
  unsigned long long u = 0;
  for (int b = bytes - 1; b >= 0; b--) u = (u << 8) | data[(size_t)(i * bytes + b)];
  const int shift = 64 - 8 * bytes;
  return shift == 0 ? (long long)u : (long long)(u << shift) >> shift;
}

// The host's view at the end of a run: each graph output's region of the feature-map buffer (offs,
// sizes, in the model's order) against golden_outputs.bin (the outputs' raw values, concatenated in
// that order). Prints one line per output; on the first mismatch prints it and exits 1. Returns the
// values checked.
template <typename Store>
long long check_outputs(const Store *fmap, const std::vector<unsigned char> &golden, int bytes, int count,
                        const long long *offs, const long long *sizes, const char *const *names) {
  long long pos = 0;
  for (int k = 0; k < count; k++) {
    for (long long j = 0; j < sizes[k]; j++) {
      const long long got = (long long)fmap[offs[k] + j], want = value_at(golden, pos + j, bytes);
      if (got != want) {
        std::printf("MISMATCH output %d (%s) index %lld: got %lld expected %lld\n", k, names[k], j, got, want);
        std::exit(1);
      }
    }
    std::printf("OUTPUT %d (%s): %lld values at fmap offset %lld bit-exact\n", k, names[k], sizes[k], offs[k]);
    pos += sizes[k];
  }
  return pos;
}

}  // namespace cnnhls_tb

#endif
