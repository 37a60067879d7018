#include "tests/support/store_builder.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace lvmrevert::testing {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

void FillChunk(uint64_t seed, uint64_t origin_chunk, std::span<std::byte> out) {
  uint64_t state = seed * 0x100000001b3ull ^ origin_chunk;
  size_t i = 0;
  for (; i + 8 <= out.size(); i += 8) {
    const uint64_t v = SplitMix64(state);
    std::memcpy(out.data() + i, &v, 8);
  }
  for (; i < out.size(); ++i) out[i] = static_cast<std::byte>(SplitMix64(state));
}

std::vector<std::byte> PatternImage(uint64_t seed, uint64_t bytes, uint64_t chunk_bytes) {
  std::vector<std::byte> image(bytes);
  for (uint64_t c = 0; c * chunk_bytes < bytes; ++c) {
    const uint64_t length = std::min(chunk_bytes, bytes - c * chunk_bytes);
    FillChunk(seed, c, std::span(image).subspan(c * chunk_bytes, length));
  }
  return image;
}

std::vector<std::byte> RevertedImage(std::vector<std::byte> origin, const StoreBuilder& store) {
  const uint64_t chunk = store.chunk_size_bytes();
  for (const store::DiskException& e : store.entries()) {
    FillChunk(kSnapshotDataSeed, e.old_chunk, std::span(origin).subspan(e.old_chunk * chunk, chunk));
  }
  return origin;
}

StoreBuilder::StoreBuilder(uint32_t chunk_size_sectors)
    : geometry_(chunk_size_sectors),
      header_{store::kSnapMagic, 1, store::kDiskVersion, chunk_size_sectors} {}

StoreBuilder& StoreBuilder::Add(uint64_t origin_chunk, std::optional<uint64_t> new_chunk) {
  const uint64_t chunk = new_chunk ? *new_chunk : geometry_.NthDataChunk(next_data_index_);
  ++next_data_index_;
  entries_.push_back({origin_chunk, chunk});
  return *this;
}

StoreBuilder& StoreBuilder::SetStoreChunks(uint64_t chunks) {
  store_chunks_ = chunks;
  return *this;
}

uint64_t StoreBuilder::StoreChunks() const {
  if (store_chunks_) return *store_chunks_;
  const uint64_t epa = geometry_.exceptions_per_area();
  // The area holding the end marker: the one after the last full area.
  const uint64_t last_area = entries_.size() / epa;
  uint64_t chunks = geometry_.AreaChunk(last_area) + 1;
  for (const auto& e : entries_) {
    if (e.new_chunk < (uint64_t{1} << 40)) chunks = std::max(chunks, e.new_chunk + 1);
  }
  return chunks;
}

uint64_t StoreBuilder::EntryOffset(uint64_t index) const {
  const uint64_t epa = geometry_.exceptions_per_area();
  return geometry_.AreaChunk(index / epa) * chunk_size_bytes() +
         (index % epa) * store::kDiskExceptionBytes;
}

template <typename WriteFn>
Status StoreBuilder::Emit(WriteFn&& write) const {
  const uint64_t chunk_bytes = chunk_size_bytes();
  const uint64_t store_bytes = StoreChunks() * chunk_bytes;
  std::vector<std::byte> chunk(chunk_bytes);

  store::EncodeHeader(header_, std::span<std::byte, store::kHeaderBytes>(chunk.data(), store::kHeaderBytes));
  Status s = write(0, std::span<const std::byte>(chunk));
  if (!s.ok()) return s;

  const uint64_t epa = geometry_.exceptions_per_area();
  const uint64_t areas = entries_.size() / epa + 1;
  for (uint64_t area = 0; area < areas; ++area) {
    std::fill(chunk.begin(), chunk.end(), std::byte{0});
    for (uint64_t i = 0; i < epa && area * epa + i < entries_.size(); ++i) {
      store::EncodeException(entries_[area * epa + i],
                             std::span<std::byte, store::kDiskExceptionBytes>(
                                 chunk.data() + i * store::kDiskExceptionBytes, store::kDiskExceptionBytes));
    }
    const uint64_t offset = geometry_.AreaChunk(area) * chunk_bytes;
    if (offset + chunk_bytes > store_bytes) break;  // a deliberately short store
    s = write(offset, std::span<const std::byte>(chunk));
    if (!s.ok()) return s;
  }
  for (const auto& e : skip_data_ ? std::vector<store::DiskException>{} : entries_) {
    const uint64_t offset = e.new_chunk * chunk_bytes;
    if (e.new_chunk == 0 || geometry_.IsMetadataChunk(e.new_chunk) ||
        e.new_chunk >= StoreChunks() || offset + chunk_bytes > store_bytes) {
      continue;  // a damaged entry: there is no data chunk to fill
    }
    FillChunk(kSnapshotDataSeed, e.old_chunk, chunk);
    s = write(offset, std::span<const std::byte>(chunk));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

std::vector<std::byte> StoreBuilder::Build() const {
  std::vector<std::byte> out(StoreChunks() * chunk_size_bytes());
  Status s = Emit([&out](uint64_t offset, std::span<const std::byte> bytes) {
    std::memcpy(out.data() + offset, bytes.data(), bytes.size());
    return Status::Ok();
  });
  (void)s;
  return out;
}

Status StoreBuilder::WriteTo(int fd) const {
  if (::ftruncate(fd, static_cast<off_t>(StoreChunks() * chunk_size_bytes())) != 0) {
    return Status::FromErrno(errno, "ftruncate");
  }
  return Emit([fd](uint64_t offset, std::span<const std::byte> bytes) {
    if (::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)) !=
        static_cast<ssize_t>(bytes.size())) {
      return Status::FromErrno(errno, "pwrite");
    }
    return Status::Ok();
  });
}

}  // namespace lvmrevert::testing
