// The device-mapper calls lvm-revert makes, behind an interface so the
// resolution and refusal logic is tested without a kernel (this machine has
// no device-mapper; the VM suite runs the real one).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace lvmrevert::lvmext {

struct DmInfo {
  bool exists = false;
  bool suspended = false;
  int32_t open_count = 0;
  dev_t dev = 0;
  std::string name;
  std::string uuid;
};

struct DmTarget {
  uint64_t start_sectors = 0;
  uint64_t length_sectors = 0;
  std::string type;    // "snapshot", "snapshot-origin", "linear", ...
  std::string params;  // table or status text
};

struct DmDevice {
  std::string name;
  dev_t dev = 0;
};

// udev handling for resume, as LVM does it (see libdm's dm_task_set_cookie).
struct UdevPolicy {
  bool sync = true;           // wait for udev to finish (no: --noudevsync)
  uint16_t resume_flags = 0;  // DM_UDEV_* flags for the resumed device
};

class DeviceMapper {
 public:
  virtual ~DeviceMapper() = default;

  // exists == false when there is no such device.
  virtual StatusOr<DmInfo> Info(const std::string& name) = 0;
  virtual StatusOr<std::vector<DmTarget>> Table(const std::string& name) = 0;
  virtual StatusOr<std::vector<DmTarget>> TargetStatus(const std::string& name) = 0;
  virtual StatusOr<std::vector<DmDevice>> List() = 0;
  // A flushing suspend: waits for in-flight I/O; later I/O waits for resume.
  virtual Status Suspend(const std::string& name) = 0;
  virtual Status Resume(const std::string& name, const UdevPolicy& udev) = 0;
};

// libdevmapper.
class LibDeviceMapper final : public DeviceMapper {
 public:
  LibDeviceMapper();
  StatusOr<DmInfo> Info(const std::string& name) override;
  StatusOr<std::vector<DmTarget>> Table(const std::string& name) override;
  StatusOr<std::vector<DmTarget>> TargetStatus(const std::string& name) override;
  StatusOr<std::vector<DmDevice>> List() override;
  Status Suspend(const std::string& name) override;
  Status Resume(const std::string& name, const UdevPolicy& udev) override;
};

// DM_UDEV_* flags LVM passes when it resumes a snapshot LV
// (_get_udev_flags in lvm2's dev_manager.c): low priority for /dev/disk
// links, since the snapshot carries the origin's filesystem UUID.
uint16_t SnapshotResumeUdevFlags(bool udev_rules, bool verify_udev_operations);

}  // namespace lvmrevert::lvmext
