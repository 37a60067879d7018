#include "core/file_chunk_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace lvmrevert {

Status FileChunkSource::ReadAt(uint64_t offset_bytes, std::span<std::byte> out) {
  if (offset_bytes > size_bytes_ || out.size() > size_bytes_ - offset_bytes) {
    return Status::IOError("read of " + std::to_string(out.size()) + " bytes at offset " +
                           std::to_string(offset_bytes) + " runs past the end (" +
                           std::to_string(size_bytes_) + " bytes)");
  }
  const uint64_t start = offset_bytes / kDirectIoAlignment * kDirectIoAlignment;
  const uint64_t end = (offset_bytes + out.size() + kDirectIoAlignment - 1) / kDirectIoAlignment *
                       kDirectIoAlignment;
  const size_t span_bytes = static_cast<size_t>(end - start);
  if (bounce_.size() < span_bytes) bounce_ = AlignedBuffer(span_bytes);

  const uint64_t needed = offset_bytes + out.size() - start;
  uint64_t got = 0;
  while (got < needed) {
    const ssize_t n = ::pread(fd_, bounce_.data() + got, span_bytes - got,
                              static_cast<off_t>(start + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "read at offset " + std::to_string(start + got));
    }
    if (n == 0) {
      return Status::IOError("unexpected end of data at offset " + std::to_string(start + got));
    }
    got += static_cast<uint64_t>(n);
  }
  std::memcpy(out.data(), bounce_.data() + (offset_bytes - start), out.size());
  return Status::Ok();
}

}  // namespace lvmrevert
