#include "core/store_format.h"

#include <bit>

#include "core/endian.h"

namespace lvmrevert::store {

DiskHeader DecodeHeader(std::span<const std::byte, kHeaderBytes> raw) {
  DiskHeader h;
  h.magic = LoadLe32(raw.data() + 0);
  h.valid = LoadLe32(raw.data() + 4);
  h.version = LoadLe32(raw.data() + 8);
  h.chunk_size_sectors = LoadLe32(raw.data() + 12);
  return h;
}

void EncodeHeader(const DiskHeader& header, std::span<std::byte, kHeaderBytes> raw) {
  StoreLe32(raw.data() + 0, header.magic);
  StoreLe32(raw.data() + 4, header.valid);
  StoreLe32(raw.data() + 8, header.version);
  StoreLe32(raw.data() + 12, header.chunk_size_sectors);
}

DiskException DecodeException(std::span<const std::byte, kDiskExceptionBytes> raw) {
  return DiskException{LoadLe64(raw.data()), LoadLe64(raw.data() + 8)};
}

void EncodeException(const DiskException& entry,
                     std::span<std::byte, kDiskExceptionBytes> raw) {
  StoreLe64(raw.data(), entry.old_chunk);
  StoreLe64(raw.data() + 8, entry.new_chunk);
}

bool IsLegalChunkSize(uint32_t chunk_size_sectors) {
  return std::has_single_bit(chunk_size_sectors) && chunk_size_sectors >= kMinChunkSectors &&
         chunk_size_sectors <= kMaxChunkSectors;
}

Geometry::Geometry(uint32_t chunk_size_sectors) : chunk_size_sectors_(chunk_size_sectors) {}

}  // namespace lvmrevert::store
