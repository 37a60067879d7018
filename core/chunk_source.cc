#include "core/chunk_source.h"

#include <cstring>
#include <string>

namespace lvmrevert {

Status MemoryChunkSource::ReadAt(uint64_t offset_bytes, std::span<std::byte> out) {
  if (offset_bytes > bytes_.size() || out.size() > bytes_.size() - offset_bytes) {
    return Status::IOError("read of " + std::to_string(out.size()) + " bytes at offset " +
                           std::to_string(offset_bytes) + " runs past the end (" +
                           std::to_string(bytes_.size()) + " bytes)");
  }
  if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset_bytes, out.size());
  return Status::Ok();
}

}  // namespace lvmrevert
