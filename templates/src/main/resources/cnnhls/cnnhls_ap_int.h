// cnnhls: minimal stand-ins for Vitis HLS ap_int<W> / ap_uint<W> (W <= 64), used only when the
// Vitis headers are absent (plain g++ C-simulation). Semantics follow Vitis where the kernels rely
// on them:
//   - the value is always the W-bit two's complement (or unsigned) wrap of what was assigned:
//     ap_int<8>(200) == -56, ap_uint<8>(-1) == 255;
//   - arithmetic converts to (unsigned) long long, so products of operands up to 32 bits are exact
//     (Vitis widens to ap_int<W1+W2>; the results agree whenever the exact result fits 64 bits);
//   - compound assignments and ++/-- wrap back to W bits;
//   - a default-constructed value is 0, where Vitis leaves it undefined. No code may rely on that:
//     built with -DCNNHLS_STANDIN_CHECK_INIT every ap_int / ap_uint remembers whether it was ever
//     given a value, starts as a poison pattern, and reading it before then (conversion, to_*(),
//     compound assignment, conversion to another width) aborts with a message. Copying an
//     unwritten value is allowed (and copies the mark), as buffers and FIFOs do.
// Not provided: bit/range selection, ap_int wider than 64 bits, arbitrary-precision arithmetic.
#ifndef CNNHLS_AP_INT_H
#define CNNHLS_AP_INT_H

#ifdef CNNHLS_STANDIN_CHECK_INIT
#include <cstdio>
#include <cstdlib>
#endif

namespace cnnhls_standin {

// The low W bits of x, sign-extended (two's complement wrap).
template <int W>
inline long long wrap_signed(unsigned long long x) {
  return W >= 64 ? (long long)x : (long long)(x << (64 - W)) >> (64 - W);
}

// The low W bits of x, zero-extended.
template <int W>
inline unsigned long long wrap_unsigned(unsigned long long x) {
  return W >= 64 ? x : x & ((1ULL << W) - 1);
}

// Truncation toward zero of a double, as C++ and Vitis do for float-to-integer conversion; values
// beyond the 64-bit range clamp (where plain C++ would be undefined).
inline unsigned long long double_bits(double d) {
  if (!(d == d)) return 0;  // NaN
  if (d >= 9223372036854775807.0) return 0x7fffffffffffffffULL;
  if (d <= -9223372036854775808.0) return 0x8000000000000000ULL;
  return (unsigned long long)(long long)d;
}

#ifdef CNNHLS_STANDIN_CHECK_INIT
[[noreturn]] inline void unwritten_read(const char *type, int w) {
  std::fprintf(stderr, "cnnhls stand-in: read of an %s<%d> that was never written (CNNHLS_STANDIN_CHECK_INIT)\n", type,
               w);
  std::abort();
}
// What an unwritten value holds in the checking build (wrapped to W bits).
static const unsigned long long POISON = 0xa5a5a5a5a5a5a5a5ULL;
#define CNNHLS_STANDIN_SET , set_(true)
#define CNNHLS_STANDIN_UNSET(wrap) v_(wrap(cnnhls_standin::POISON)), set_(false)
#define CNNHLS_STANDIN_READ(type) (set_ ? v_ : (cnnhls_standin::unwritten_read(type, W), v_))
#define CNNHLS_STANDIN_FLAG bool set_;
#define CNNHLS_STANDIN_MARK set_ = true;
#else
#define CNNHLS_STANDIN_SET
#define CNNHLS_STANDIN_UNSET(wrap) v_(0)
#define CNNHLS_STANDIN_READ(type) v_
#define CNNHLS_STANDIN_FLAG
#define CNNHLS_STANDIN_MARK
#endif

}  // namespace cnnhls_standin

template <int W>
class ap_int {
  static_assert(W >= 1 && W <= 64, "the cnnhls ap_int stand-in supports 1..64 bits");
  long long v_;
  CNNHLS_STANDIN_FLAG
  long long rd() const { return CNNHLS_STANDIN_READ("ap_int"); }

