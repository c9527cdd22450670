// Differential driver: built once against the stand-ins (-DCNNHLS_STANDALONE) and once against
// Xilinx's C-simulation headers (-DCNNHLS_VENDOR_HEADERS -isystem DIR); StandInsTest runs both on
// the same cases and requires identical output. One case per line, one result line per case:
//   S W v            ap_int<W>(v)                       U W v   ap_uint<W>(v)   (v: signed decimal)
//   B P a b k        operand pair P (widths WA, WB): x = ap_int<WA>(a), y = ap_int<WB>(b); prints
//                    x*y, x+y, x-y into ap_int<64>; x-y, x+y into ap_int<WA>; z = x, z += x*y,
//                    z -= y; x >> k, x < y, x == y, ?: select, the engine's mac step
//   H v n            ap_int<64> s = v; s <<= n (the engine's add); s >>= n
//   Q P acc m s W    cnnhls::requantize_narrow<AW, MW>(acc, M, s, W) for requantize pair P
//   F q o f bits     cnnhls::fixed_raw(ap_fixed<W, I, q, o>(double bits)) for mode-sweep format f
//   G f bits         the same for contract format f (AP_RND, AP_SAT), and from_raw / to_double back
//   C c bits         format conversion c: ap_fixed<target>(ap_fixed<source>(double bits))
//   T n              hls::stream<ap_int<12>>: n values written, read back in order
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cnnhls_desc.h"
#include "cnnhls_requant.h"
#include "cnnhls_types.h"

#define WIDTHS(X) X(1) X(2) X(3) X(4) X(5) X(7) X(8) X(9) X(12) X(15) X(16) X(17) X(24) X(31) X(32) X(33) X(40) X(48) X(63) X(64)

template <int W>
long long wrap_s(long long v) {
  return ap_int<W>(v).to_int64();
}
template <int W>
unsigned long long wrap_u(long long v) {
  return ap_uint<W>(v).to_uint64();
}

static void do_s(int w, long long v) {
  switch (w) {
#define CASE_S(N) \
  case N: std::printf("%lld\n", wrap_s<N>(v)); return;
    WIDTHS(CASE_S)
  }
  std::printf("bad width\n");
}
static void do_u(int w, long long v) {
  switch (w) {
#define CASE_U(N) \
  case N: std::printf("%llu\n", wrap_u<N>(v)); return;
    WIDTHS(CASE_U)
  }
  std::printf("bad width\n");
}

// Operand pairs (WA, WB) as the engine's MACs, Winograd transforms and accumulators combine them.
#define PAIRS(X) X(0, 8, 8) X(1, 16, 16) X(2, 20, 18) X(3, 12, 10) X(4, 32, 32) X(5, 40, 22) X(6, 2, 3) X(7, 64, 16)

template <int WA, int WB>
void binop(long long a, long long b, int k) {
  const ap_int<WA> x = a;
  const ap_int<WB> y = b;
  const ap_int<64> prod = x * y, sum = x + y, diff = x - y;
  const ap_int<WA> nd = x - y, ns = x + y;
  ap_int<WA> z = x;
  z += x * y;
  z -= y;
  const ap_int<WA> sh = x >> k;
  const ap_int<WA> sel = a > b ? ap_int<WA>(x) : ap_int<WA>(y);
  ap_int<(WA + WB + 2 < 64 ? WA + WB + 2 : 64)> mac = 0;  // mac_array: s += w * x
  mac += x * y;
  mac += y * x;
  std::printf("%lld %lld %lld %lld %lld %lld %lld %d %d %lld %lld\n", prod.to_int64(), sum.to_int64(), diff.to_int64(),
              nd.to_int64(), ns.to_int64(), z.to_int64(), sh.to_int64(), (int)(x < y), (int)(x == y), sel.to_int64(),
              mac.to_int64());
}

static void do_b(int p, long long a, long long b, int k) {
  switch (p) {
#define CASE_B(I, WA, WB) \
  case I: binop<WA, WB>(a, b, k); return;
    PAIRS(CASE_B)
  }
  std::printf("bad pair\n");
}

static void do_h(long long v, int n) {
  ap_int<64> s = v, t = v;
  s <<= n;
  t >>= n;
  std::printf("%lld %lld\n", s.to_int64(), t.to_int64());
}

// (AW, MW) of requantize_narrow: CNNHLS_REQ_ACC_W / CNNHLS_REQ_M_W as the compiler narrows them.
#define REQ_PAIRS(X) X(0, 20, 15) X(1, 38, 31) X(2, 48, 12) X(3, 64, 31) X(4, 30, 1)

static void do_q(int p, long long acc, long long m, int s, int w) {
  switch (p) {
#define CASE_Q(I, AW, MW) \
  case I: std::printf("%d\n", cnnhls::requantize_narrow<AW, MW>(ap_int<AW>(acc), ap_uint<MW>(m), s, w)); return;
    REQ_PAIRS(CASE_Q)
  }
  std::printf("bad pair\n");
}

// Mode-sweep formats (W, I) by index.
#define SWEEP_FORMATS(X) X(0, 8, 3) X(1, 5, 9) X(2, 40, 20)

template <ap_q_mode Q, ap_o_mode O>
long long fixed_mode(int f, double x) {
  switch (f) {
#define CASE_F(I_, W, I) \
  case I_: return cnnhls::fixed_raw(ap_fixed<W, I, Q, O>(x));
    SWEEP_FORMATS(CASE_F)
  }
  return -999;
}

