// Refusals that keep lvm-revert from writing under someone else's feet. Each
// returns kRefused with a one-line reason and what to do about it.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/device_file.h"
#include "core/status.h"
#include "safety/system_view.h"

namespace lvmrevert::safety {

// Refuses a block device that is mounted or an active swap. `role` names it
// in messages ("origin", "snapshot").
Status CheckNotMountedOrSwap(SystemView& view, const std::string& role, const std::string& path,
                             dev_t rdev);

// Refuses an image file that backs a loop device: the loop device could be
// mounted or written while we copy.
Status CheckNotLoopBacking(SystemView& view, const std::string& role, const std::string& path,
                           dev_t dev, ino_t ino);

// The pre-open checks for one path: dispatches on what `path` is. Missing
// paths pass here; opening them reports the error.
Status CheckPathNotInUse(SystemView& view, const std::string& role, const std::string& path);

// Refuses a device opened more often than `explained` (the opens that the
// device-mapper stack itself accounts for, plus our own).
Status CheckOpenCount(const std::string& role, const std::string& label, int open_count,
                      int explained);

// Refuses a block device that other devices are stacked on (sysfs holders/).
Status CheckNoHolders(SystemView& view, const std::string& role, const std::string& label,
                      dev_t rdev);

// A warning when the origin and the snapshot carry filesystems with different
// UUIDs: after the revert the origin has the snapshot's UUID, which may no
// longer match /etc/fstab. Empty when there is nothing to say.
std::string FilesystemUuidWarning(SystemView& view, const std::string& origin_path,
                                  const std::string& snapshot_path);

// Refuses when the origin and the store are one and the same.
Status CheckDistinct(const DeviceFile& origin, const DeviceFile& store);

}  // namespace lvmrevert::safety
