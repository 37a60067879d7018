// An ostream buffer over a file descriptor that remembers why a write
// failed. iostreams only say "bad"; a lost plan or report must be reported
// with its cause (EPIPE, ENOSPC), and it must never end the process, so
// SIGPIPE is ignored and EPIPE is just an error here.
#pragma once

#include <array>
#include <streambuf>

namespace lvmrevert::lvmext {

class FdOutput final : public std::streambuf {
 public:
  explicit FdOutput(int fd) : fd_(fd) { setp(buffer_.data(), buffer_.data() + buffer_.size()); }
  ~FdOutput() override { sync(); }
  FdOutput(const FdOutput&) = delete;
  FdOutput& operator=(const FdOutput&) = delete;

  // errno of the first write that failed, or 0.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool Drain();

  int fd_;
  int error_ = 0;
  std::array<char, 8192> buffer_{};
};

}  // namespace lvmrevert::lvmext
