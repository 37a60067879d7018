// How the copier walks a plan: in the order of the store, so the store is
// read in long sequential requests wherever its chunks are consecutive, and
// each read buffer is written out in the longest runs the origin allows.
// A scattered store (random origin writes: consecutive in the store, random
// on the origin) becomes large sequential reads feeding many small writes;
// a store of long runs becomes large reads and large writes.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <vector>

#include "core/plan.h"

namespace lvmrevert {

// Part of a transfer's buffer written to the origin in one request; its
// pieces come from places in the buffer that need not be adjacent.
struct TransferWrite {
  uint64_t origin_offset_bytes = 0;
  uint32_t length_bytes = 0;
  uint32_t first_piece = 0;  // index into Transfer::pieces
  uint32_t piece_count = 0;
};

struct BufferPiece {
  uint32_t buffer_offset_bytes = 0;
  uint32_t length_bytes = 0;
};

// One read of consecutive store bytes into one buffer, and the writes that
// put them on the origin.
struct Transfer {
  uint64_t cow_offset_bytes = 0;
  uint32_t read_length_bytes = 0;
  std::vector<TransferWrite> writes;
  std::vector<BufferPiece> pieces;
};

class TransferCursor {
 public:
  // `max_io_bytes` bounds each read and each write; a multiple of 4096.
  TransferCursor(const Plan& plan, uint32_t max_io_bytes);

  // False when every chunk has been handed out.
  bool Next(Transfer* transfer);

 private:
  const Exception& At(size_t position) const;
  uint64_t LengthOf(uint64_t origin_chunk) const;

  const Plan& plan_;
  uint32_t max_io_bytes_;
  uint64_t chunk_bytes_;
  // Exceptions in store order (indexes into plan.exceptions()). Empty means
  // the identity order, used when the table is too large for 32-bit indexes.
  std::vector<uint32_t> by_cow_;
  size_t next_ = 0;
  uint64_t next_offset_in_chunk_ = 0;  // for chunks larger than max_io_bytes
  std::vector<std::pair<uint64_t, uint32_t>> scratch_;  // (origin chunk, buffer offset)
};

}  // namespace lvmrevert
