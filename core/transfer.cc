#include "core/transfer.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace lvmrevert {

TransferCursor::TransferCursor(const Plan& plan, uint32_t max_io_bytes)
    : plan_(plan), max_io_bytes_(max_io_bytes), chunk_bytes_(plan.chunk_size_bytes()) {
  const auto exceptions = plan.exceptions();
  if (exceptions.size() < std::numeric_limits<uint32_t>::max()) {
    by_cow_.resize(exceptions.size());
    std::iota(by_cow_.begin(), by_cow_.end(), 0u);
    // Kernels since 3.13 allocate store chunks in table order, so this is
    // usually the table's own order; sorting makes no assumption about it.
    std::sort(by_cow_.begin(), by_cow_.end(), [&exceptions](uint32_t a, uint32_t b) {
      return exceptions[a].cow_chunk < exceptions[b].cow_chunk;
    });
  }
}

const Exception& TransferCursor::At(size_t position) const {
  const auto exceptions = plan_.exceptions();
  return exceptions[by_cow_.empty() ? position : by_cow_[position]];
}

uint64_t TransferCursor::LengthOf(uint64_t origin_chunk) const {
  return std::min(chunk_bytes_, plan_.origin_size_bytes() - origin_chunk * chunk_bytes_);
}

bool TransferCursor::Next(Transfer* t) {
  const size_t count = plan_.exceptions().size();
  if (next_ >= count) return false;
  t->writes.clear();
  t->pieces.clear();

  if (chunk_bytes_ > max_io_bytes_) {
    // A chunk larger than one request: hand it out a piece at a time.
    const Exception& e = At(next_);
    const uint64_t length = std::min<uint64_t>(max_io_bytes_, LengthOf(e.origin_chunk) - next_offset_in_chunk_);
    t->cow_offset_bytes = e.cow_chunk * chunk_bytes_ + next_offset_in_chunk_;
    t->read_length_bytes = static_cast<uint32_t>(length);
    t->pieces.push_back({0, static_cast<uint32_t>(length)});
    t->writes.push_back({e.origin_chunk * chunk_bytes_ + next_offset_in_chunk_,
                         static_cast<uint32_t>(length), 0, 1});
    next_offset_in_chunk_ += length;
    if (next_offset_in_chunk_ >= LengthOf(e.origin_chunk)) {
      next_offset_in_chunk_ = 0;
      ++next_;
    }
    return true;
  }

  // Consecutive store chunks, up to max_io_bytes.
  const uint64_t chunks_per_read = max_io_bytes_ / chunk_bytes_;
  const Exception& first = At(next_);
  t->cow_offset_bytes = first.cow_chunk * chunk_bytes_;
  scratch_.clear();
  uint64_t read_chunks = 0;
  while (next_ < count && read_chunks < chunks_per_read) {
    const Exception& e = At(next_);
    if (e.cow_chunk != first.cow_chunk + read_chunks) break;
    scratch_.emplace_back(e.origin_chunk, static_cast<uint32_t>(read_chunks * chunk_bytes_));
    ++read_chunks;
    ++next_;
  }
  // Whole store chunks are read even for a partial last origin chunk: the
  // chunk is inside the store, and whole chunks keep O_DIRECT aligned.
  t->read_length_bytes = static_cast<uint32_t>(read_chunks * chunk_bytes_);

  // Write in origin order, joining chunks that are consecutive on the origin.
  std::sort(scratch_.begin(), scratch_.end());
  for (size_t i = 0; i < scratch_.size(); ++i) {
    const auto [origin_chunk, buffer_offset] = scratch_[i];
    const auto length = static_cast<uint32_t>(LengthOf(origin_chunk));
    const bool extends = !t->writes.empty() &&
                         t->writes.back().origin_offset_bytes + t->writes.back().length_bytes ==
                             origin_chunk * chunk_bytes_ &&
                         t->writes.back().length_bytes + length <= max_io_bytes_ &&
                         t->writes.back().piece_count < 1024;  // IOV_MAX
    if (!extends) {
      t->writes.push_back({origin_chunk * chunk_bytes_, 0, static_cast<uint32_t>(t->pieces.size()), 0});
    }
    TransferWrite& w = t->writes.back();
    BufferPiece* last_piece = w.piece_count > 0 ? &t->pieces.back() : nullptr;
    if (last_piece != nullptr &&
        last_piece->buffer_offset_bytes + last_piece->length_bytes == buffer_offset) {
      last_piece->length_bytes += length;  // adjacent in the buffer too
    } else {
      t->pieces.push_back({buffer_offset, length});
      ++w.piece_count;
    }
    w.length_bytes += length;
  }
  return true;
}

}  // namespace lvmrevert
