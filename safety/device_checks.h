// Refusals that keep lvm-revert from writing under someone else's feet. Each
// returns kRefused with a one-line reason and what to do about it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/device_file.h"
#include "core/status.h"
#include "safety/system_view.h"

namespace lvmrevert::safety {

// Refuses a block device that is mounted or an active swap. `role` names it
// in messages ("origin", "snapshot").
Status CheckNotMountedOrSwap(SystemView& view, const std::string& role, const std::string& path,
                             dev_t rdev);

// The pre-open check for one path whose identity the caller took (and the
// open will confirm): a block device must be neither mounted nor an active
// swap. `role` names it in messages ("origin", "snapshot store").
Status CheckNotInUse(SystemView& view, const std::string& role, const std::string& path,
                     const FileIdentity& identity);

// Refuses, once both are open, every way for the origin and the store to be
// one file, and every loop device that could write the origin's file (or
// the store's) behind our back: the same file or device; a loop device of
// the other's file; two loop devices of one file; the origin's (or store's)
// file bound to another loop device, mounted or not. Loop devices are
// identified by the driver's report (device and inode), not by path text.
Status CheckNoAliases(SystemView& view, const DeviceFile& origin, const DeviceFile& store);

// Refuses a device opened more often than `explained` (the opens that the
// device-mapper stack itself accounts for, plus our own), with
// RefusalReason::kDeviceOpen: an open may be brief, where a mount is not.
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

// Refuses when a filesystem on device `fs_dev` lies on one of `devices` or
// on a device stacked on one (sysfs holders, followed all the way up): a
// file there would be written through the device being reverted.
Status CheckNotOnDevices(SystemView& view, const std::string& what, dev_t fs_dev,
                         const std::vector<dev_t>& devices);

}  // namespace lvmrevert::safety
