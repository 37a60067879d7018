#include "core/transfer.h"

#include <algorithm>

#include "core/aligned_buffer.h"

namespace lvmrevert {

TransferCursor::TransferCursor(const Plan& plan, uint32_t max_io_bytes, uint32_t max_pieces)
    : plan_(plan),
      max_io_bytes_(max_io_bytes),
      max_pieces_(max_pieces),
      chunk_bytes_(plan.chunk_size_bytes()) {}

bool WritesUnalignedTail(const Plan& plan) {
  const auto exceptions = plan.exceptions();
  if (exceptions.empty() || plan.origin_size_bytes() % kDirectIoAlignment == 0) return false;
  const uint64_t last_chunk = (plan.origin_size_bytes() - 1) / plan.chunk_size_bytes();
  return exceptions[exceptions.size() - 1].origin_chunk == last_chunk;
}

void TransferCursor::SplitUnalignedTail(Transfer* t) const {
  if (t->writes.empty()) return;
  TransferPiece& last = t->writes.back();
  const uint32_t tail = last.length_bytes % kDirectIoAlignment;
  if (tail == 0 || last.device_offset_bytes + last.length_bytes != plan_.origin_size_bytes()) {
    return;
  }
  TransferPiece tail_piece{last.device_offset_bytes + last.length_bytes - tail,
                           last.buffer_offset_bytes + last.length_bytes - tail, tail, true};
  last.length_bytes -= tail;
  if (last.length_bytes == 0) {
    last = tail_piece;
  } else {
    t->writes.push_back(tail_piece);
  }
}

uint64_t TransferCursor::LengthOf(uint64_t origin_chunk) const {
  return std::min(chunk_bytes_, plan_.origin_size_bytes() - origin_chunk * chunk_bytes_);
}

bool TransferCursor::Next(Transfer* t) {
  const auto exceptions = plan_.exceptions();
  if (next_ >= exceptions.size()) return false;
  t->reads.clear();
  t->writes.clear();

  if (chunk_bytes_ > max_io_bytes_) {
    // A chunk larger than a buffer: a piece of it at a time.
    const Exception& e = exceptions[next_];
    const auto length = static_cast<uint32_t>(
        std::min<uint64_t>(max_io_bytes_, LengthOf(e.origin_chunk) - next_offset_in_chunk_));
    t->reads.push_back({e.cow_chunk * chunk_bytes_ + next_offset_in_chunk_, 0, length});
    t->writes.push_back({e.origin_chunk * chunk_bytes_ + next_offset_in_chunk_, 0, length});
    next_offset_in_chunk_ += length;
    if (next_offset_in_chunk_ >= LengthOf(e.origin_chunk)) {
      next_offset_in_chunk_ = 0;
      ++next_;
    }
    SplitUnalignedTail(t);
    return true;
  }

  uint64_t used = 0;
  const Exception* previous = nullptr;
  while (next_ < exceptions.size()) {
    const Exception& e = exceptions[next_];
    const auto length = static_cast<uint32_t>(LengthOf(e.origin_chunk));
    // Whole store chunks are read, even for a partial last origin chunk: the
    // chunk lies inside the store, and whole chunks keep O_DIRECT aligned.
    // Only the last origin chunk can be partial, so nothing follows it.
    if (used + chunk_bytes_ > max_io_bytes_) break;
    const bool reads_on = previous != nullptr && e.cow_chunk == previous->cow_chunk + 1;
    if (!reads_on && t->reads.size() >= max_pieces_) break;
    const auto at = static_cast<uint32_t>(used);
    if (reads_on) {
      t->reads.back().length_bytes += static_cast<uint32_t>(chunk_bytes_);
    } else {
      t->reads.push_back({e.cow_chunk * chunk_bytes_, at, static_cast<uint32_t>(chunk_bytes_)});
    }
    if (previous != nullptr && e.origin_chunk == previous->origin_chunk + 1) {
      t->writes.back().length_bytes += length;  // consecutive on the origin and in the buffer
    } else {
      t->writes.push_back({e.origin_chunk * chunk_bytes_, at, length});
    }
    used += chunk_bytes_;
    previous = &e;
    ++next_;
  }
  SplitUnalignedTail(t);
  return true;
}

}  // namespace lvmrevert
