#include "core/copier.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/phase_clock.h"
#include "core/transfer.h"

namespace lvmrevert {
namespace {

// Slots (buffers of max_io_bytes) in flight at most; with the queue depth
// this keeps a deep queue busy without holding much memory.
constexpr size_t kMaxSlots = 16;
// Request tags: slot in the high half; in the low half the piece index, with
// the top bit set for writes.
constexpr uint64_t kWriteBit = uint64_t{1} << 31;

std::string Describe(IoOp op, uint64_t offset_bytes, uint64_t length_bytes) {
  return op == IoOp::kRead
             ? "read of " + std::to_string(length_bytes) + " bytes at store offset " +
                   std::to_string(offset_bytes)
             : "write of " + std::to_string(length_bytes) + " bytes at origin offset " +
                   std::to_string(offset_bytes);
}

// One buffer's journey: its reads from the store, then its writes.
struct Slot {
  Transfer transfer;
  IoOp phase = IoOp::kRead;
  size_t next_piece = 0;      // of the current phase, not yet submitted
  size_t outstanding = 0;     // of the current phase, submitted and not done
  std::vector<uint32_t> done_bytes;  // per piece of the current phase

  std::vector<TransferPiece>& pieces() {
    return phase == IoOp::kRead ? transfer.reads : transfer.writes;
  }
  bool has_unsubmitted() { return next_piece < pieces().size(); }
};

class Copier {
 public:
  Copier(const Plan& plan, IoEngine& engine, int cow_fd, int origin_fd,
         const CopyOptions& options, CopyStats* stats)
      : transfers_(plan, options.max_io_bytes),
        engine_(engine),
        cow_fd_(cow_fd),
        origin_fd_(origin_fd),
        options_(options),
        stats_(stats) {}
  // The buffers go with the copier: on_write_data's callee is done with
  // them first, whichever way Run ends (an exception too). After the
  // flush, so the last digests overlap it.
  ~Copier() {
    if (options_.before_buffer_reuse) options_.before_buffer_reuse();
  }
  Copier(const Copier&) = delete;
  Copier& operator=(const Copier&) = delete;

