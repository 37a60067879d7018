// What the running system says about a device: mounts, swaps, loop devices,
// filesystems. An interface so every refusal can be tested with a fake, the
// way LevelDB's Env stands between the database and the OS.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/device_file.h"
#include "core/status.h"

namespace lvmrevert::safety {

// A bound loop device and the file behind it, as the loop driver itself
// reports it (LOOP_GET_STATUS64: the backing file's filesystem and inode).
// sysfs's backing_file is text: cut at a newline, " (deleted)" after an
// unlink, and blind to hard links, so it only serves as a display name.
struct LoopDevice {
  std::string name;  // "/dev/loop3"
  dev_t rdev = 0;
  FileIdentity backing;
  std::string backing_name;  // for messages only
};

struct FilesystemInfo {
  std::string type;   // "ext4", "swap", "xfs", ...
  std::string uuid;   // may be empty
  std::string label;  // may be empty
};

class SystemView {
 public:
  virtual ~SystemView() = default;

  // Where this block device is mounted in our mount namespace, matched by
  // device number and by source path (btrfs reports an anonymous device
  // number, so the path is needed too).
  virtual StatusOr<std::vector<std::string>> MountPointsOf(dev_t rdev,
                                                           const std::string& path) = 0;
  // True when the block device is an active swap area.
  virtual StatusOr<bool> IsActiveSwap(dev_t rdev, const std::string& path) = 0;
  // Every bound loop device. An error when one cannot be asked what it is
  // bound to: better to refuse than to miss one.
  virtual StatusOr<std::vector<LoopDevice>> LoopDevices() = 0;
  // Kernel names of the devices stacked on this one (sysfs holders/).
  virtual StatusOr<std::vector<std::string>> HoldersOf(dev_t rdev) = 0;
  // The filesystem or other signature on a device or image, if any.
  virtual std::optional<FilesystemInfo> ProbeFilesystem(const std::string& path) = 0;
  // The kernel's name of a block device ("dm-3", "loop0"), empty if none.
  virtual std::string KernelName(dev_t rdev) = 0;
  // The device number of the block device the kernel calls `kernel_name`.
  virtual std::optional<dev_t> DevOf(const std::string& kernel_name) = 0;
  // The device-mapper name of the block device the kernel calls
  // `kernel_name` (sysfs dm/name), or nothing when it is not one.
  virtual std::optional<std::string> DmName(const std::string& kernel_name) = 0;
};

// The real system: libmount, libblkid and sysfs.
class LinuxSystemView final : public SystemView {
 public:
  StatusOr<std::vector<std::string>> MountPointsOf(dev_t rdev, const std::string& path) override;
  StatusOr<bool> IsActiveSwap(dev_t rdev, const std::string& path) override;
  StatusOr<std::vector<LoopDevice>> LoopDevices() override;
  StatusOr<std::vector<std::string>> HoldersOf(dev_t rdev) override;
  std::optional<FilesystemInfo> ProbeFilesystem(const std::string& path) override;
  std::string KernelName(dev_t rdev) override;
  std::optional<std::string> DmName(const std::string& kernel_name) override;
  std::optional<dev_t> DevOf(const std::string& kernel_name) override;
};

}  // namespace lvmrevert::safety
