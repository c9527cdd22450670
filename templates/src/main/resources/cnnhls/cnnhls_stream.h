// cnnhls: minimal stand-in for Vitis HLS hls::stream<T, DEPTH>, used only when the Vitis headers
// are absent. A FIFO over a fixed-size ring buffer (no dynamic allocation). Unlike the Vitis C-sim
// stream, which grows without bound, it holds at most DEPTH elements: writing to a full stream or
// reading an empty one is a testbench bug, reported on stderr before aborting.
#ifndef CNNHLS_STREAM_H
#define CNNHLS_STREAM_H

#include <cstdio>
#include <cstdlib>

namespace hls {

template <typename T, int DEPTH = 2048>
class stream {
  static_assert(DEPTH >= 1, "stream depth must be positive");
  T buf_[DEPTH];
  int head_;   // index of the oldest element
  int count_;  // elements held
  const char *name_;

  stream(const stream &);             // not copyable, as in Vitis
  stream &operator=(const stream &);

 public:
  stream() : buf_(), head_(0), count_(0), name_("") {}
  explicit stream(const char *name) : buf_(), head_(0), count_(0), name_(name) {}

  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == DEPTH; }
  int size() const { return count_; }
  static int capacity() { return DEPTH; }

  void write(const T &x) {
    if (full()) {
      std::fprintf(stderr, "hls::stream '%s': write to a full stream (depth %d)\n", name_, DEPTH);
      std::abort();
    }
    int tail = head_ + count_;
    if (tail >= DEPTH) tail -= DEPTH;
    buf_[tail] = x;
    count_++;
  }

  T read() {
    if (empty()) {
      std::fprintf(stderr, "hls::stream '%s': read from an empty stream\n", name_);
      std::abort();
    }
    T x = buf_[head_];
    head_ = head_ + 1 == DEPTH ? 0 : head_ + 1;
    count_--;
    return x;
  }

  void read(T &x) { x = read(); }

  // Non-blocking variants: false when the stream cannot take or give an element.
  bool write_nb(const T &x) {
    if (full()) return false;
    write(x);
    return true;
  }
  bool read_nb(T &x) {
    if (empty()) return false;
    x = read();
    return true;
  }

  void operator<<(const T &x) { write(x); }
  void operator>>(T &x) { x = read(); }
};

}  // namespace hls

#endif