  Status Run() {
    depth_ = std::max<size_t>(1, engine_.queue_depth());
    slots_.resize(std::min(depth_, kMaxSlots));
    buffers_ = AlignedBuffer(slots_.size() * size_t{options_.max_io_bytes});
    std::vector<std::span<std::byte>> slot_buffers;
    for (size_t i = 0; i < slots_.size(); ++i) {
      free_slots_.push_back(slots_.size() - 1 - i);
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
      Fill();
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

    {
      InPhase flushing(Phase::kFlushing);
      if (error_.ok()) {
        s = engine_.Flush(origin_fd_);
        if (!s.ok()) Fail(s.WithPrefix("flushing the origin"));
      }
      if (error_.ok() && tail_written_ && ::fdatasync(options_.buffered_origin_fd) != 0) {
        Fail(Status::FromErrno(errno, "flushing the origin's last, unaligned chunk"));
      }
    }
    if (error_.ok() || !any_write_issued_) return error_;
    return Status::Incomplete(error_.message());
  }

 private:
  std::span<std::byte> SlotBuffer(size_t slot) {
    return {buffers_.data() + slot * options_.max_io_bytes, options_.max_io_bytes};
  }

  // Starts what can be started, oldest work first: writes free buffers and
  // reach the origin in ascending order; then a new buffer's reads.
  void Fill() {
    while (error_.ok() && outstanding_ < depth_) {
      if (!active_.empty()) {
        const size_t slot = active_.front();
        Slot& st = slots_[slot];
        const size_t piece = st.next_piece++;
        if (!st.has_unsubmitted()) active_.pop_front();
        Issue(slot, piece);
        continue;
      }
      if (free_slots_.empty()) return;
      const size_t slot = free_slots_.back();
      Slot& st = slots_[slot];
      if (!transfers_.Next(&st.transfer)) return;
      free_slots_.pop_back();
      if (options_.before_buffer_reuse) options_.before_buffer_reuse();
      StartPhase(slot, IoOp::kRead);
    }
  }

  void StartPhase(size_t slot, IoOp phase) {
    Slot& st = slots_[slot];
    st.phase = phase;
    st.next_piece = 0;
    st.outstanding = 0;
    st.done_bytes.assign(st.pieces().size(), 0);
    active_.push_back(slot);
  }

  void Issue(size_t slot, size_t piece_index) {
    Slot& st = slots_[slot];
    const TransferPiece& piece = st.pieces()[piece_index];
    const uint32_t done = st.done_bytes[piece_index];
    const bool read = st.phase == IoOp::kRead;
    IoRequest r;
    r.op = st.phase;
    r.fd = read ? cow_fd_ : origin_fd_;
    r.offset_bytes = piece.device_offset_bytes + done;
    r.buffer = SlotBuffer(slot).data() + piece.buffer_offset_bytes + done;
    r.length_bytes = piece.length_bytes - done;
    r.buffer_index = static_cast<int>(slot);
    r.tag = (uint64_t{slot} << 32) | piece_index | (read ? 0 : kWriteBit);
    if (read) {
      ++stats_->reads;
    } else {
      ++stats_->writes;
      any_write_issued_ = true;
      if (done == 0 && options_.on_write_data) {
        options_.on_write_data(piece.device_offset_bytes,
                               {SlotBuffer(slot).data() + piece.buffer_offset_bytes, piece.length_bytes});
      }
    }
    if (piece.unaligned_tail && options_.buffered_origin_fd >= 0) {
      // After the aligned writes before it, which left no cached page of
      // this range behind: a buffered write, made durable with the rest.
      ++outstanding_;
      ++st.outstanding;
      tail_written_ = true;
      Complete(IoCompletion{r.tag, WriteBuffered(r)});
      return;
    }
    Status s = engine_.Submit(r);
    if (!s.ok()) {
      Fail(s.WithPrefix(Describe(r.op, r.offset_bytes, r.length_bytes)));
      return;
    }
    ++outstanding_;
    ++st.outstanding;
  }

  int64_t WriteBuffered(const IoRequest& r) {
    ssize_t n;
    do {
      n = ::pwrite(options_.buffered_origin_fd, r.buffer, r.length_bytes,
                   static_cast<off_t>(r.offset_bytes));
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -int64_t{errno} : int64_t{n};
  }

  void Complete(const IoCompletion& c) {
    --outstanding_;
    const size_t slot = static_cast<size_t>(c.tag >> 32);
    const size_t piece_index = static_cast<size_t>(c.tag & (kWriteBit - 1));
    Slot& st = slots_[slot];
    --st.outstanding;
    const TransferPiece& piece = st.pieces()[piece_index];
    uint32_t& done = st.done_bytes[piece_index];
    const uint64_t offset = piece.device_offset_bytes + done;
    const uint64_t wanted = piece.length_bytes - done;
    if (c.result < 0) {
      Fail(Status::FromErrno(static_cast<int>(-c.result), Describe(st.phase, offset, wanted)));
      return;
    }
    if (c.result == 0 || static_cast<uint64_t>(c.result) > wanted) {
      Fail(Status::IOError(Describe(st.phase, offset, wanted) + " transferred " +
                           std::to_string(c.result) + " bytes"));
      return;
    }
    if (!error_.ok()) return;  // draining after an error: start nothing new
    done += static_cast<uint32_t>(c.result);
    if (done < piece.length_bytes) {
      Issue(slot, piece_index);  // short transfer: ask for the rest
      return;
    }
    if (st.phase == IoOp::kWrite) {
      stats_->bytes_written += piece.length_bytes;
      if (options_.on_progress) options_.on_progress(stats_->bytes_written);
    }
    if (st.outstanding > 0 || st.has_unsubmitted()) return;
    if (st.phase == IoOp::kRead) {
      StartPhase(slot, IoOp::kWrite);  // the buffer is full: write it out
    } else {
      free_slots_.push_back(slot);
    }
  }

  void Fail(const Status& s) {
    if (error_.ok()) error_ = s;
  }

  TransferCursor transfers_;
  IoEngine& engine_;
  int cow_fd_;
  int origin_fd_;
  const CopyOptions& options_;
  CopyStats* stats_;
  size_t depth_ = 1;
  AlignedBuffer buffers_;
  std::vector<Slot> slots_;
  std::vector<size_t> free_slots_;
  std::deque<size_t> active_;  // slots with pieces not yet submitted, oldest first
  size_t outstanding_ = 0;
  bool any_write_issued_ = false;
  bool tail_written_ = false;
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
