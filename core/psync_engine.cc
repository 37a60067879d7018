#include "core/psync_engine.h"

#include <unistd.h>

#include <cerrno>

namespace lvmrevert {

Status PsyncEngine::Submit(const IoRequest& request) {
  const auto offset = static_cast<off_t>(request.offset_bytes);
  ssize_t n;
  do {
    n = request.op == IoOp::kRead ? ::pread(request.fd, request.buffer, request.length_bytes, offset)
                                  : ::pwrite(request.fd, request.buffer, request.length_bytes, offset);
  } while (n < 0 && errno == EINTR);
  done_.push_back(IoCompletion{request.tag, n < 0 ? -int64_t{errno} : int64_t{n}});
  return Status::Ok();
}

Status PsyncEngine::Reap(size_t min_completions, std::vector<IoCompletion>* out) {
  if (done_.size() < min_completions) {
    return Status::InvalidArgument("reap asked for more completions than are outstanding");
  }
  out->insert(out->end(), done_.begin(), done_.end());
  done_.clear();
  return Status::Ok();
}

Status PsyncEngine::Flush(int fd) {
  if (::fdatasync(fd) != 0) return Status::FromErrno(errno, "fdatasync");
  return Status::Ok();
}

}  // namespace lvmrevert
