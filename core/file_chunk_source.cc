#include "core/file_chunk_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

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

Status FileChunkSource::ReadMany(std::span<const ReadRequest> requests) {
  auto aligned = [](const ReadRequest& r) {
    return r.offset_bytes % kDirectIoAlignment == 0 && r.out.size() % kDirectIoAlignment == 0 &&
           reinterpret_cast<uintptr_t>(r.out.data()) % kDirectIoAlignment == 0;
  };
  if (engine_ == nullptr || requests.size() < 2 ||
      !std::all_of(requests.begin(), requests.end(), aligned)) {
    return ChunkSource::ReadMany(requests);
  }
  for (const ReadRequest& r : requests) {
    if (r.offset_bytes > size_bytes_ || r.out.size() > size_bytes_ - r.offset_bytes) {
      return ReadAt(r.offset_bytes, r.out);  // reports the overrun
    }
  }
  // Keep up to queue_depth reads in flight; a short read is finished with
  // ReadAt, which also reports a real error.
  const size_t depth = std::max<size_t>(1, engine_->queue_depth());
  size_t next = 0, outstanding = 0;
  std::vector<IoCompletion> done;
  std::vector<size_t> incomplete;
  while (next < requests.size() || outstanding > 0) {
    while (next < requests.size() && outstanding < depth) {
      IoRequest io;
      io.op = IoOp::kRead;
      io.fd = fd_;
      io.offset_bytes = requests[next].offset_bytes;
      io.buffer = requests[next].out.data();
      io.length_bytes = static_cast<uint32_t>(requests[next].out.size());
      io.tag = next;
      Status s = engine_->Submit(io);
      if (!s.ok()) return s;
      ++next;
      ++outstanding;
    }
    done.clear();
    Status s = engine_->Reap(1, &done);
    if (!s.ok()) return s;
    for (const IoCompletion& c : done) {
      --outstanding;
      if (c.result != static_cast<int64_t>(requests[c.tag].out.size())) incomplete.push_back(c.tag);
    }
  }
  for (size_t i : incomplete) {
    Status s = ReadAt(requests[i].offset_bytes, requests[i].out);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace lvmrevert
