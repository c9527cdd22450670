// Every signed 8-bit (a, b, x): packed_mul2 must give exactly a*x and b*x.
#include <cstdio>
#include "cnnhls_pack.h"

int main() {
  long long checked = 0;
  for (int a = -128; a < 128; a++) {
    for (int b = -128; b < 128; b++) {
      for (int x = -128; x < 128; x++) {
        ap_int<16> hi, lo;
        cnnhls::packed_mul2(ap_int<8>(a), ap_int<8>(b), ap_int<8>(x), hi, lo);
        if (hi.to_int64() != (long long)a * x || lo.to_int64() != (long long)b * x) {
          std::printf("MISMATCH a=%d b=%d x=%d: hi %lld lo %lld\n", a, b, x, (long long)hi.to_int64(), (long long)lo.to_int64());
          return 1;
        }
        checked++;
      }
    }
  }
  std::printf("OK %lld\n", checked);
  return 0;
}
