#include "core/store_reader.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/endian.h"

namespace lvmrevert {
namespace {

using store::DiskException;
using store::Geometry;
using store::kDiskExceptionBytes;

// Areas are read in pieces of at most this size, so a store with huge chunks
// does not need a huge buffer.
constexpr uint64_t kAreaPieceBytes = 1 << 20;
// Areas read at once: at most this many, and at most this many bytes.
constexpr uint64_t kMaxAreasPerBatch = 64;
constexpr uint64_t kBatchBytes = 4 << 20;

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08" PRIx32, v);
  return buf;
}

std::string Where(uint64_t area, uint64_t index) {
  return "area " + std::to_string(area) + " entry " + std::to_string(index);
}

Status ValidateHeader(const store::DiskHeader& h) {
  if (h.magic == 0) {
    return Status::Corruption(
        "the store header is empty (magic 0): the kernel never initialised this store");
  }
  if (h.magic != store::kSnapMagic) {
    return Status::Corruption("bad magic " + Hex32(h.magic) + " in the store header (expected " +
                              Hex32(store::kSnapMagic) +
                              ", \"SnAp\"): not a dm-snapshot exception store");
  }
  if (h.version != store::kDiskVersion) {
    return Status::Corruption("unsupported store version " + std::to_string(h.version) +
                              " (the kernel only writes version 1)");
  }
  if (h.valid == 0) {
    return Status::Refused(
        "the kernel marked this snapshot invalid (header valid=0), e.g. because it overflowed: "
        "its saved chunks are incomplete and cannot be reverted")
        .WithReason(RefusalReason::kSnapshotInvalid);
  }
  if (!store::IsLegalChunkSize(h.chunk_size_sectors)) {
    return Status::Corruption("invalid chunk size " + std::to_string(h.chunk_size_sectors) +
                              " sectors in the store header (must be a power of two from " +
                              std::to_string(store::kMinChunkSectors) + " to " +
                              std::to_string(store::kMaxChunkSectors) + ")");
  }
  return Status::Ok();
}

// What the walk knows about where it is, for checks and messages.
struct WalkLimits {
  Geometry geometry;
  uint64_t store_chunks;
  uint64_t origin_chunks;
};

Status ValidateEntry(const WalkLimits& limits, uint64_t area, uint64_t index,
                     const DiskException& e) {
  // "area A entry I: FIELD N WHY"
  const auto bad = [&](const char* field, uint64_t chunk, const std::string& why) {
    return Status::Corruption(Where(area, index) + ": " + field + " " + std::to_string(chunk) +
                              " " + why);
  };
  if (e.new_chunk >= store::kChunkNumberLimit) {
    return bad("new_chunk", e.new_chunk, "is not a valid chunk number (not below 2^56)");
  }
  if (e.new_chunk >= limits.store_chunks) {
    return bad("new_chunk", e.new_chunk,
               "lies past the end of the store (" + std::to_string(limits.store_chunks) +
                   " chunks)");
  }
  if (limits.geometry.IsMetadataChunk(e.new_chunk)) {
    return bad("new_chunk", e.new_chunk, "is a metadata chunk, not a data chunk");
  }
  if (e.old_chunk >= limits.origin_chunks) {
    return bad("old_chunk", e.old_chunk,
               "lies past the end of the origin (" + std::to_string(limits.origin_chunks) +
                   " chunks)");
  }
  return Status::Ok();
}

// Feeds the entries of one area, in order, to `visit`, and notices the end
// of the table.
template <typename Visitor>
class AreaParser {
 public:
  AreaParser(const WalkLimits& limits, Visitor& visit) : limits_(limits), visit_(visit) {}

  bool ended() const { return ended_; }
  void StartArea() {
    ended_ = false;
    end_index_ = 0;
  }

