// The revert plan: which bytes of the store go where on the origin. Pure: no
// I/O, so every rule here is unit-tested on plain numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "core/exception_list.h"
#include "core/status.h"

namespace lvmrevert {

// Chunks consecutive on both the origin and the store: one read and one
// write, or one `dd` line.
struct ChunkRun {
  uint64_t origin_chunk = 0;
  uint64_t cow_chunk = 0;
  uint64_t chunk_count = 0;
  // chunk_count whole chunks, less what lies past the end of the origin.
  uint64_t length_bytes = 0;

  friend bool operator==(const ChunkRun&, const ChunkRun&) = default;
};

struct PlanTotals {
  uint64_t exceptions = 0;
  uint64_t runs = 0;
  uint64_t bytes = 0;  // written to the origin
};

class Plan {
 public:
  // Sorts `exceptions` by origin chunk. Fails with kInvalidArgument on a
  // duplicate origin chunk or a chunk that starts at or past the origin's end.
  // The last chunk may be partial: its copy is clamped to the origin size.
  static StatusOr<Plan> Build(ExceptionList exceptions, uint64_t chunk_size_bytes,
                              uint64_t origin_size_bytes);

  uint64_t chunk_size_bytes() const { return chunk_size_bytes_; }
  uint64_t origin_size_bytes() const { return origin_size_bytes_; }
  const PlanTotals& totals() const { return totals_; }
  // The saved chunks, sorted by origin chunk.
  std::span<const Exception> exceptions() const { return exceptions_.span(); }

  // Calls fn for each run in origin order; stops early when fn returns false.
  void ForEachRun(const std::function<bool(const ChunkRun&)>& fn) const;

 private:
  friend class RunCursor;

  Plan(ExceptionList exceptions, uint64_t chunk_size_bytes, uint64_t origin_size_bytes)
      : exceptions_(std::move(exceptions)),
        chunk_size_bytes_(chunk_size_bytes),
        origin_size_bytes_(origin_size_bytes) {}

  uint64_t ChunkLengthBytes(uint64_t origin_chunk) const;

  // Runs are derived on demand rather than stored: for a scattered store
  // there are as many runs as exceptions, and memory is bounded per exception.
  ExceptionList exceptions_;
  uint64_t chunk_size_bytes_;
  uint64_t origin_size_bytes_;
  PlanTotals totals_;
};

// Pulls the runs of a plan one at a time, in origin order.
class RunCursor {
 public:
  explicit RunCursor(const Plan& plan) : plan_(plan) {}
  // False when there are no more runs.
  bool Next(ChunkRun* run);

 private:
  const Plan& plan_;
  size_t next_index_ = 0;
};

}  // namespace lvmrevert
