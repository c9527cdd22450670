// cnnhls: minimal stand-ins for Vitis HLS ap_int<W> / ap_uint<W> (W <= 64), used only when the
// Vitis headers are absent (plain g++ C-simulation). Semantics follow Vitis where the kernels rely
// on them:
//   - the value is always the W-bit two's complement (or unsigned) wrap of what was assigned:
//     ap_int<8>(200) == -56, ap_uint<8>(-1) == 255;
//   - arithmetic converts to (unsigned) long long, so products of operands up to 32 bits are exact
//     (Vitis widens to ap_int<W1+W2>; the results agree whenever the exact result fits 64 bits);
//   - compound assignments and ++/-- wrap back to W bits.
// Not provided: bit/range selection, ap_int wider than 64 bits, arbitrary-precision arithmetic.
#ifndef CNNHLS_AP_INT_H
#define CNNHLS_AP_INT_H

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

}  // namespace cnnhls_standin

template <int W>
class ap_int {
  static_assert(W >= 1 && W <= 64, "the cnnhls ap_int stand-in supports 1..64 bits");
  long long v_;

 public:
  ap_int() : v_(0) {}
  ap_int(bool x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) {}
  ap_int(char x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) {}
  ap_int(signed char x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) {}
  ap_int(unsigned char x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) {}
  ap_int(short x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) {}
  ap_int(unsigned short x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) {}
  ap_int(int x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) {}
  ap_int(unsigned int x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) {}
  ap_int(long x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)(long long)x)) {}
  ap_int(unsigned long x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) {}
  ap_int(long long x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x)) {}
  ap_int(unsigned long long x) : v_(cnnhls_standin::wrap_signed<W>(x)) {}
  ap_int(double x) : v_(cnnhls_standin::wrap_signed<W>(cnnhls_standin::double_bits(x))) {}
  ap_int(float x) : v_(cnnhls_standin::wrap_signed<W>(cnnhls_standin::double_bits(x))) {}
  template <int W2>
  ap_int(const ap_int<W2> &x) : v_(cnnhls_standin::wrap_signed<W>((unsigned long long)x.to_int64())) {}

  // Implicit conversion: lets ap_int take part in ordinary integer expressions and comparisons.
  operator long long() const { return v_; }

  long long to_int64() const { return v_; }
  unsigned long long to_uint64() const { return (unsigned long long)v_; }
  long to_long() const { return (long)v_; }
  int to_int() const { return (int)v_; }
  unsigned to_uint() const { return (unsigned)v_; }
  double to_double() const { return (double)v_; }
  static int length() { return W; }

  ap_int &operator=(long long x) {
    v_ = cnnhls_standin::wrap_signed<W>((unsigned long long)x);
    return *this;
  }
  template <int W2>
  ap_int &operator=(const ap_int<W2> &x) {
    return *this = x.to_int64();
  }
  // Compound assignments compute in 64 bits (unsigned, so overflow is defined) and wrap to W.
  ap_int &operator+=(long long x) { return *this = (long long)((unsigned long long)v_ + (unsigned long long)x); }
  ap_int &operator-=(long long x) { return *this = (long long)((unsigned long long)v_ - (unsigned long long)x); }
  ap_int &operator*=(long long x) { return *this = (long long)((unsigned long long)v_ * (unsigned long long)x); }
  ap_int &operator/=(long long x) { return *this = v_ / x; }
  ap_int &operator%=(long long x) { return *this = v_ % x; }
  ap_int &operator&=(long long x) { return *this = v_ & x; }
  ap_int &operator|=(long long x) { return *this = v_ | x; }
  ap_int &operator^=(long long x) { return *this = v_ ^ x; }
  ap_int &operator<<=(int n) { return *this = (long long)((unsigned long long)v_ << n); }
  ap_int &operator>>=(int n) { return *this = v_ >> n; }
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

 public:
  ap_uint() : v_(0) {}
  ap_uint(bool x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) {}
  ap_uint(char x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) {}
  ap_uint(signed char x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) {}
  ap_uint(unsigned char x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) {}
  ap_uint(short x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) {}
  ap_uint(unsigned short x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) {}
  ap_uint(int x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) {}
  ap_uint(unsigned int x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) {}
  ap_uint(long x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)(long long)x)) {}
  ap_uint(unsigned long x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) {}
  ap_uint(long long x) : v_(cnnhls_standin::wrap_unsigned<W>((unsigned long long)x)) {}
  ap_uint(unsigned long long x) : v_(cnnhls_standin::wrap_unsigned<W>(x)) {}
  ap_uint(double x) : v_(cnnhls_standin::wrap_unsigned<W>(cnnhls_standin::double_bits(x))) {}
  template <int W2>
  ap_uint(const ap_uint<W2> &x) : v_(cnnhls_standin::wrap_unsigned<W>(x.to_uint64())) {}
  template <int W2>
  ap_uint(const ap_int<W2> &x) : v_(cnnhls_standin::wrap_unsigned<W>(x.to_uint64())) {}

  operator unsigned long long() const { return v_; }

  long long to_int64() const { return (long long)v_; }
  unsigned long long to_uint64() const { return v_; }
  int to_int() const { return (int)v_; }
  unsigned to_uint() const { return (unsigned)v_; }
  static int length() { return W; }

  ap_uint &operator=(unsigned long long x) {
    v_ = cnnhls_standin::wrap_unsigned<W>(x);
    return *this;
  }
  template <int W2>
  ap_uint &operator=(const ap_uint<W2> &x) {
    return *this = x.to_uint64();
  }
  ap_uint &operator+=(unsigned long long x) { return *this = v_ + x; }
  ap_uint &operator-=(unsigned long long x) { return *this = v_ - x; }
  ap_uint &operator*=(unsigned long long x) { return *this = v_ * x; }
  ap_uint &operator/=(unsigned long long x) { return *this = v_ / x; }
  ap_uint &operator%=(unsigned long long x) { return *this = v_ % x; }
  ap_uint &operator&=(unsigned long long x) { return *this = v_ & x; }
  ap_uint &operator|=(unsigned long long x) { return *this = v_ | x; }
  ap_uint &operator^=(unsigned long long x) { return *this = v_ ^ x; }
  ap_uint &operator<<=(int n) { return *this = v_ << n; }
  ap_uint &operator>>=(int n) { return *this = v_ >> n; }
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
