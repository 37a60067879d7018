#include "lvmext/system/fd_output.h"

#include <unistd.h>

#include <cerrno>

namespace lvmrevert::lvmext {

bool FdOutput::Drain() {
  const char* p = pbase();
  const char* end = pptr();
  while (p < end && error_ == 0) {
    const ssize_t n = ::write(fd_, p, static_cast<size_t>(end - p));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      break;
    }
    p += n;
  }
  // What could not be written is dropped: the error is what is kept.
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return error_ == 0;
}

FdOutput::int_type FdOutput::overflow(int_type c) {
  if (!Drain()) return traits_type::eof();
  if (!traits_type::eq_int_type(c, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(c);
    pbump(1);
  }
  return traits_type::not_eof(c);
}

int FdOutput::sync() { return Drain() ? 0 : -1; }

}  // namespace lvmrevert::lvmext
