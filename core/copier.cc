#include "core/copier.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"

namespace lvmrevert {
namespace {

// A piece of one run small enough for one buffer slot.
struct Piece {
  uint64_t cow_offset_bytes = 0;
  uint64_t origin_offset_bytes = 0;
  uint32_t length_bytes = 0;
};

// Cuts the plan's runs into pieces of at most max_io_bytes.
class PieceCursor {
 public:
  PieceCursor(const Plan& plan, uint32_t max_io_bytes)
      : runs_(plan), chunk_bytes_(plan.chunk_size_bytes()), max_io_bytes_(max_io_bytes) {}

  bool Next(Piece* piece) {
    if (run_left_bytes_ == 0) {
      ChunkRun run;
      if (!runs_.Next(&run)) return false;
      cow_offset_ = run.cow_chunk * chunk_bytes_;
      origin_offset_ = run.origin_chunk * chunk_bytes_;
      run_left_bytes_ = run.length_bytes;
    }
    const auto length = static_cast<uint32_t>(std::min<uint64_t>(run_left_bytes_, max_io_bytes_));
    *piece = Piece{cow_offset_, origin_offset_, length};
    cow_offset_ += length;
    origin_offset_ += length;
    run_left_bytes_ -= length;
    return true;
  }

 private:
  RunCursor runs_;
  uint64_t chunk_bytes_;
  uint32_t max_io_bytes_;
  uint64_t cow_offset_ = 0;
  uint64_t origin_offset_ = 0;
  uint64_t run_left_bytes_ = 0;
};

struct Slot {
  Piece piece;
  IoOp phase = IoOp::kRead;
  uint32_t done_bytes = 0;  // of the current phase
};

std::string Describe(IoOp op, uint64_t offset_bytes, uint32_t length_bytes) {
  return op == IoOp::kRead
             ? "read of " + std::to_string(length_bytes) + " bytes at store offset " +
                   std::to_string(offset_bytes)
             : "write of " + std::to_string(length_bytes) + " bytes at origin offset " +
                   std::to_string(offset_bytes);
}

class Copier {
 public:
  Copier(const Plan& plan, IoEngine& engine, int cow_fd, int origin_fd,
         const CopyOptions& options, CopyStats* stats)
      : pieces_(plan, options.max_io_bytes),
        engine_(engine),
        cow_fd_(cow_fd),
        origin_fd_(origin_fd),
        options_(options),
        stats_(stats) {}

  Status Run() {
    const size_t depth = std::max<size_t>(1, engine_.queue_depth());
    slots_.resize(depth);
    buffers_ = AlignedBuffer(depth * size_t{options_.max_io_bytes});
    std::vector<std::span<std::byte>> slot_buffers;
    for (size_t i = 0; i < depth; ++i) {
      free_slots_.push_back(depth - 1 - i);
      slot_buffers.push_back(SlotBuffer(i));
    }
    Status s = engine_.RegisterBuffers(slot_buffers);
    if (!s.ok()) return s;

    std::vector<IoCompletion> completions;
    for (;;) {
      if (error_.ok() && options_.check_continue) {
        Status go_on = options_.check_continue();
        if (!go_on.ok()) Fail(go_on);
      }
      Piece piece;
      while (error_.ok() && !free_slots_.empty() && pieces_.Next(&piece)) {
        const size_t slot = free_slots_.back();
        free_slots_.pop_back();
        slots_[slot] = Slot{piece, IoOp::kRead, 0};
        Issue(slot);
      }
      if (outstanding_ == 0) break;
      completions.clear();
      s = engine_.Reap(1, &completions);
      if (!s.ok()) {
        // The engine lost track of its requests; nothing more can be trusted.
        Fail(s);
        break;
      }
      for (const IoCompletion& c : completions) Complete(c);
    }

    if (error_.ok()) {
      s = engine_.Flush(origin_fd_);
      if (!s.ok()) Fail(s.WithPrefix("flushing the origin"));
    }
    if (error_.ok()) return error_;
    if (!any_write_issued_) return error_;
    return Status::Incomplete(error_.message());
  }

 private:
  std::span<std::byte> SlotBuffer(size_t slot) {
    return {buffers_.data() + slot * options_.max_io_bytes, options_.max_io_bytes};
  }

  void Issue(size_t slot) {
    Slot& st = slots_[slot];
    const bool read = st.phase == IoOp::kRead;
    IoRequest request;
    request.op = st.phase;
    request.fd = read ? cow_fd_ : origin_fd_;
    request.offset_bytes =
        (read ? st.piece.cow_offset_bytes : st.piece.origin_offset_bytes) + st.done_bytes;
    request.buffer = SlotBuffer(slot).data() + st.done_bytes;
    request.length_bytes = st.piece.length_bytes - st.done_bytes;
    request.buffer_index = static_cast<int>(slot);
    request.tag = slot;
    if (!read) any_write_issued_ = true;
    Status s = engine_.Submit(request);
    if (!s.ok()) {
      Fail(s.WithPrefix(Describe(st.phase, request.offset_bytes, request.length_bytes)));
      free_slots_.push_back(slot);
      return;
    }
    ++outstanding_;
    ++(read ? stats_->reads : stats_->writes);
  }

  void Complete(const IoCompletion& c) {
    --outstanding_;
    const size_t slot = static_cast<size_t>(c.tag);
    Slot& st = slots_[slot];
    const bool read = st.phase == IoOp::kRead;
    const uint64_t offset =
        (read ? st.piece.cow_offset_bytes : st.piece.origin_offset_bytes) + st.done_bytes;
    const uint32_t wanted = st.piece.length_bytes - st.done_bytes;
    if (c.result < 0) {
      Fail(Status::FromErrno(static_cast<int>(-c.result), Describe(st.phase, offset, wanted)));
      free_slots_.push_back(slot);
      return;
    }
    if (c.result == 0 || static_cast<uint64_t>(c.result) > wanted) {
      Fail(Status::IOError(Describe(st.phase, offset, wanted) + " transferred " +
                           std::to_string(c.result) + " bytes"));
      free_slots_.push_back(slot);
      return;
    }
    st.done_bytes += static_cast<uint32_t>(c.result);
    if (!error_.ok()) {
      // Draining after an error: finish nothing new.
      free_slots_.push_back(slot);
      return;
    }
    if (st.done_bytes < st.piece.length_bytes) {
      Issue(slot);  // short transfer: ask for the rest
      return;
    }
    if (read) {
      st.phase = IoOp::kWrite;
      st.done_bytes = 0;
      Issue(slot);
      return;
    }
    stats_->bytes_written += st.piece.length_bytes;
    free_slots_.push_back(slot);
    if (options_.on_progress) options_.on_progress(stats_->bytes_written);
  }

  void Fail(const Status& s) {
    if (error_.ok()) error_ = s;
  }

  PieceCursor pieces_;
  IoEngine& engine_;
  int cow_fd_;
  int origin_fd_;
  const CopyOptions& options_;
  CopyStats* stats_;
  AlignedBuffer buffers_;
  std::vector<Slot> slots_;
  std::vector<size_t> free_slots_;
  size_t outstanding_ = 0;
  bool any_write_issued_ = false;
  Status error_;
};

}  // namespace

Status CopyPlan(const Plan& plan, IoEngine& engine, int cow_fd, int origin_fd,
                const CopyOptions& options, CopyStats* stats) {
  CopyStats ignored;
  Copier copier(plan, engine, cow_fd, origin_fd, options, stats != nullptr ? stats : &ignored);
  return copier.Run();
}

}  // namespace lvmrevert
