#include "core/plan.h"

#include <algorithm>
#include <string>

namespace lvmrevert {

StatusOr<Plan> Plan::Build(ExceptionList exceptions, uint64_t chunk_size_bytes,
                           uint64_t origin_size_bytes) {
  if (chunk_size_bytes == 0) return Status::InvalidArgument("chunk size is 0");
  auto by_origin = [](const Exception& a, const Exception& b) {
    return a.origin_chunk < b.origin_chunk;
  };
  if (!std::is_sorted(exceptions.begin(), exceptions.end(), by_origin)) {
    std::sort(exceptions.begin(), exceptions.end(), by_origin);
  }
  const uint64_t origin_chunks = (origin_size_bytes + chunk_size_bytes - 1) / chunk_size_bytes;
  for (size_t i = 0; i < exceptions.size(); ++i) {
    if (i > 0 && exceptions[i].origin_chunk == exceptions[i - 1].origin_chunk) {
      return Status::InvalidArgument("origin chunk " + std::to_string(exceptions[i].origin_chunk) +
                                     " is saved twice");
    }
  }
  if (!exceptions.empty() && exceptions[exceptions.size() - 1].origin_chunk >= origin_chunks) {
    return Status::InvalidArgument(
        "origin chunk " + std::to_string(exceptions[exceptions.size() - 1].origin_chunk) +
        " lies past the end of the origin (" + std::to_string(origin_size_bytes) + " bytes)");
  }

  Plan plan(std::move(exceptions), chunk_size_bytes, origin_size_bytes);
  plan.totals_.exceptions = plan.exceptions_.size();
  plan.ForEachRun([&plan](const ChunkRun& run) {
    ++plan.totals_.runs;
    plan.totals_.bytes += run.length_bytes;
    return true;
  });
  return plan;
}

uint64_t Plan::ChunkLengthBytes(uint64_t origin_chunk) const {
  const uint64_t start = origin_chunk * chunk_size_bytes_;
  return std::min(chunk_size_bytes_, origin_size_bytes_ - start);
}

void Plan::ForEachRun(const std::function<bool(const ChunkRun&)>& fn) const {
  RunCursor cursor(*this);
  ChunkRun run;
  while (cursor.Next(&run)) {
    if (!fn(run)) return;
  }
}

bool RunCursor::Next(ChunkRun* run) {
  const ExceptionList& list = plan_.exceptions_;
  if (next_index_ >= list.size()) return false;
  const Exception& first = list[next_index_];
  *run = ChunkRun{first.origin_chunk, first.cow_chunk, 0, 0};
  while (next_index_ < list.size()) {
    const Exception& e = list[next_index_];
    if (e.origin_chunk != run->origin_chunk + run->chunk_count ||
        e.cow_chunk != run->cow_chunk + run->chunk_count) {
      break;
    }
    ++run->chunk_count;
    run->length_bytes += plan_.ChunkLengthBytes(e.origin_chunk);
    ++next_index_;
  }
  return true;
}

}  // namespace lvmrevert