 public:
  ap_int() : CNNHLS_STANDIN_UNSET(cnnhls_standin::wrap_signed<W>) {}
  ap_int(bool x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(char x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(signed char x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(unsigned char x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(short x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(unsigned short x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(int x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(unsigned int x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(long x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(unsigned long x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(long long x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_int(unsigned long long x) : v_(cnnhls_standin::wrap_signed<W>(x)) CNNHLS_STANDIN_SET {}
  ap_int(double x) : v_(cnnhls_standin::wrap_signed<W>(cnnhls_standin::double_bits(x))) CNNHLS_STANDIN_SET {}
  ap_int(float x) : v_(cnnhls_standin::wrap_signed<W>(cnnhls_standin::double_bits(x))) CNNHLS_STANDIN_SET {}
  template <int W2>
  ap_int(const ap_int<W2> &x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x.to_int64())) CNNHLS_STANDIN_SET {}

  // Implicit conversion: lets ap_int take part in ordinary integer expressions and comparisons.
  operator long long() const { return rd(); }

  long long to_int64() const { return rd(); }
  unsigned long long to_uint64() const { return (unsigned long long)rd(); }
  long to_long() const { return (long)rd(); }
  int to_int() const { return (int)rd(); }
  unsigned to_uint() const { return (unsigned)rd(); }
  double to_double() const { return (double)rd(); }
  static int length() { return W; }

  ap_int &operator=(long long x) {
    v_ = cnnhls_standin::wrap_signed<W>((unsigned long long)x);
    CNNHLS_STANDIN_MARK
    return *this;
  }
  template <int W2>
  ap_int &operator=(const ap_int<W2> &x) {
    return *this = x.to_int64();
  }
  // Compound assignments compute in 64 bits (unsigned, so overflow is defined) and wrap to W.
  ap_int &operator+=(long long x) { return *this = (long long)((unsigned long long)rd() + (unsigned long long)x); }
  ap_int &operator-=(long long x) { return *this = (long long)((unsigned long long)rd() - (unsigned long long)x); }
  ap_int &operator*=(long long x) { return *this = (long long)((unsigned long long)rd() * (unsigned long long)x); }
  ap_int &operator/=(long long x) { return *this = rd() / x; }
  ap_int &operator%=(long long x) { return *this = rd() % x; }
  ap_int &operator&=(long long x) { return *this = rd() & x; }
  ap_int &operator|=(long long x) { return *this = rd() | x; }
  ap_int &operator^=(long long x) { return *this = rd() ^ x; }
  ap_int &operator<<=(int n) { return *this = (long long)((unsigned long long)rd() << n); }
  ap_int &operator>>=(int n) { return *this = rd() >> n; }
  ap_int &operator++() { return *this += 1; }
  ap_int &operator--() { return *this -= 1; }
  ap_int operator++(int) {
    ap_int old = *this;
    *this += 1;
    return old;
  }
  ap_int operator--(int) {
    ap_int old = *this;
    *this -= 1;
    return old;
  }
};

template <int W>
class ap_uint {
  static_assert(W >= 1 && W <= 64, "the cnnhls ap_uint stand-in supports 1..64 bits");
  unsigned long long v_;
  CNNHLS_STANDIN_FLAG
  unsigned long long rd() const { return CNNHLS_STANDIN_READ("ap_uint"); }

 public:
  ap_uint() : CNNHLS_STANDIN_UNSET(cnnhls_standin::wrap_unsigned<W>) {}
  ap_uint(bool x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(char x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(signed char x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(unsigned char x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(short x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(unsigned short x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(int x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(unsigned int x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(long x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(unsigned long x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(long long x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) CNNHLS_STANDIN_SET {}
  ap_uint(unsigned long long x) : v_(cnnhls_standin::wrap_unsigned<W>(x)) CNNHLS_STANDIN_SET {}
  ap_uint(double x) : v_(cnnhls_standin::wrap_unsigned<W>(cnnhls_standin::double_bits(x))) CNNHLS_STANDIN_SET {}
  template <int W2>
  ap_uint(const ap_uint<W2> &x) : v_(cnnhls_standin::wrap_unsigned<W>(x.to_uint64())) CNNHLS_STANDIN_SET {}
  template <int W2>
  ap_uint(const ap_int<W2> &x) : v_(cnnhls_standin::wrap_unsigned<W>(x.to_uint64())) CNNHLS_STANDIN_SET {}

  operator unsigned long long() const { return rd(); }

  long long to_int64() const { return (long long)rd(); }
  unsigned long long to_uint64() const { return rd(); }
  int to_int() const { return (int)rd(); }
  unsigned to_uint() const { return (unsigned)rd(); }
  static int length() { return W; }

  ap_uint &operator=(unsigned long long x) {
    v_ = cnnhls_standin::wrap_unsigned<W>(x);
    CNNHLS_STANDIN_MARK
    return *this;
  }
  template <int W2>
  ap_uint &operator=(const ap_uint<W2> &x) {
    return *this = x.to_uint64();
  }
  ap_uint &operator+=(unsigned long long x) { return *this = rd() + x; }
  ap_uint &operator-=(unsigned long long x) { return *this = rd() - x; }
  ap_uint &operator*=(unsigned long long x) { return *this = rd() * x; }
  ap_uint &operator/=(unsigned long long x) { return *this = rd() / x; }
  ap_uint &operator%=(unsigned long long x) { return *this = rd() % x; }
  ap_uint &operator&=(unsigned long long x) { return *this = rd() & x; }
  ap_uint &operator|=(unsigned long long x) { return *this = rd() | x; }
  ap_uint &operator^=(unsigned long long x) { return *this = rd() ^ x; }
  ap_uint &operator<<=(int n) { return *this = rd() << n; }
  ap_uint &operator>>=(int n) { return *this = rd() >> n; }
  ap_uint &operator++() { return *this += 1; }
  ap_uint &operator--() { return *this -= 1; }
  ap_uint operator++(int) {
    ap_uint old = *this;
    *this += 1;
    return old;
  }
  ap_uint operator--(int) {
    ap_uint old = *this;
    *this -= 1;
    return old;
  }
};

#endif
