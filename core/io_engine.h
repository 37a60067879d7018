// One contract for every way of moving bytes (after fio's ioengines): the
// copier queues requests and reaps completions; an engine decides whether they
// run one at a time (psync) or many at once (io_uring). Tests plug in a fake
// engine that fails or shortens chosen requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace lvmrevert {

enum class IoOp : uint8_t { kRead, kWrite };

struct IoRequest {
  IoOp op = IoOp::kRead;
  int fd = -1;
  uint64_t offset_bytes = 0;
  std::byte* buffer = nullptr;
  uint32_t length_bytes = 0;
  // Index of the registered buffer that holds `buffer`, or -1.
  int buffer_index = -1;
  uint64_t tag = 0;  // handed back in the completion
};

struct IoCompletion {
  uint64_t tag = 0;
  // Bytes transferred, possibly fewer than asked (a short transfer), or -errno.
  int64_t result = 0;
};

class IoEngine {
 public:
  virtual ~IoEngine() = default;

  virtual const char* name() const = 0;
  // The most requests that may be outstanding at once.
  virtual size_t queue_depth() const = 0;
  // Lets an engine pin the copier's buffers once (io_uring fixed buffers).
  virtual Status RegisterBuffers(std::span<const std::span<std::byte>> buffers) {
    (void)buffers;
    return Status::Ok();
  }
  // Queues one request. The caller keeps about queue_depth() outstanding;
  // an engine must accept a few more (a short transfer's remainder).
  // An error here means the request was not queued.
  virtual Status Submit(const IoRequest& request) = 0;
  // Blocks until at least `min_completions` requests have finished (no more
  // than are outstanding) and appends every finished one to `out`.
  virtual Status Reap(size_t min_completions, std::vector<IoCompletion>* out) = 0;
  // Makes the completed writes to fd durable.
  virtual Status Flush(int fd) = 0;
};

}  // namespace lvmrevert
