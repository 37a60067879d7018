// Builds exception stores in the kernel's exact layout, for tests, the fuzz
// seeds and the benchmark generator. Data chunks are allocated the way a
// modern kernel allocates them (in order, skipping metadata areas) unless a
// test says otherwise; every field can then be damaged one at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"
#include "core/store_format.h"

namespace lvmrevert::testing {

class StoreBuilder {
 public:
  explicit StoreBuilder(uint32_t chunk_size_sectors);

  // Appends an exception for origin_chunk. Its data goes to the next free
  // data chunk, or to `new_chunk` when given.
  StoreBuilder& Add(uint64_t origin_chunk, std::optional<uint64_t> new_chunk = std::nullopt);
  // The store's size in chunks. By default: just enough for the data, the
  // areas and the zeroed area that ends a full table.
  StoreBuilder& SetStoreChunks(uint64_t chunks);
  store::DiskHeader& header() { return header_; }
  // Leave data chunks unwritten (sparse): only the header and areas matter.
  StoreBuilder& SkipData() {
    skip_data_ = true;
    return *this;
  }

  const store::Geometry& geometry() const { return geometry_; }
  uint64_t chunk_size_bytes() const { return geometry_.chunk_size_bytes(); }
  const std::vector<store::DiskException>& entries() const { return entries_; }
  uint64_t StoreChunks() const;

  // Byte offset of table entry `index` (counting all areas) in the store.
  uint64_t EntryOffset(uint64_t index) const;

  // The whole store in memory. Data chunks hold `data(origin_chunk)` bytes.
  std::vector<std::byte> Build() const;
  // The same, written to an open file (sparse where nothing is written).
  Status WriteTo(int fd) const;

 private:
  template <typename WriteFn>
  Status Emit(WriteFn&& write) const;

  store::Geometry geometry_;
  store::DiskHeader header_;
  std::vector<store::DiskException> entries_;
  uint64_t next_data_index_ = 0;
  std::optional<uint64_t> store_chunks_;
  bool skip_data_ = false;
};

// The seed of the data chunks a StoreBuilder writes.
inline constexpr uint64_t kSnapshotDataSeed = 0x5eed;

// Deterministic, distinct contents for one chunk: what the snapshot saved
// for origin_chunk, under `seed`.
void FillChunk(uint64_t seed, uint64_t origin_chunk, std::span<std::byte> out);

// An image of `bytes` bytes in chunks of `chunk_bytes`, chunk c filled by
// FillChunk(seed, c); the last chunk is partial when `bytes` is not a
// multiple of the chunk size.
std::vector<std::byte> PatternImage(uint64_t seed, uint64_t bytes, uint64_t chunk_bytes);

// `origin` as a revert to `store` leaves it: every chunk the store saved
// holds the snapshot's data (kSnapshotDataSeed).
std::vector<std::byte> RevertedImage(std::vector<std::byte> origin, const StoreBuilder& store);

}  // namespace lvmrevert::testing
