// Copies every run of a plan from the store to the origin through an
// IoEngine: each piece is read into a buffer slot and then written out; short
// transfers are re-issued for the remainder; the origin is flushed once at the
// end. On the first error no new work starts, requests in flight are drained,
// and the error is returned.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "core/io_engine.h"
#include "core/plan.h"
#include "core/status.h"

namespace lvmrevert {

struct CopyOptions {
  // Largest single read or write. A multiple of 4096.
  uint32_t max_io_bytes = 2 << 20;
  // Called after each completed write with the bytes written so far.
  std::function<void(uint64_t bytes_written)> on_progress;
  // Polled between I/Os; returning a non-ok status stops the copy with it
  // (a signal arrived, say). In-flight requests are drained first.
  std::function<Status()> check_continue;
  // Called with each write's origin offset and data before it is first
  // issued (--verify digests them).
  std::function<void(uint64_t origin_offset_bytes, std::span<const std::byte> data)> on_write_data;
  // Called before a buffer is filled again, and before the copy returns or
  // throws (its buffers are freed): until then on_write_data's callee may
  // still read the data it was given, on another thread.
  std::function<void()> before_buffer_reuse;
  // A descriptor of the origin without O_DIRECT for its unaligned tail (see
  // TransferPiece), or -1 to send the tail through the engine like the rest.
  int buffered_origin_fd = -1;
};

struct CopyStats {
  uint64_t bytes_written = 0;
  uint64_t reads = 0;   // requests, re-issues included
  uint64_t writes = 0;
};

// Errors: kIOError when nothing was written yet (a read failed first);
// kIncomplete once any write was issued (the origin is partly reverted).
Status CopyPlan(const Plan& plan, IoEngine& engine, int cow_fd, int origin_fd,
                const CopyOptions& options, CopyStats* stats);

}  // namespace lvmrevert
