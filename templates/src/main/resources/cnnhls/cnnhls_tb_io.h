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

}  // namespace cnnhls_tb

#endif
