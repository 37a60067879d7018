// What the running system says about a device: mounts, swaps, loop devices,
// filesystems. An interface so every refusal can be tested with a fake, the
// way LevelDB's Env stands between the database and the OS.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace lvmrevert::safety {

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
  // Loop devices (e.g. "/dev/loop3") whose backing file is this file.
  virtual StatusOr<std::vector<std::string>> LoopDevicesBackedBy(dev_t dev, ino_t ino) = 0;
  // Kernel names of the devices stacked on this one (sysfs holders/).
  virtual StatusOr<std::vector<std::string>> HoldersOf(dev_t rdev) = 0;
  // The filesystem or other signature on a device or image, if any.
  virtual std::optional<FilesystemInfo> ProbeFilesystem(const std::string& path) = 0;
};

// The real system: libmount, libblkid and sysfs.
class LinuxSystemView final : public SystemView {
 public:
  StatusOr<std::vector<std::string>> MountPointsOf(dev_t rdev, const std::string& path) override;
  StatusOr<bool> IsActiveSwap(dev_t rdev, const std::string& path) override;
  StatusOr<std::vector<std::string>> LoopDevicesBackedBy(dev_t dev, ino_t ino) override;
  StatusOr<std::vector<std::string>> HoldersOf(dev_t rdev) override;
  std::optional<FilesystemInfo> ProbeFilesystem(const std::string& path) override;
};

}  // namespace lvmrevert::safety
