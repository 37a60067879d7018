// A device-mapper device suspended for as long as this object lives: it is
// resumed on every way out. While a device is suspended nothing may
// page-fault from disk, so memory is locked meanwhile (as LVM does).
#pragma once

#include <string>

#include "core/status.h"
#include "lvmext/lvm/device_mapper.h"

namespace lvmrevert::lvmext {

class SuspendedDevice {
 public:
  SuspendedDevice(DeviceMapper& dm, std::string name, UdevPolicy udev)
      : dm_(dm), name_(std::move(name)), udev_(udev) {}
  ~SuspendedDevice() { (void)Resume(); }
  SuspendedDevice(const SuspendedDevice&) = delete;
  SuspendedDevice& operator=(const SuspendedDevice&) = delete;

  Status Suspend();
  // Once; later calls (and the destructor) do nothing after a success.
  Status Resume();

  const std::string& name() const { return name_; }
  bool memory_locked() const { return memory_locked_; }

 private:
  void Unlock();

  DeviceMapper& dm_;
  std::string name_;
  UdevPolicy udev_;
  bool suspended_ = false;
  bool memory_locked_ = false;
};

}  // namespace lvmrevert::lvmext
