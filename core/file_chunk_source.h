// A ChunkSource over an open file or device. Reads go through an aligned
// bounce buffer, so they work with O_DIRECT whatever the caller's alignment.
// With an engine, ReadMany puts all its reads in flight at once.
#pragma once

#include "core/aligned_buffer.h"
#include "core/chunk_source.h"
#include "core/io_engine.h"

namespace lvmrevert {

class FileChunkSource final : public ChunkSource {
 public:
  FileChunkSource(int fd, uint64_t size_bytes, IoEngine* engine = nullptr)
      : fd_(fd), size_bytes_(size_bytes), engine_(engine) {}

  uint64_t size_bytes() const override { return size_bytes_; }
  Status ReadAt(uint64_t offset_bytes, std::span<std::byte> out) override;
  Status ReadMany(std::span<const ReadRequest> requests) override;

 private:
  int fd_;
  uint64_t size_bytes_;
  IoEngine* engine_;
  AlignedBuffer bounce_;
};

}  // namespace lvmrevert
