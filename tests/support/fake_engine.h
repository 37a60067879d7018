// An IoEngine over in-memory files that fails, shortens or reorders chosen
// requests, so every failure path of the copier can be driven.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <new>
#include <optional>
#include <vector>

#include "core/io_engine.h"
#include "core/psync_engine.h"

namespace lvmrevert::testing {

struct Fault {
  IoOp op = IoOp::kRead;
  int nth = 0;                // 0-based count of requests of that op
  int error = 0;              // complete with -error
  uint32_t max_bytes = 0;     // or transfer at most this many (0 = no limit)
  bool refuse_submit = false; // or fail Submit itself
  bool repeat = false;        // apply to the nth and every later request
};

class FakeEngine final : public IoEngine {
 public:
  explicit FakeEngine(size_t depth = 1) : depth_(depth) {}

  std::map<int, std::vector<std::byte>> files;
  std::vector<Fault> faults;
  bool complete_in_reverse = false;
  int flush_error = 0;

  int reads_submitted = 0;
  int writes_submitted = 0;
  int flushes = 0;
  std::vector<uint64_t> write_offsets;  // in submission order
  size_t max_outstanding_seen = 0;
  bool depth_violated = false;

  const char* name() const override { return "fake"; }
  size_t queue_depth() const override { return depth_; }

  Status Submit(const IoRequest& r) override {
    const int nth = r.op == IoOp::kRead ? reads_submitted : writes_submitted;
    const Fault* fault = FindFault(r.op, nth);
    if (fault != nullptr && fault->refuse_submit) return Status::IOError("queue refused");
    ++(r.op == IoOp::kRead ? reads_submitted : writes_submitted);
    if (r.op == IoOp::kWrite) write_offsets.push_back(r.offset_bytes);
    if (pending_.size() >= depth_) depth_violated = true;

    int64_t result = r.length_bytes;
    if (fault != nullptr && fault->error != 0) result = -fault->error;
    if (fault != nullptr && fault->max_bytes != 0) result = std::min<int64_t>(result, fault->max_bytes);
    if (result > 0) {
      std::vector<std::byte>& file = files.at(r.fd);
      const uint64_t available = r.offset_bytes < file.size() ? file.size() - r.offset_bytes : 0;
      result = std::min<int64_t>(result, static_cast<int64_t>(available));  // EOF: short
      if (r.op == IoOp::kRead) {
        std::memcpy(r.buffer, file.data() + r.offset_bytes, static_cast<size_t>(result));
      } else {
        std::memcpy(file.data() + r.offset_bytes, r.buffer, static_cast<size_t>(result));
      }
    }
    pending_.push_back(IoCompletion{r.tag, result});
    max_outstanding_seen = std::max(max_outstanding_seen, pending_.size());
    return Status::Ok();
  }

  Status Reap(size_t min_completions, std::vector<IoCompletion>* out) override {
    if (pending_.size() < min_completions) return Status::InvalidArgument("nothing to reap");
    if (complete_in_reverse) std::reverse(pending_.begin(), pending_.end());
    out->insert(out->end(), pending_.begin(), pending_.end());
    pending_.clear();
    return Status::Ok();
  }

  Status Flush(int) override {
    ++flushes;
    if (flush_error != 0) return Status::FromErrno(flush_error, "fdatasync");
    return Status::Ok();
  }

  size_t outstanding() const { return pending_.size(); }

 private:
  const Fault* FindFault(IoOp op, int nth) const {
    for (const Fault& f : faults) {
      if (f.op == op && (f.nth == nth || (f.repeat && nth >= f.nth))) return &f;
    }
    return nullptr;
  }

  size_t depth_;
  std::vector<IoCompletion> pending_;
};

// The real psync engine, except that the first request of one kind throws,
// as a std::bad_alloc from deep inside would.
class ThrowingEngine final : public IoEngine {
 public:
  explicit ThrowingEngine(IoOp op) : op_(op) {}
  const char* name() const override { return "throwing"; }
  size_t queue_depth() const override { return 1; }
  Status Submit(const IoRequest& r) override {
    if (r.op == op_) throw std::bad_alloc();
    return inner_.Submit(r);
  }
  Status Reap(size_t min, std::vector<IoCompletion>* out) override { return inner_.Reap(min, out); }
  Status Flush(int fd) override { return inner_.Flush(fd); }

 private:
  IoOp op_;
  PsyncEngine inner_;
};

// The real psync engine, except that the nth write (from 0) completes with EIO.
class FailingWriteEngine final : public IoEngine {
 public:
  explicit FailingWriteEngine(int fail_nth) : fail_nth_(fail_nth) {}
  const char* name() const override { return "failing"; }
  size_t queue_depth() const override { return 1; }
  Status Submit(const IoRequest& r) override {
    if (r.op == IoOp::kWrite && writes_++ == fail_nth_) {
      failed_tag_ = r.tag;
      return Status::Ok();
    }
    return inner_.Submit(r);
  }
  Status Reap(size_t min, std::vector<IoCompletion>* out) override {
    if (failed_tag_) {
      out->push_back(IoCompletion{*failed_tag_, -EIO});
      failed_tag_.reset();
      return Status::Ok();
    }
    return inner_.Reap(min, out);
  }
  Status Flush(int fd) override { return inner_.Flush(fd); }

 private:
  PsyncEngine inner_;
  int fail_nth_;
  int writes_ = 0;
  std::optional<uint64_t> failed_tag_;
};

}  // namespace lvmrevert::testing
