#include "core/status.h"

#include <cstring>

namespace lvmrevert {

Status Status::FromErrno(int errno_value, const std::string& context) {
  return IOError(context + ": " + std::strerror(errno_value));
}

Status Status::WithPrefix(const std::string& prefix) const {
  if (ok()) return *this;
  Status s(code_, prefix + ": " + message_);
  s.reason_ = reason_;
  return s;
}

Status Status::WithCode(StatusCode code) const {
  if (ok()) return *this;
  Status s(code, message_);
  s.reason_ = reason_;
  return s;
}

Status Status::WithReason(RefusalReason reason) const {
  Status s = *this;
  if (!ok()) s.reason_ = reason;
  return s;
}

bool IsLastingRefusal(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kSnapshotInvalid:
    case RefusalReason::kMergePending:
    case RefusalReason::kUnsupportedSnapshot:
    case RefusalReason::kPairMismatch:
    case RefusalReason::kSiblingWouldOverflow:
    case RefusalReason::kConflictingSchedules:
    case RefusalReason::kOtherRevertIncomplete:
      return true;
    case RefusalReason::kUnspecified:
    case RefusalReason::kBadCommandLine:
    case RefusalReason::kNamesASet:
    case RefusalReason::kThinSnapshot:
    case RefusalReason::kInUse:
    case RefusalReason::kDeviceOpen:
    // Another host's VG is never tagged by this one; it may be handed over.
    case RefusalReason::kNotThisHostsVg:
    // Nor a shared one (a boot has no lvmlockd to take the VG's lock).
    case RefusalReason::kSharedVgNotHeld:
      return false;
  }
  return false;
}

}  // namespace lvmrevert
