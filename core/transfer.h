// How the copier walks a plan: in origin order, a buffer at a time. Each
// buffer holds consecutive entries of the plan laid out as they go onto the
// origin, so every run of chunks consecutive on the origin is one write, even
// when the store keeps them apart; it is filled by reads that are as long as
// the store allows (chunks consecutive in the store are read together).
//
// The writes then reach the origin in ascending order: a scattered store
// (random origin writes after the snapshot) becomes small reads spread over
// the store and ascending writes, which devices and their caches take far
// better than random writes; a store of long runs becomes long reads and long
// writes.
#pragma once

#include <cstdint>
#include <vector>

#include "core/plan.h"

namespace lvmrevert {

// True when the plan writes an unaligned tail (see TransferPiece).
bool WritesUnalignedTail(const Plan& plan);

// One request's worth of a transfer: a device range and where it sits in
// the transfer's buffer.
struct TransferPiece {
  uint64_t device_offset_bytes = 0;
  uint32_t buffer_offset_bytes = 0;
  uint32_t length_bytes = 0;
  // The origin's unaligned end: a partial last chunk whose length is not a
  // multiple of kDirectIoAlignment, which O_DIRECT refuses (EINVAL) on a
  // device or filesystem with 4096-byte logical blocks. It is written
  // without O_DIRECT, after the aligned part.
  bool unaligned_tail = false;
};

struct Transfer {
  std::vector<TransferPiece> reads;   // from the store
  std::vector<TransferPiece> writes;  // to the origin, after every read completed
};

class TransferCursor {
 public:
  // Buffers are max_io_bytes long (a multiple of 4096); no read or write is
  // longer, and a transfer has at most max_pieces reads.
  TransferCursor(const Plan& plan, uint32_t max_io_bytes, uint32_t max_pieces = 1024);

  // False when every chunk has been handed out.
  bool Next(Transfer* transfer);

 private:
  uint64_t LengthOf(uint64_t origin_chunk) const;
  // Splits the origin's unaligned end off the last write, if it is there.
  void SplitUnalignedTail(Transfer* transfer) const;

  const Plan& plan_;
  uint32_t max_io_bytes_;
  uint32_t max_pieces_;
  uint64_t chunk_bytes_;
  size_t next_ = 0;                    // next exception, in origin order
  uint64_t next_offset_in_chunk_ = 0;  // for chunks larger than max_io_bytes
};

}  // namespace lvmrevert
