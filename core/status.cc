#include "core/status.h"

#include <cstring>

namespace lvmrevert {

Status Status::FromErrno(int errno_value, const std::string& context) {
  return IOError(context + ": " + std::strerror(errno_value));
}

Status Status::WithPrefix(const std::string& prefix) const {
  if (ok()) return *this;
  return Status(code_, prefix + ": " + message_);
}

Status Status::WithCode(StatusCode code) const {
  if (ok()) return *this;
  return Status(code, message_);
}

}  // namespace lvmrevert