  // `bytes` holds the entries of `area` from `first_index` on.
  Status Feed(uint64_t area, uint64_t first_index, std::span<const std::byte> bytes) {
    const uint64_t entries = bytes.size() / kDiskExceptionBytes;
    for (uint64_t i = 0; i < entries; ++i) {
      const uint64_t index = first_index + i;
      const std::byte* raw = bytes.data() + i * kDiskExceptionBytes;
      if (ended_) {
        // Nothing the kernel writes leaves data after the end marker; a
        // zeroed entry in the middle of a table would otherwise silently
        // drop every exception after it.
        if (LoadLe64(raw) != 0 || LoadLe64(raw + 8) != 0) {
          return Status::Corruption(Where(area, end_index_) +
                                    ": the table ends here (new_chunk 0) but " +
                                    Where(area, index) + " is not empty");
        }
        continue;
      }
      const DiskException e = store::DecodeException(
          std::span<const std::byte, kDiskExceptionBytes>(raw, kDiskExceptionBytes));
      if (e.new_chunk == 0) {
        if (e.old_chunk != 0) {
          return Status::Corruption(Where(area, index) + ": the table ends here (new_chunk 0) "
                                    "but its old_chunk is " + std::to_string(e.old_chunk) +
                                    ", not 0");
        }
        ended_ = true;
        end_index_ = index;
        continue;
      }
      Status v = ValidateEntry(limits_, area, index, e);
      if (!v.ok()) return v;
      v = visit_(area, index, e);
      if (!v.ok()) return v;
    }
    return Status::Ok();
  }

 private:
  const WalkLimits& limits_;
  Visitor& visit_;
  bool ended_ = false;
  uint64_t end_index_ = 0;
};

Status TruncatedAt(uint64_t area, uint64_t area_chunk, uint64_t store_chunks) {
  // The kernel zeroes area N+1 before it marks area N full and invalidates
  // the snapshot when it cannot, so a valid store always has room for it.
  return Status::Corruption("area " + std::to_string(area) + " would be chunk " +
                            std::to_string(area_chunk) + ", past the end of the store (" +
                            std::to_string(store_chunks) + " chunks), but area " +
                            std::to_string(area - 1) + " is full: the store is truncated");
}

// Calls visit(area, index, entry) for every entry the kernel would load, in
// table order: areas are read while they are full; the first entry with
// new_chunk == 0 ends the table, and nothing after that area is parsed.
//
// Areas are read several at a time (1, 2, 4, ... up to kMaxAreasPerBatch) so
// a large table is read with many requests in flight; a batch may read a few
// areas past the end of the table, which are then ignored.
template <typename Visitor>
Status WalkTable(ChunkSource& source, const WalkLimits& limits, uint64_t* areas_read,
                 Visitor&& visit) {
  const Geometry& g = limits.geometry;
  const uint64_t chunk_bytes = g.chunk_size_bytes();
  AreaParser<Visitor> parser(limits, visit);

  if (chunk_bytes > kAreaPieceBytes) {
    // Huge chunks: one area at a time, in pieces, so the buffer stays small.
    AlignedBuffer piece(kAreaPieceBytes);
    for (uint64_t area = 0;; ++area) {
      const uint64_t area_chunk = g.AreaChunk(area);
      if (area_chunk >= limits.store_chunks) return TruncatedAt(area, area_chunk, limits.store_chunks);
      *areas_read = area + 1;
      parser.StartArea();
      for (uint64_t at = 0; at < chunk_bytes; at += kAreaPieceBytes) {
        Status s = source.ReadAt(area_chunk * chunk_bytes + at, piece.span());
        if (!s.ok()) return s.WithPrefix("reading area " + std::to_string(area));
        s = parser.Feed(area, at / kDiskExceptionBytes, piece.span());
        if (!s.ok()) return s;
      }
      if (parser.ended()) return Status::Ok();
    }
  }

  const uint64_t max_batch =
      std::clamp<uint64_t>(kBatchBytes / chunk_bytes, 1, kMaxAreasPerBatch);
  AlignedBuffer buffer(max_batch * chunk_bytes);
  std::vector<ReadRequest> requests;
  uint64_t batch = 1;
  for (uint64_t area = 0;; batch = std::min(batch * 2, max_batch)) {
    requests.clear();
    while (requests.size() < batch && g.AreaChunk(area + requests.size()) < limits.store_chunks) {
      requests.push_back(ReadRequest{g.AreaChunk(area + requests.size()) * chunk_bytes,
                                     {buffer.data() + requests.size() * chunk_bytes, chunk_bytes}});
    }
    if (requests.empty()) return TruncatedAt(area, g.AreaChunk(area), limits.store_chunks);
    Status s = source.ReadMany(requests);
    if (!s.ok()) {
      return s.WithPrefix(requests.size() == 1 ? "reading area " + std::to_string(area)
                                               : "reading areas " + std::to_string(area) + "-" +
                                                     std::to_string(area + requests.size() - 1));
    }
    for (size_t i = 0; i < requests.size(); ++i, ++area) {
      *areas_read = area + 1;
      parser.StartArea();
      s = parser.Feed(area, 0, requests[i].out);
      if (!s.ok()) return s;
      if (parser.ended()) return Status::Ok();
    }
  }
}

}  // namespace

