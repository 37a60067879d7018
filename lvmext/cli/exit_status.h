// The exit codes lvm-revert promises (see man/lvm-revert.8, EXIT STATUS).
// Which one a run gets is decided in outcome.h alone.
#pragma once

namespace lvmrevert::lvmext {

inline constexpr int kExitDone = 0;
inline constexpr int kExitDiffers = 1;         // --compare: the origin differs, as cmp(1)
inline constexpr int kExitBadCommandLine = 3;  // LVM's EINVALID_CMD_LINE
inline constexpr int kExitRefused = 4;         // nothing was written
inline constexpr int kExitFailedWriting = 5;   // re-running completes the revert

}  // namespace lvmrevert::lvmext
