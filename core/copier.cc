#include "core/copier.h"

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "core/aligned_buffer.h"
#include "core/transfer.h"

namespace lvmrevert {
namespace {

// Slots (buffers of max_io_bytes) in flight at most; enough to keep a deep
// queue busy with large requests without holding much memory.
constexpr size_t kMaxSlots = 16;
constexpr uint64_t kReadTag = 0xffffffff;

std::string Describe(IoOp op, uint64_t offset_bytes, uint64_t length_bytes) {
  return op == IoOp::kRead
             ? "read of " + std::to_string(length_bytes) + " bytes at store offset " +
                   std::to_string(offset_bytes)
             : "write of " + std::to_string(length_bytes) + " bytes at origin offset " +
                   std::to_string(offset_bytes);
}

// One buffer's journey: one read from the store, then its writes.
struct Slot {
  enum class State { kFree, kReading, kWriting };
  State state = State::kFree;
  Transfer transfer;
  uint32_t read_done_bytes = 0;
  size_t next_write = 0;          // the next write to submit
  size_t writes_outstanding = 0;
  std::vector<uint32_t> write_done_bytes;
  std::vector<std::vector<iovec>> iovs;  // per write, alive while it runs
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

    if (error_.ok()) {
      s = engine_.Flush(origin_fd_);
      if (!s.ok()) Fail(s.WithPrefix("flushing the origin"));
    }
    if (error_.ok() || !any_write_issued_) return error_;
    return Status::Incomplete(error_.message());
  }

 private:
  std::span<std::byte> SlotBuffer(size_t slot) {
    return {buffers_.data() + slot * options_.max_io_bytes, options_.max_io_bytes};
  }

  // Starts what can be started: writes of buffers already read first (they
  // free buffers), then reads into free buffers.
  void Fill() {
    while (error_.ok() && outstanding_ < depth_) {
      if (!ready_to_write_.empty()) {
        const size_t slot = ready_to_write_.front();
        Slot& st = slots_[slot];
        const size_t w = st.next_write++;
        if (st.next_write == st.transfer.writes.size()) ready_to_write_.pop_front();
        IssueWrite(slot, w);
        continue;
      }
      if (free_slots_.empty()) return;
      const size_t slot = free_slots_.back();
      Slot& st = slots_[slot];
      if (!transfers_.Next(&st.transfer)) return;
      free_slots_.pop_back();
      st.state = Slot::State::kReading;
      st.read_done_bytes = 0;
      IssueRead(slot);
    }
  }

  void IssueRead(size_t slot) {
    Slot& st = slots_[slot];
    IoRequest r;
    r.op = IoOp::kRead;
    r.fd = cow_fd_;
    r.offset_bytes = st.transfer.cow_offset_bytes + st.read_done_bytes;
    r.buffer = SlotBuffer(slot).data() + st.read_done_bytes;
    r.length_bytes = st.transfer.read_length_bytes - st.read_done_bytes;
    r.buffer_index = static_cast<int>(slot);
    r.tag = (uint64_t{slot} << 32) | kReadTag;
    ++stats_->reads;
    Submit(r);
  }

  void IssueWrite(size_t slot, size_t w) {
    Slot& st = slots_[slot];
    const TransferWrite& write = st.transfer.writes[w];
    const uint32_t done = st.write_done_bytes[w];
    IoRequest r;
    r.op = IoOp::kWrite;
    r.fd = origin_fd_;
    r.offset_bytes = write.origin_offset_bytes + done;
    r.buffer_index = static_cast<int>(slot);
    r.tag = (uint64_t{slot} << 32) | w;
    if (write.piece_count == 1) {
      const BufferPiece& piece = st.transfer.pieces[write.first_piece];
      r.buffer = SlotBuffer(slot).data() + piece.buffer_offset_bytes + done;
      r.length_bytes = write.length_bytes - done;
    } else {
      // Pieces scattered in the buffer, consecutive on the origin: one
      // gathered write. After a short write, skip what was written.
      std::vector<iovec>& iov = st.iovs[w];
      iov.clear();
      uint32_t skip = done;
      for (uint32_t p = 0; p < write.piece_count; ++p) {
        const BufferPiece& piece = st.transfer.pieces[write.first_piece + p];
        if (skip >= piece.length_bytes) {
          skip -= piece.length_bytes;
          continue;
        }
        iov.push_back({SlotBuffer(slot).data() + piece.buffer_offset_bytes + skip,
                       piece.length_bytes - skip});
        skip = 0;
      }
      r.iov = iov.data();
      r.iov_count = static_cast<int>(iov.size());
      r.length_bytes = write.length_bytes - done;
    }
    any_write_issued_ = true;
    ++stats_->writes;
    Submit(r);
  }

  void Submit(const IoRequest& r) {
    Status s = engine_.Submit(r);
    if (!s.ok()) {
      Fail(s.WithPrefix(Describe(r.op, r.offset_bytes, r.length_bytes)));
      return;
    }
    ++outstanding_;
  }

  void Complete(const IoCompletion& c) {
    --outstanding_;
    const size_t slot = static_cast<size_t>(c.tag >> 32);
    const uint64_t index = c.tag & 0xffffffff;
    Slot& st = slots_[slot];
    const bool read = index == kReadTag;
    const uint64_t offset = read ? st.transfer.cow_offset_bytes + st.read_done_bytes
                                 : st.transfer.writes[index].origin_offset_bytes +
                                       st.write_done_bytes[index];
    const uint64_t wanted = read ? st.transfer.read_length_bytes - st.read_done_bytes
                                 : st.transfer.writes[index].length_bytes - st.write_done_bytes[index];
    const IoOp op = read ? IoOp::kRead : IoOp::kWrite;
    if (c.result < 0) {
      Fail(Status::FromErrno(static_cast<int>(-c.result), Describe(op, offset, wanted)));
      return;
    }
    if (c.result == 0 || static_cast<uint64_t>(c.result) > wanted) {
      Fail(Status::IOError(Describe(op, offset, wanted) + " transferred " +
                           std::to_string(c.result) + " bytes"));
      return;
    }
    if (!error_.ok()) return;  // draining after an error: start nothing new
    const auto n = static_cast<uint32_t>(c.result);

    if (read) {
      st.read_done_bytes += n;
      if (st.read_done_bytes < st.transfer.read_length_bytes) {
        IssueRead(slot);  // short read: ask for the rest
        return;
      }
      st.state = Slot::State::kWriting;
      st.next_write = 0;
      st.writes_outstanding = st.transfer.writes.size();
      st.write_done_bytes.assign(st.transfer.writes.size(), 0);
      if (st.iovs.size() < st.transfer.writes.size()) st.iovs.resize(st.transfer.writes.size());
      ready_to_write_.push_back(slot);
      return;
    }

    st.write_done_bytes[index] += n;
    if (st.write_done_bytes[index] < st.transfer.writes[index].length_bytes) {
      IssueWrite(slot, index);  // short write: ask for the rest
      return;
    }
    stats_->bytes_written += st.transfer.writes[index].length_bytes;
    if (options_.on_progress) options_.on_progress(stats_->bytes_written);
    if (--st.writes_outstanding == 0) {
      st.state = Slot::State::kFree;
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
  std::deque<size_t> ready_to_write_;
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
