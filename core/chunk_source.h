// Where the store reader gets its bytes: a -cow device, an image file, or
// memory in tests and the fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace lvmrevert {

struct ReadRequest {
  uint64_t offset_bytes = 0;
  std::span<std::byte> out;
};

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;

  virtual uint64_t size_bytes() const = 0;
  // Fills all of `out` from `offset_bytes`. Reading past the end is an error.
  virtual Status ReadAt(uint64_t offset_bytes, std::span<std::byte> out) = 0;
  // Several reads, which a source may run concurrently. By default, in turn.
  virtual Status ReadMany(std::span<const ReadRequest> requests) {
    for (const ReadRequest& r : requests) {
      Status s = ReadAt(r.offset_bytes, r.out);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }
};

// A store held in memory.
class MemoryChunkSource final : public ChunkSource {
 public:
  explicit MemoryChunkSource(std::span<const std::byte> bytes) : bytes_(bytes) {}

  uint64_t size_bytes() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset_bytes, std::span<std::byte> out) override;

 private:
  std::span<const std::byte> bytes_;
};

}  // namespace lvmrevert
