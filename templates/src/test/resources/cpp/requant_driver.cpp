// Test driver: checks cnnhls_requant.h against cases whose expected values come from the Java golden
// model (one case per line):
//   R acc M s W expected        requantize(acc, M, s, W)           vs Requantize.apply
//   A v lo hi leaky m s W exp   activate_raw(v, lo, hi, leaky, m, s, W) vs ActivationQuant.apply
//   V n expected                avg_multiplier(n)                  vs IntKernels.avgMultiplier
// Prints "OK <cases>" and exits 0, or the first mismatch and exits 1.
#include <cstdio>

#include "cnnhls_requant.h"

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  std::FILE *f = std::fopen(argv[1], "r");
  if (!f) return 2;
  char kind;
  long long n = 0;
  while (std::fscanf(f, " %c", &kind) == 1) {
    n++;
    if (kind == 'R') {
      long long acc;
      int m, s, w, want;
      if (std::fscanf(f, "%lld %d %d %d %d", &acc, &m, &s, &w, &want) != 5) return 2;
      const int got = cnnhls::requantize(acc, m, s, w);
      if (got != want) {
        std::printf("MISMATCH case %lld: requantize(%lld, %d, %d, %d) = %d, expected %d\n", n, acc, m, s, w, got, want);
        return 1;
      }
    } else if (kind == 'A') {
      int v, lo, hi, leaky, m, s, w, want;
      if (std::fscanf(f, "%d %d %d %d %d %d %d %d", &v, &lo, &hi, &leaky, &m, &s, &w, &want) != 8) return 2;
      const int got = cnnhls::activate_raw(v, lo, hi, leaky, m, s, w);
      if (got != want) {
        std::printf("MISMATCH case %lld: activate_raw(%d, %d, %d, %d, %d, %d, %d) = %d, expected %d\n", n, v, lo, hi, leaky,
                    m, s, w, got, want);
        return 1;
      }
    } else if (kind == 'V') {
      int count, want;
      if (std::fscanf(f, "%d %d", &count, &want) != 2) return 2;
      const int got = cnnhls::avg_multiplier(count);
      if (got != want) {
        std::printf("MISMATCH case %lld: avg_multiplier(%d) = %d, expected %d\n", n, count, got, want);
        return 1;
      }
    } else {
      std::printf("bad case kind '%c'\n", kind);
      return 2;
    }
  }
  std::fclose(f);
  std::printf("OK %lld\n", n);
  return 0;
}
