// The exit codes lvm-revert promises (see man/lvm-revert.8, EXIT STATUS).
#pragma once

#include "core/status.h"

namespace lvmrevert::cli {

inline constexpr int kExitDone = 0;
inline constexpr int kExitDiffers = 1;         // --compare: the origin differs, as cmp(1)
inline constexpr int kExitBadCommandLine = 3;  // LVM's EINVALID_CMD_LINE
inline constexpr int kExitRefused = 4;         // nothing was written
inline constexpr int kExitFailedWriting = 5;   // re-running completes the revert

inline int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitDone;
    case StatusCode::kIncomplete:
      return kExitFailedWriting;
    default:
      return kExitRefused;
  }
}

}  // namespace lvmrevert::cli