template <ap_q_mode Q>
long long fixed_q(int o, int f, double x) {
  switch (o) {
    case 0: return fixed_mode<Q, AP_SAT>(f, x);
    case 1: return fixed_mode<Q, AP_SAT_ZERO>(f, x);
    case 2: return fixed_mode<Q, AP_SAT_SYM>(f, x);
    case 3: return fixed_mode<Q, AP_WRAP>(f, x);
  }
  return -999;
}

static long long do_f(int q, int o, int f, double x) {
  switch (q) {
    case 0: return fixed_q<AP_RND>(o, f, x);
    case 1: return fixed_q<AP_RND_ZERO>(o, f, x);
    case 2: return fixed_q<AP_RND_MIN_INF>(o, f, x);
    case 3: return fixed_q<AP_RND_INF>(o, f, x);
    case 4: return fixed_q<AP_RND_CONV>(o, f, x);
    case 5: return fixed_q<AP_TRN>(o, f, x);
    case 6: return fixed_q<AP_TRN_ZERO>(o, f, x);
  }
  return -999;
}

// The contract's formats ap_fixed<W, I, AP_RND, AP_SAT>, as StandInsTest's FORMATS.
#define FORMATS(X) X(0, 16, 2) X(1, 8, 3) X(2, 16, -2) X(3, 12, 14) X(4, 32, 8) X(5, 4, 4) X(6, 24, 30) X(7, 53, 32) X(8, 2, 1)

template <int W, int I>
void contract(double x) {
  typedef ap_fixed<W, I, AP_RND, AP_SAT> fx;
  const long long raw = cnnhls::fixed_raw(fx(x));
  const double back = cnnhls::fixed_from_raw<fx>(raw).to_double();
  unsigned long long bits;
  std::memcpy(&bits, &back, sizeof bits);
  std::printf("%lld %llx %lld\n", raw, bits, cnnhls::fixed_raw(cnnhls::fixed_from_raw<fx>(raw * 3 + 1)));
}

static void do_g(int f, double x) {
  switch (f) {
#define CASE_G(I_, W, I) \
  case I_: contract<W, I>(x); return;
    FORMATS(CASE_G)
  }
  std::printf("bad format\n");
}

// Conversions (source format, target format) between formats.
template <int W1, int I1, int W2, int I2, ap_q_mode Q2, ap_o_mode O2>
long long convert(double x) {
  const ap_fixed<W1, I1, AP_TRN, AP_WRAP> a = x;
  const ap_fixed<W2, I2, Q2, O2> b = a;
  return cnnhls::fixed_raw(b);
}

static long long do_c(int c, double x) {
  switch (c) {
    case 0: return convert<24, 8, 16, 2, AP_RND, AP_SAT>(x);
    case 1: return convert<16, 2, 8, 3, AP_RND, AP_SAT>(x);
    case 2: return convert<12, 4, 16, 6, AP_RND, AP_SAT>(x);
    case 3: return convert<32, 16, 8, 2, AP_RND_CONV, AP_SAT_SYM>(x);
    case 4: return convert<20, 10, 10, 3, AP_TRN, AP_WRAP>(x);
    case 5: return convert<16, 8, 16, 10, AP_RND_ZERO, AP_SAT_ZERO>(x);
  }
  return -999;
}

static void do_t(int n) {
  static hls::stream<ap_int<12>, 64> s;
  for (int i = 0; i < n; i++) s.write(ap_int<12>(i * 977 - 20000));
  long long sum = 0;
  for (int i = 0; i < n; i++) sum = sum * 31 + s.read().to_int64();
  std::printf("%lld %d\n", sum, (int)s.empty());
}

static double from_hex(const char *hex) {
  const unsigned long long bits = std::strtoull(hex, 0, 16);
  double x;
  std::memcpy(&x, &bits, sizeof x);
  return x;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  std::FILE *f = std::fopen(argv[1], "r");
  if (!f) return 2;
  char kind;
  char hex[32];
  while (std::fscanf(f, " %c", &kind) == 1) {
    int i1, i2, i3, i4;
    long long a, b;
    switch (kind) {
      case 'S':
      case 'U':
        if (std::fscanf(f, "%d %lld", &i1, &a) != 2) return 2;
        if (kind == 'S') do_s(i1, a);
        else do_u(i1, a);
        break;
      case 'B':
        if (std::fscanf(f, "%d %lld %lld %d", &i1, &a, &b, &i2) != 4) return 2;
        do_b(i1, a, b, i2);
        break;
      case 'H':
        if (std::fscanf(f, "%lld %d", &a, &i1) != 2) return 2;
        do_h(a, i1);
        break;
      case 'Q':
        if (std::fscanf(f, "%d %lld %lld %d %d", &i1, &a, &b, &i2, &i3) != 5) return 2;
        do_q(i1, a, b, i2, i3);
        break;
      case 'F':
        if (std::fscanf(f, "%d %d %d %31s", &i1, &i2, &i3, hex) != 4) return 2;
        std::printf("%lld\n", do_f(i1, i2, i3, from_hex(hex)));
        break;
      case 'G':
        if (std::fscanf(f, "%d %31s", &i1, hex) != 2) return 2;
        do_g(i1, from_hex(hex));
        break;
      case 'C':
        if (std::fscanf(f, "%d %31s", &i1, hex) != 2) return 2;
        std::printf("%lld\n", do_c(i1, from_hex(hex)));
        break;
      case 'T':
        if (std::fscanf(f, "%d", &i4) != 1) return 2;
        do_t(i4);
        break;
      default:
        std::printf("bad case kind '%c'\n", kind);
        return 2;
    }
  }
  std::fclose(f);
  return 0;
}
