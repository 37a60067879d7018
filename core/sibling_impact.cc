#include "core/sibling_impact.h"

#include <algorithm>

namespace lvmrevert {
namespace {

// Data chunks (neither header nor area) with index below `end`.
uint64_t DataChunksBelow(const store::Geometry& g, uint64_t end) {
  if (end <= 1) return 0;
  const uint64_t stride = g.exceptions_per_area() + 1;
  const uint64_t areas = (end - 1 + stride - 1) / stride;  // area chunks in [1, end)
  return end - 1 - areas;
}

}  // namespace

uint64_t RemainingCapacity(const ExceptionStore& sibling) {
  const store::Geometry g = sibling.geometry();
  const uint64_t epa = g.exceptions_per_area();
  // The kernel's next_free after loading: one past the highest data chunk,
  // at least the first data chunk, moved off a metadata chunk.
  uint64_t next_free = 2;
  for (const Exception& e : sibling.exceptions) next_free = std::max(next_free, e.cow_chunk + 1);
  if (g.IsMetadataChunk(next_free)) ++next_free;
  const uint64_t allocatable =
      next_free >= sibling.store_chunks
          ? 0
          : DataChunksBelow(g, sibling.store_chunks) - DataChunksBelow(g, next_free);

  // The commit that fills area A zeroes area A+1 first; past the end of the
  // store that write fails and the snapshot is invalidated.
  const uint64_t committed = sibling.exceptions.size();
  for (uint64_t filling = committed / epa;; ++filling) {
    const uint64_t commits_to_fill = (filling + 1) * epa - committed;
    if (commits_to_fill > allocatable) return allocatable;
    if (g.AreaChunk(filling + 1) >= sibling.store_chunks) return commits_to_fill - 1;
  }
}

SiblingImpact AssessSibling(const Plan& plan, const ExceptionStore& sibling,
                            uint64_t sibling_origin_bytes) {
  const uint64_t chunk_bytes = sibling.geometry().chunk_size_bytes();
  const uint64_t sibling_chunks = (sibling_origin_bytes + chunk_bytes - 1) / chunk_bytes;
  const Exception* saved_begin = sibling.exceptions.begin();
  const Exception* saved_end = sibling.exceptions.end();
  auto saved_below = [&](uint64_t chunk) {
    return static_cast<uint64_t>(
        std::lower_bound(saved_begin, saved_end, chunk,
                         [](const Exception& e, uint64_t c) { return e.origin_chunk < c; }) -
        saved_begin);
  };

  SiblingImpact impact;
  uint64_t next_uncounted = 0;  // sibling chunks below this are already counted
  plan.ForEachRun([&](const ChunkRun& run) {
    const uint64_t start_byte = run.origin_chunk * plan.chunk_size_bytes();
    uint64_t first = start_byte / chunk_bytes;
    uint64_t last = (start_byte + run.length_bytes - 1) / chunk_bytes;
    first = std::max(first, next_uncounted);
    last = std::min(last, sibling_chunks == 0 ? 0 : sibling_chunks - 1);
    if (sibling_chunks == 0 || first > last) return true;
    const uint64_t already_saved = saved_below(last + 1) - saved_below(first);
    impact.new_chunks += (last - first + 1) - already_saved;
    next_uncounted = last + 1;
    return true;
  });
  impact.free_chunks = RemainingCapacity(sibling);
  return impact;
}

}  // namespace lvmrevert
