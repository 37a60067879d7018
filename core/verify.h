// Proving the result: --verify reads back what a copy wrote and checks it
// against what was written; --compare reads both sides of a plan without
// writing and counts what differs.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "core/chunk_source.h"
#include "core/plan.h"
#include "core/status.h"

namespace lvmrevert {

// Digests of what a copy wrote to the origin, one per write, taken from the
// copier's buffers as they were written. Reading the origin back and
// digesting it again checks the written bytes without reading the store a
// second time. The digests are taken on a thread of the log's own, so the
// copier's thread goes on issuing I/O meanwhile.
class WriteLog {
 public:
  WriteLog() = default;
  ~WriteLog();
  WriteLog(const WriteLog&) = delete;
  WriteLog& operator=(const WriteLog&) = delete;

  // Queues `data` for its digest: it must stay as it is until Settle()
  // returns (the copier's before_buffer_reuse).
  void Record(uint64_t origin_offset_bytes, std::span<const std::byte> data);
  // Waits until every range recorded so far is digested.
  void Settle() const;

  struct Range {
    uint64_t offset_bytes = 0;
    uint32_t length_bytes = 0;
    uint64_t digest = 0;
  };
  // Every range recorded, digested (waits for them).
  const std::deque<Range>& ranges() const;

 private:
  void DigestQueued();

  std::deque<Range> ranges_;
  std::deque<std::span<const std::byte>> data_;  // of each range, until digested
  size_t digested_ = 0;                          // ranges_[0, digested_) are
  bool stopping_ = false;
  mutable std::mutex mutex_;
  mutable std::condition_variable queued_, digested_some_;
  std::thread worker_;  // started by the first Record
};

// The snapshot's bytes for an origin range of `plan` (every chunk in it must
// be one the store saved).
Status ReadExpected(const Plan& plan, ChunkSource& store, uint64_t origin_offset_bytes,
                    std::span<std::byte> out);

struct VerifyResult {
  uint64_t verified_bytes = 0;
  // The first origin byte that does not hold what was written, if any.
  std::optional<uint64_t> first_mismatch_bytes;
};

// Reads back every range in `log` from `origin` and compares it; on a
// mismatch, finds the first differing byte against the store.
StatusOr<VerifyResult> VerifyWritten(const WriteLog& log, ChunkSource& origin, const Plan& plan,
                                     ChunkSource& store);

struct CompareResult {
  uint64_t chunks = 0;  // saved chunks compared
  uint64_t bytes = 0;
  uint64_t differing_chunks = 0;
  uint64_t differing_bytes = 0;
  std::optional<uint64_t> first_difference_bytes;  // origin offset
};

// Every chunk the store saved against the origin's current content.
StatusOr<CompareResult> ComparePlan(const Plan& plan, ChunkSource& store, ChunkSource& origin);

// The first `length_bytes` of two sources, every `chunk_bytes` block of them
// (a thin snapshot keeps no list of what it saved: all of it counts).
StatusOr<CompareResult> CompareWhole(ChunkSource& expected, ChunkSource& actual,
                                     uint64_t length_bytes, uint32_t chunk_bytes);

}  // namespace lvmrevert