StatusOr<store::DiskHeader> ReadStoreHeader(ChunkSource& source) {
  if (source.size_bytes() < store::kHeaderBytes) {
    return Status::Corruption("the store is " + std::to_string(source.size_bytes()) +
                              " bytes, too small to hold a header");
  }
  std::byte raw[store::kHeaderBytes];
  Status s = source.ReadAt(0, raw);
  if (!s.ok()) return s.WithPrefix("reading the store header");
  const store::DiskHeader header = store::DecodeHeader(raw);
  s = ValidateHeader(header);
  if (!s.ok()) return s;
  return header;
}

StatusOr<ExceptionStore> ReadExceptionStore(ChunkSource& source,
                                            const StoreReadOptions& options) {
  StatusOr<store::DiskHeader> header = ReadStoreHeader(source);
  if (!header.ok()) return header.status();

  ExceptionStore result;
  result.chunk_size_sectors = header->chunk_size_sectors;
  const Geometry g = result.geometry();
  const uint64_t chunk_bytes = g.chunk_size_bytes();
  result.store_chunks = source.size_bytes() / chunk_bytes;
  if (result.store_chunks < 2) {
    return Status::Corruption("the store is " + std::to_string(source.size_bytes()) +
                              " bytes, too small for the header and first metadata area of " +
                              std::to_string(chunk_bytes) + "-byte chunks: it is truncated");
  }
  const WalkLimits limits{g, result.store_chunks,
                          (options.origin_size_bytes + chunk_bytes - 1) / chunk_bytes};

  Status s = WalkTable(source, limits, &result.metadata_areas,
                       [&](uint64_t, uint64_t, const DiskException& e) {
                         result.exceptions.push_back(Exception{e.old_chunk, e.new_chunk});
                         return Status::Ok();
                       });
  if (!s.ok()) return s;

  auto by_origin = [](const Exception& a, const Exception& b) {
    return a.origin_chunk < b.origin_chunk;
  };
  std::sort(result.exceptions.begin(), result.exceptions.end(), by_origin);
  auto dup = std::adjacent_find(result.exceptions.begin(), result.exceptions.end(),
                                [](const Exception& a, const Exception& b) {
                                  return a.origin_chunk == b.origin_chunk;
                                });
  if (dup != result.exceptions.end()) {
    // Rare and fatal: walk the table again to name both entries.
    const uint64_t origin_chunk = dup->origin_chunk;
    std::vector<std::string> places;
    uint64_t ignored_areas = 0;
    Status again = WalkTable(source, limits, &ignored_areas,
                             [&](uint64_t area, uint64_t index, const DiskException& e) {
                               if (e.old_chunk == origin_chunk) places.push_back(Where(area, index));
                               return Status::Ok();
                             });
    std::string where = places.size() >= 2 ? ": " + places[0] + " and " + places[1] : "";
    if (!again.ok()) where.clear();
    return Status::Corruption("old_chunk " + std::to_string(origin_chunk) +
                              " appears more than once in the table" + where);
  }
  return result;
}

}  // namespace lvmrevert
