#include "core/uring_engine.h"

#ifdef LVMREVERT_HAVE_LIBURING

#include <liburing.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace lvmrevert {
namespace {

class UringEngine final : public IoEngine {
 public:
  explicit UringEngine(unsigned depth) : depth_(depth) {}
  ~UringEngine() override {
    // Only a ring that was set up may be torn down: liburing leaves a failed
    // ring zeroed, and io_uring_queue_exit on it would close fd 0.
    if (!ring_ready_) return;
    if (buffers_registered_) io_uring_unregister_buffers(&ring_);
    io_uring_queue_exit(&ring_);
  }
  UringEngine(const UringEngine&) = delete;
  UringEngine& operator=(const UringEngine&) = delete;

  Status Init() {
    // Room for a full queue of reads and writes plus re-issued remainders.
    const int rc = io_uring_queue_init(depth_ * 2, &ring_, 0);
    if (rc < 0) return Status::FromErrno(-rc, "io_uring_queue_init");
    ring_ready_ = true;
    io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
    const bool ok = probe != nullptr && io_uring_opcode_supported(probe, IORING_OP_READ) &&
                    io_uring_opcode_supported(probe, IORING_OP_WRITE);
    if (probe != nullptr) io_uring_free_probe(probe);
    if (!ok) {
      return Status::IOError("io_uring lacks IORING_OP_READ/WRITE (Linux 5.6 or later needed)");
    }
    return Status::Ok();
  }

  const char* name() const override { return "io_uring"; }
  size_t queue_depth() const override { return depth_; }

  Status RegisterBuffers(std::span<const std::span<std::byte>> buffers) override {
    std::vector<iovec> iov;
    for (const auto& b : buffers) iov.push_back({b.data(), b.size()});
    // Pinning needs locked-memory allowance; without it plain reads and
    // writes still work, only slower.
    buffers_registered_ =
        io_uring_register_buffers(&ring_, iov.data(), static_cast<unsigned>(iov.size())) == 0;
    return Status::Ok();
  }

  Status Submit(const IoRequest& r) override {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {
      io_uring_submit(&ring_);
      sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) return Status::IOError("io_uring submission queue full");
    }
    const bool read = r.op == IoOp::kRead;
    if (buffers_registered_ && r.buffer_index >= 0) {
      if (read) {
        io_uring_prep_read_fixed(sqe, r.fd, r.buffer, r.length_bytes, r.offset_bytes, r.buffer_index);
      } else {
        io_uring_prep_write_fixed(sqe, r.fd, r.buffer, r.length_bytes, r.offset_bytes, r.buffer_index);
      }
    } else if (read) {
      io_uring_prep_read(sqe, r.fd, r.buffer, r.length_bytes, r.offset_bytes);
    } else {
      io_uring_prep_write(sqe, r.fd, r.buffer, r.length_bytes, r.offset_bytes);
    }
    io_uring_sqe_set_data64(sqe, r.tag);
    return Status::Ok();
  }

  Status Reap(size_t min_completions, std::vector<IoCompletion>* out) override {
    // One system call submits everything queued and waits for completions.
    const int rc = io_uring_submit_and_wait(&ring_, static_cast<unsigned>(min_completions));
    if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
      return Status::FromErrno(-rc, "io_uring_submit_and_wait");
    }
    io_uring_cqe* cqe = nullptr;
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      out->push_back(IoCompletion{io_uring_cqe_get_data64(cqe), cqe->res});
      ++seen;
    }
    io_uring_cq_advance(&ring_, seen);
    return Status::Ok();
  }

  Status Flush(int fd) override {
    if (::fdatasync(fd) != 0) return Status::FromErrno(errno, "fdatasync");
    return Status::Ok();
  }

 private:
  unsigned depth_;
  io_uring ring_{};
  bool ring_ready_ = false;
  bool buffers_registered_ = false;
};

}  // namespace

bool UringCompiledIn() { return true; }

StatusOr<std::unique_ptr<IoEngine>> MakeUringEngine(unsigned queue_depth) {
  auto engine = std::make_unique<UringEngine>(queue_depth);
  Status s = engine->Init();
  if (!s.ok()) return s;
  return std::unique_ptr<IoEngine>(std::move(engine));
}

}  // namespace lvmrevert

#else  // !LVMREVERT_HAVE_LIBURING

namespace lvmrevert {

bool UringCompiledIn() { return false; }

StatusOr<std::unique_ptr<IoEngine>> MakeUringEngine(unsigned) {
  return Status::IOError("lvm-revert was built without liburing");
}

}  // namespace lvmrevert

#endif
