// The dm-snapshot persistent exception store ("P" store) as the kernel lays it
// out on the -cow device (drivers/md/dm-snap-persistent.c). Units: a sector is
// 512 bytes; a chunk is chunk_size_sectors sectors; chunk indexes count from
// the start of the store.
//
//   chunk 0            header {le32 magic, valid, version, chunk_size}
//   chunk 1            metadata area 0: exceptions_per_area {le64 old, le64 new}
//   chunks 2..epa+1    data chunks for area 0
//   chunk epa+2        metadata area 1, and so on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace lvmrevert::store {

inline constexpr uint32_t kSnapMagic = 0x70416e53;  // bytes "SnAp" on disk
inline constexpr uint32_t kDiskVersion = 1;
inline constexpr uint64_t kSectorBytes = 512;
// LVM's smallest chunk is 8 sectors; the kernel's largest legal power of two
// is 2^21 sectors (it rejects anything above INT_MAX >> SECTOR_SHIFT).
inline constexpr uint32_t kMinChunkSectors = 8;
inline constexpr uint32_t kMaxChunkSectors = 1u << 21;
inline constexpr size_t kHeaderBytes = 16;
inline constexpr size_t kDiskExceptionBytes = 16;
// In memory the kernel keeps a run length in the top 8 bits of new_chunk, so a
// chunk number it could ever have written is below 2^56.
inline constexpr uint64_t kChunkNumberLimit = uint64_t{1} << 56;

// Header fields in CPU byte order.
struct DiskHeader {
  uint32_t magic = 0;
  uint32_t valid = 0;
  uint32_t version = 0;
  uint32_t chunk_size_sectors = 0;
};

DiskHeader DecodeHeader(std::span<const std::byte, kHeaderBytes> raw);
void EncodeHeader(const DiskHeader& header, std::span<std::byte, kHeaderBytes> raw);

// One table entry in CPU byte order; the kernel's names are kept because the
// table is the kernel's: old_chunk is on the origin, new_chunk in the store.
struct DiskException {
  uint64_t old_chunk = 0;
  uint64_t new_chunk = 0;
};

DiskException DecodeException(std::span<const std::byte, kDiskExceptionBytes> raw);
void EncodeException(const DiskException& entry,
                     std::span<std::byte, kDiskExceptionBytes> raw);

bool IsLegalChunkSize(uint32_t chunk_size_sectors);

// Where things live for one chunk size.
class Geometry {
 public:
  explicit Geometry(uint32_t chunk_size_sectors);

  uint32_t chunk_size_sectors() const { return chunk_size_sectors_; }
  uint64_t chunk_size_bytes() const { return uint64_t{chunk_size_sectors_} * kSectorBytes; }
  // exceptions_per_area in the kernel: one area chunk full of 16-byte entries.
  uint64_t exceptions_per_area() const { return chunk_size_bytes() / kDiskExceptionBytes; }

  // Chunk index of metadata area `area` (area_location() in the kernel).
  uint64_t AreaChunk(uint64_t area) const { return 1 + area * (exceptions_per_area() + 1); }
  // True for the header chunk and every metadata area chunk.
  bool IsMetadataChunk(uint64_t chunk) const {
    return chunk == 0 || (chunk - 1) % (exceptions_per_area() + 1) == 0;
  }
  // The chunk the kernel allocates for the n-th exception (counting from 0)
  // when it commits in allocation order, as kernels since 3.13 do.
  uint64_t NthDataChunk(uint64_t n) const {
    const uint64_t epa = exceptions_per_area();
    return AreaChunk(n / epa) + 1 + n % epa;
  }
  // The metadata area chunks that n more exceptions can take in a store,
  // with room to spare for the one half full and the next: what to add to
  // their n data chunks when sizing or extending a store.
  uint64_t AreaChunksFor(uint64_t n) const { return n / exceptions_per_area() + 2; }

 private:
  uint32_t chunk_size_sectors_;
};

}  // namespace lvmrevert::store
