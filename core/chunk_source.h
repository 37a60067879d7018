// Where the store reader gets its bytes: a -cow device, an image file, or
// memory in tests and the fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace lvmrevert {

class ChunkSource {
 public:
  virtual ~ChunkSource() = default;

  virtual uint64_t size_bytes() const = 0;
  // Fills all of `out` from `offset_bytes`. Reading past the end is an error.
  virtual Status ReadAt(uint64_t offset_bytes, std::span<std::byte> out) = 0;
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
