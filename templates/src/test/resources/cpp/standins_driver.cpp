// Test driver for the ap_int / ap_uint / ap_fixed / hls::stream stand-ins (compiled with
// -DCNNHLS_STANDALONE). First a fixed set of checks, then, if a case file is given, one case per line
// with the expected value computed in Java:
//   S W value expected     ap_int<W>(value).to_int64()
//   U W value expected     ap_uint<W>(value).to_uint64()   (value and expected as unsigned decimal)
//   F fmt bits expected    ap_fixed<W, I, AP_RND, AP_SAT>(double with IEEE bits `bits`, hex).raw()
// Prints "OK <checks>" and exits 0, or the first failure and exits 1.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cnnhls_types.h"

static long long checks = 0;

#define CHECK(cond)                                                       \
  do {                                                                    \
    checks++;                                                             \
    if (!(cond)) {                                                        \
      std::printf("FAILED line %d: %s\n", __LINE__, #cond);               \
      std::exit(1);                                                       \
    }                                                                     \
  } while (0)

template <int W>
long long wrap_s(long long v) {
  return ap_int<W>(v).to_int64();
}

template <int W>
unsigned long long wrap_u(unsigned long long v) {
  return ap_uint<W>(v).to_uint64();
}

#define WIDTHS(X) X(1) X(2) X(3) X(4) X(5) X(7) X(8) X(9) X(12) X(15) X(16) X(17) X(24) X(31) X(32) X(33) X(40) X(48) X(63) X(64)

static long long dispatch_s(int w, long long v) {
  switch (w) {
#define CASE_S(N) \
  case N: return wrap_s<N>(v);
    WIDTHS(CASE_S)
  }
  std::printf("width %d not instantiated\n", w);
  std::exit(2);
}

static unsigned long long dispatch_u(int w, unsigned long long v) {
  switch (w) {
#define CASE_U(N) \
  case N: return wrap_u<N>(v);
    WIDTHS(CASE_U)
  }
  std::printf("width %d not instantiated\n", w);
  std::exit(2);
}

// Formats of the F cases, by index (W, I); the Java side uses the same table.
#define FORMATS(X) X(0, 16, 2) X(1, 8, 3) X(2, 16, -2) X(3, 12, 14) X(4, 32, 8) X(5, 4, 4) X(6, 24, 30) X(7, 53, 32) X(8, 2, 1)

static long long dispatch_f(int fmt, double x) {
  switch (fmt) {
#define CASE_F(IDX, W, I) \
  case IDX: return ap_fixed<W, I, AP_RND, AP_SAT>(x).raw();
    FORMATS(CASE_F)
  }
  std::printf("format %d not instantiated\n", fmt);
  std::exit(2);
}

static void fixed_checks() {
  // ap_int wraps like Vitis
  CHECK(ap_int<8>(200) == -56);
  CHECK(ap_int<8>(-129) == 127);
  CHECK(ap_int<8>(128) == -128);
  CHECK(ap_int<16>(65535) == -1);
  CHECK(ap_int<16>(32768) == -32768);
  CHECK(ap_int<1>(1) == -1);
  CHECK(ap_int<64>(-1LL).to_int64() == -1);
  CHECK(ap_int<8>(ap_int<16>(300)) == 44);
  CHECK(ap_uint<8>(-1) == 255u);
  CHECK(ap_uint<8>(256) == 0u);
  CHECK(ap_uint<4>(ap_int<8>(-1)) == 15u);
  ap_int<8> a = 127;
  a += 1;
  CHECK(a == -128);
  a = -128;
  a--;
  CHECK(a == 127);
  a = 100;
  a *= 3;
  CHECK(a == 44);
  a = ap_int<16>(1000);
  CHECK(a == -24);
  a = 3.9;
  CHECK(a == 3);
  a = -3.9;
  CHECK(a == -3);
  CHECK(ap_int<8>(-200.7) == 56);
  ap_int<8> b = 64;
  b <<= 1;
  CHECK(b == -128);
  b >>= 3;
  CHECK(b == -16);
  ap_int<8> c = 5;
  ap_int<8> post = c++;
  CHECK(post == 5 && c == 6);
  // arithmetic promotes: products of two 16-bit values are exact
  CHECK(ap_int<16>(30000) * ap_int<16>(30000) == 900000000LL);
  CHECK(ap_int<16>(-32768) * ap_int<16>(-32768) == 1073741824LL);
  CHECK(ap_int<32>(-2147483647 - 1) * ap_int<32>(-2147483647 - 1) == 4611686018427387904LL);
  CHECK(ap_int<12>(-5) < ap_int<12>(3));
  CHECK(ap_int<12>(7) >= 7);
  CHECK(ap_int<12>::length() == 12);
  CHECK(ap_int<16>(-2).to_int() == -2);

  // ap_fixed<W, I, AP_RND, AP_SAT>: raw = sat_W(floor(x * 2^(W-I) + 1/2))
  typedef ap_fixed<16, 2, AP_RND, AP_SAT> q2_14;
  CHECK(q2_14(1.0).raw() == 16384);
  CHECK(q2_14(-2.0).raw() == -32768);
  CHECK(q2_14(2.0).raw() == 32767);     // saturates
  CHECK(q2_14(-3.0).raw() == -32768);   // saturates
  CHECK(q2_14(100.0).raw() == 32767);
  CHECK(q2_14(0.5 / 16384).raw() == 1);     // tie rounds up
  CHECK(q2_14(-0.5 / 16384).raw() == 0);    // tie rounds up (toward +inf)
  CHECK(q2_14(-1.5 / 16384).raw() == -1);
  CHECK(q2_14(1.5 / 16384).raw() == 2);
  CHECK(q2_14(0.49 / 16384).raw() == 0);
  CHECK(q2_14(1.0).to_double() == 1.0);
  CHECK(q2_14::from_raw(-1).to_double() == -1.0 / 16384);
  CHECK(q2_14::from_raw(65535).raw() == -1);
  CHECK(cnnhls::fixed_raw(q2_14(0.75)) == 12288);
  CHECK(cnnhls::fixed_from_raw<q2_14>(12288).to_double() == 0.75);
  typedef ap_fixed<8, 10, AP_RND, AP_SAT> f_neg;  // F = -2: steps of 4
  CHECK(f_neg(6.0).raw() == 2);                   // 1.5 rounds up to 2
  CHECK(f_neg(-6.0).raw() == -1);                 // -1.5 rounds up to -1
  CHECK(f_neg(1e9).raw() == 127);
  typedef ap_fixed<4, -2, AP_RND, AP_SAT> f_small;  // F = 6 > W
  CHECK(f_small(1.0 / 64).raw() == 1);
  CHECK(f_small(1.0).raw() == 7);
  CHECK(f_small(-1.0).raw() == -8);
  // other modes, as Vitis defines them
  CHECK((ap_fixed<8, 4>(1.99).raw() == 31));                              // AP_TRN: floor
  CHECK((ap_fixed<8, 4>(-1.99).raw() == -32));
  CHECK((ap_fixed<8, 4>(8.0).raw() == -128));                             // AP_WRAP
  CHECK((ap_fixed<8, 4, AP_RND_CONV, AP_SAT>(2.5 / 16).raw() == 2));      // half to even
  CHECK((ap_fixed<8, 4, AP_RND_CONV, AP_SAT>(3.5 / 16).raw() == 4));
  CHECK((ap_fixed<8, 4, AP_RND_ZERO, AP_SAT>(-2.5 / 16).raw() == -2));
  CHECK((ap_fixed<8, 4, AP_RND_INF, AP_SAT>(-2.5 / 16).raw() == -3));
  CHECK((ap_fixed<8, 4, AP_RND_MIN_INF, AP_SAT>(2.5 / 16).raw() == 2));
  CHECK((ap_fixed<8, 4, AP_TRN_ZERO, AP_SAT>(-1.99).raw() == -31));
  CHECK((ap_fixed<8, 4, AP_RND, AP_SAT_SYM>(-100.0).raw() == -127));
  CHECK((ap_fixed<8, 4, AP_RND, AP_SAT_ZERO>(100.0).raw() == 0));
  CHECK((ap_fixed<16, 2, AP_RND, AP_SAT>(ap_fixed<8, 2, AP_RND, AP_SAT>(0.5)).raw() == 8192));

  // hls::stream: FIFO order across the ring's wrap-around, full/empty, non-blocking calls
  static hls::stream<int, 4> s("s");
  CHECK(s.empty() && !s.full() && s.size() == 0);
  int x = 0;
  CHECK(!s.read_nb(x));
  for (int round = 0; round < 5; round++) {
    for (int i = 0; i < 3; i++) s.write(10 * round + i);
    CHECK(s.size() == 3);
    CHECK(s.read() == 10 * round);
    s << 10 * round + 3;
    s.write(10 * round + 4);
    CHECK(s.full());
    CHECK(!s.write_nb(99));
    for (int i = 1; i <= 4; i++) {
      int v;
      s >> v;
      CHECK(v == 10 * round + i);
    }
    CHECK(s.empty());
  }
  hls::stream<ap_int<12> > s12;
  s12.write(ap_int<12>(5000));  // wraps to 5000 - 4096
  CHECK(s12.read() == 904);
  CHECK((hls::stream<char>::capacity() == 2048));
}

int main(int argc, char **argv) {
  fixed_checks();
  if (argc > 1) {
    std::FILE *f = std::fopen(argv[1], "r");
    if (!f) return 2;
    char kind;
    while (std::fscanf(f, " %c", &kind) == 1) {
      if (kind == 'S') {
        int w;
        long long v, want;
        if (std::fscanf(f, "%d %lld %lld", &w, &v, &want) != 3) return 2;
        const long long got = dispatch_s(w, v);
        checks++;
        if (got != want) {
          std::printf("MISMATCH ap_int<%d>(%lld) = %lld, expected %lld\n", w, v, got, want);
          return 1;
        }
      } else if (kind == 'U') {
        int w;
        unsigned long long v, want;
        if (std::fscanf(f, "%d %llu %llu", &w, &v, &want) != 3) return 2;
        const unsigned long long got = dispatch_u(w, v);
        checks++;
        if (got != want) {
          std::printf("MISMATCH ap_uint<%d>(%llu) = %llu, expected %llu\n", w, v, got, want);
          return 1;
        }
      } else if (kind == 'F') {
        int fmt;
        char hex[32];
        long long want;
        if (std::fscanf(f, "%d %31s %lld", &fmt, hex, &want) != 3) return 2;
        const unsigned long long bits = std::strtoull(hex, 0, 16);
        double x;
        std::memcpy(&x, &bits, sizeof x);
        const long long got = dispatch_f(fmt, x);
        checks++;
        if (got != want) {
          std::printf("MISMATCH format %d of %.17g (bits %s) = %lld, expected %lld\n", fmt, x, hex, got, want);
          return 1;
        }
      } else {
        std::printf("bad case kind '%c'\n", kind);
        return 2;
      }
    }
    std::fclose(f);
  }
  std::printf("OK %lld\n", checks);
  return 0;
}
